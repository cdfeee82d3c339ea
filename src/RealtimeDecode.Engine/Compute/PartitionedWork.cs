namespace RealtimeDecode.Engine.Compute;

/// <summary>
/// A fixed number of parts of one computation run at once: part 0 on the caller's thread, the others as
/// preallocated thread-pool work items, and <see cref="Run"/> returns when all are done. Nothing is
/// allocated per run (the work items and their events are created once), so a per-volume kernel can use
/// both cores without garbage. Not reentrant: one <see cref="Run"/> at a time per instance.
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
            _items[k].Done.Reset();
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

    private sealed class Item(Action<int> body, int part) : IThreadPoolWorkItem
    {
        public ManualResetEventSlim Done { get; } = new(true);

        public Exception? Error { get; set; }

        public void Execute()
        {
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
        }
    }
}
