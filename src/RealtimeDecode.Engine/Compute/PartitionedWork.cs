namespace RealtimeDecode.Engine.Compute;

/// <summary>
/// A fixed number of parts of one computation run at once: part 0 on the caller's thread, the others as
/// preallocated thread-pool work items, and <see cref="Run"/> returns when all are done. Nothing is
/// allocated per run (the work items and their events are created once), so a per-volume kernel can use
/// both cores without garbage. A part that no worker has picked up by the time the caller's own part is done
/// is run by the caller, so a busy machine costs at most the serial time. Not reentrant: one
/// <see cref="Run"/> at a time per instance.
/// </summary>
internal sealed class PartitionedWork : IDisposable
{
    private readonly Item[] _items;
    private readonly Action<int> _body;

    /// <summary>Creates the work: <paramref name="body"/>(k) computes part k of <paramref name="parts"/>.</summary>
    public PartitionedWork(int parts, Action<int> body)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        _body = body ?? throw new ArgumentNullException(nameof(body));
        _items = new Item[parts];
        for (int k = 1; k < parts; k++) _items[k] = new Item(body, k);
    }

    /// <summary>Number of parts.</summary>
    public int Parts => _items.Length;

    /// <summary>
    /// Runs every part and waits for all of them. An exception of a worker part is rethrown wrapped in an
    /// <see cref="InvalidOperationException"/> after all parts have finished.
    /// </summary>
    public void Run()
    {
        for (int k = 1; k < _items.Length; k++)
        {
            _items[k].Arm();
            ThreadPool.UnsafeQueueUserWorkItem(_items[k], preferLocal: false);
        }

        Exception? local = null;
        try
        {
            _body(0);
        }
        catch (Exception e)
        {
            local = e;
        }

        // A part no worker has started yet (the other cores are busy) runs here rather than being waited
        // for: with every core taken, a run costs what the serial loop would, never a scheduling delay more.
        for (int k = 1; k < _items.Length; k++) _items[k].TryRun();

        Exception? worker = null;
        for (int k = 1; k < _items.Length; k++)
        {
            _items[k].Done.Wait();
            if (_items[k].Error is { } e)
            {
                _items[k].Error = null;
                worker ??= e;
            }
        }

        if (local is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(local);
        if (worker is not null) throw new InvalidOperationException("A part of a parallel computation failed.", worker);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        for (int k = 1; k < _items.Length; k++) _items[k].Done.Dispose();
    }

    // One part of one run: armed by Run, then run once by whichever claims it first, the thread-pool
    // worker (Execute) or Run's own thread (TryRun). A queued execution that finds its part already claimed
    // does nothing; if it runs only after the next Run armed the item again, it simply computes that run's part.
    private sealed class Item(Action<int> body, int part) : IThreadPoolWorkItem
    {
        private int _claimed = 1;

        public ManualResetEventSlim Done { get; } = new(true);

        public Exception? Error { get; set; }

        public void Arm()
        {
            Done.Reset();
            Volatile.Write(ref _claimed, 0);
        }

        public void Execute() => TryRun();

        public bool TryRun()
        {
            if (Interlocked.CompareExchange(ref _claimed, 1, 0) != 0) return false;
            try
            {
                body(part);
            }
            catch (Exception e)
            {
                Error = e;
            }
            finally
            {
                Done.Set();
            }

            return true;
        }
    }
}
