namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// The encoded bytes of one connectivity matrix (<see cref="ConnectivityMessage.Values"/>), counted by their holders: the
/// encoder until its message is published, the broadcaster while it is the newest matrix, and each client queue's entry
/// until it is sent, skipped or dropped. When the last holder lets go the array goes back to its
/// <see cref="MatrixBytesPool"/> and carries a later window, so a matrix per volume (79,800 bytes at 400 ROIs) costs
/// no new array once the pool holds enough. A holder that cannot tell when the bytes are no longer read (a snapshot
/// sent to a late joiner, the Redis queue, a send given up on) pins them instead: they are never reused, and the
/// collector takes them as it would any array.
/// </summary>
internal sealed class MatrixBytes
{
    private readonly MatrixBytesPool _pool;
    private int _holders;

    internal MatrixBytes(MatrixBytesPool pool, int length)
    {
        _pool = pool;
        Bytes = new byte[length];
    }

    /// <summary>The bytes; read them only while holding.</summary>
    public byte[] Bytes { get; }

    /// <summary>Rented from the pool: the renter is the one holder.</summary>
    internal void Rented() => Volatile.Write(ref _holders, 1);

    /// <summary>Adds a holder; only someone who already holds the bytes (or reaches them through someone who does, under
    /// the same lock) may call it.</summary>
    /// <returns>False when the bytes were already given back: the caller must not read them.</returns>
    public bool TryHold()
    {
        int h = Volatile.Read(ref _holders);
        while (h > 0)
        {
            int seen = Interlocked.CompareExchange(ref _holders, h + 1, h);
            if (seen == h) return true;
            h = seen;
        }
        return false;
    }

    /// <summary>Keeps the bytes out of the pool for good (a holder that never releases).</summary>
    public bool Pin() => TryHold();

    /// <summary>One holder lets go; the last gives the bytes back to the pool.</summary>
    public void Release()
    {
        int h = Interlocked.Decrement(ref _holders);
        if (h == 0) _pool.Return(this);
        else if (h < 0) throw new InvalidOperationException("Matrix bytes released more often than held.");
    }
}

/// <summary>Arrays of one length for <see cref="MatrixBytes"/>: at most <c>keep</c> are kept for reuse, beyond that a
/// returned array is left to the collector.</summary>
internal sealed class MatrixBytesPool(int length, int keep = 16)
{
    private readonly Stack<MatrixBytes> _free = new();

    /// <summary>Length of every array.</summary>
    public int Length { get; } = length;

    /// <summary>Arrays made so far (a pool that keeps up stops making them).</summary>
    public long Created { get; private set; }

    /// <summary>Bytes with one holder, the caller: a kept array when there is one, else a new one.</summary>
    public MatrixBytes Rent()
    {
        MatrixBytes? m = null;
        lock (_free)
            if (!_free.TryPop(out m)) Created++;
        m ??= new MatrixBytes(this, Length);
        m.Rented();
        return m;
    }

    internal void Return(MatrixBytes m)
    {
        lock (_free)
            if (_free.Count < keep) _free.Push(m);
    }
}
