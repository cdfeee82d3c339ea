using System.Reactive.Concurrency;

namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// Runs the garbage collector's youngest generation while the pipeline waits for its next volume, so that a
/// volume's processing rarely carries a collection's pause.
/// </summary>
/// <remarks>
/// <para>The collector runs gen 0 when what was allocated since its last gen-0 collection reaches its budget,
/// inside whichever allocation crosses it. At the published scale the session allocates about 22 kB per volume
/// and the workstation collector then ran gen 0 once per 70–100 volumes, each pause (about 1.2 ms) added to the
/// latency of the volume it fell in: many of a session's slowest volumes were those.</para>
/// <para>Call <see cref="FrameDone"/> on the pipeline's scheduler after each frame. Once no frame has been done
/// for <see cref="Quiet"/> and at least <see cref="Threshold"/> bytes were allocated since the last gen-0
/// collection (the collector's own or this one's), it collects gen 0 on that scheduler, between volumes, long
/// before the budget is reached. A volume that arrives meanwhile waits behind the collection at most; one
/// that is being processed is never interrupted by it.</para>
/// </remarks>
public sealed class IdleCollector
{
    /// <summary>How long the pipeline must have been idle after a frame before it collects (20 ms).</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(20);

    /// <summary>Bytes allocated since the last gen-0 collection that make an idle pipeline collect (256 KiB).</summary>
    public const long Threshold = 256 * 1024;

    private readonly IScheduler _scheduler;
    private readonly Func<long> _allocated;
    private readonly Func<int> _collections;
    private readonly Action _collect;
    private readonly Action _check;
    private DateTimeOffset _lastFrame;
    private bool _pending;
    private int _seenCollections;
    private long _allocatedAtCollection;

    /// <summary>Collects on <paramref name="scheduler"/>, the pipeline's own.</summary>
    public IdleCollector(IScheduler scheduler)
        : this(scheduler, () => GC.GetTotalAllocatedBytes(false), () => GC.CollectionCount(0),
            () => GC.Collect(0, GCCollectionMode.Forced, blocking: true, compacting: false))
    {
    }

    /// <summary>With the process's allocation count, gen-0 count and collection given (tests).</summary>
    internal IdleCollector(IScheduler scheduler, Func<long> allocated, Func<int> collections, Action collect)
    {
        _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        _allocated = allocated;
        _collections = collections;
        _collect = collect;
        _check = Check;   // one delegate for every volume's check
        _seenCollections = collections();
        _allocatedAtCollection = allocated();
    }

    /// <summary>A frame was done; call on the pipeline's scheduler.</summary>
    public void FrameDone()
    {
        _lastFrame = _scheduler.Now;
        if (_pending) return;
        _pending = true;
        _scheduler.Schedule(Quiet, _check);
    }

    private void Check()
    {
        var idle = _scheduler.Now - _lastFrame;
        if (idle < Quiet)
        {
            // another frame since this was scheduled: wait for the quiet after it
            _scheduler.Schedule(Quiet - idle, _check);
            return;
        }
        _pending = false;
        int seen = _collections();
        if (seen != _seenCollections)
        {
            // The collector ran gen 0 by itself since: count from now, which is after it.
            _seenCollections = seen;
            _allocatedAtCollection = _allocated();
            return;
        }
        if (_allocated() - _allocatedAtCollection < Threshold) return;
        _collect();
        _seenCollections = _collections();
        _allocatedAtCollection = _allocated();
    }
}
