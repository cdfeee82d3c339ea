using System.Runtime.ExceptionServices;

namespace RealtimeDecode.Engine.Compute;

/// <summary>
/// The parts of one computation run by a fixed number of threads: the caller's and preallocated thread-pool
/// work items, each taking the next part not yet taken until none is left, and <see cref="Run"/> returns when
/// every part is done. Nothing is allocated per run (the work items and the event are created once), so a
/// per-volume kernel can use both cores without garbage. Cut into several parts per thread, a computation
/// does not wait for a worker that starts late (a core busy elsewhere, or slow to wake): the caller has
/// taken the parts meanwhile, and the most a late worker adds is the one part it took. With every core
/// taken, a run costs what the serial loop would. Not reentrant: one <see cref="Run"/> at a time per instance.
/// </summary>
internal sealed class PartitionedWork : IDisposable
{
    private readonly Worker[] _workers;
    private readonly Action<int> _body;
    private readonly ManualResetEventSlim _done = new(true);
    private int _next;       // the next part to take; Parts or more between runs
    private int _remaining;  // parts of this run not finished
    private Exception? _error;

    /// <summary>
    /// Creates the work: <paramref name="body"/>(k) computes part k of <paramref name="parts"/>, on
    /// <paramref name="threads"/> threads at most (the caller's and threads − 1 workers).
    /// </summary>
    public PartitionedWork(int parts, int threads, Action<int> body)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _body = body ?? throw new ArgumentNullException(nameof(body));
        Parts = parts;
        _next = parts;
        _workers = new Worker[Math.Min(threads, parts) - 1];
        for (int k = 0; k < _workers.Length; k++) _workers[k] = new Worker(this);
    }

    /// <summary>
    /// Parts per thread that a caller cuts its computation into: enough that a late worker costs little, few
    /// enough that taking a part (one interlocked add) stays negligible.
    /// </summary>
    public const int PartsPerThread = 8;

    /// <summary>Number of parts.</summary>
    public int Parts { get; }

    /// <summary>Threads a run uses at most.</summary>
    public int Threads => _workers.Length + 1;

    /// <summary>
    /// Runs every part once and waits for all of them. The first exception a part threw is rethrown after
    /// every part has finished.
    /// </summary>
    public void Run()
    {
        _error = null;
        _remaining = Parts;
        _done.Reset();
        // Published last: a worker queued by an earlier run that executes only now takes parts of this run.
        Volatile.Write(ref _next, 0);
        foreach (var w in _workers) ThreadPool.UnsafeQueueUserWorkItem(w, preferLocal: false);
        Drain();
        _done.Wait();
        if (_error is { } e)
        {
            _error = null;
            ExceptionDispatchInfo.Throw(e);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _done.Dispose();

    // Takes parts until none is left; whoever finishes the run's last part sets the event.
    private void Drain()
    {
        while (true)
        {
            int k = Interlocked.Increment(ref _next) - 1;
            if (k >= Parts) return;
            try
            {
                _body(k);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, e, null);
            }

            if (Interlocked.Decrement(ref _remaining) == 0) _done.Set();
        }
    }

    private sealed class Worker(PartitionedWork work) : IThreadPoolWorkItem
    {
        public void Execute() => work.Drain();
    }
}
