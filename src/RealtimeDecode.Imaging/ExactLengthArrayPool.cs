using System.Collections.Concurrent;

namespace RealtimeDecode.Imaging;

/// <summary>
/// Arrays of exact lengths kept for reuse, so that a session's per-volume arrays (voxels, edge vectors) are
/// allocated once instead of once per TR on the large-object heap. Unlike <see cref="System.Buffers.ArrayPool{T}"/>,
/// a rented array has exactly the length asked for (its whole length is the data), with arbitrary contents.
/// At most <see cref="MaxPerLength"/> arrays of one length are kept; one given back beyond that, or never given
/// back, is simply collected. Counts of what was rented, reused and given back show whether a pool keeps up.
/// Thread-safe.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
public sealed class ExactLengthArrayPool<T>
{
    private readonly ConcurrentDictionary<int, ConcurrentBag<T[]>> _free = new();
    private long _rented, _reused, _returned;

    /// <summary>Creates a pool that keeps at most <paramref name="maxPerLength"/> arrays of each length.</summary>
    public ExactLengthArrayPool(int maxPerLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerLength, 0);
        MaxPerLength = maxPerLength;
    }

    /// <summary>Arrays of one length kept at most.</summary>
    public int MaxPerLength { get; }

    /// <summary>Arrays handed out so far.</summary>
    public long Rented => Interlocked.Read(ref _rented);

    /// <summary>Of <see cref="Rented"/>, those that were reused rather than allocated.</summary>
    public long Reused => Interlocked.Read(ref _reused);

    /// <summary>Arrays given back so far (kept or, past <see cref="MaxPerLength"/>, dropped).</summary>
    public long Returned => Interlocked.Read(ref _returned);

    /// <summary>An array of exactly <paramref name="length"/> elements, contents unspecified.</summary>
    public T[] Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Interlocked.Increment(ref _rented);
        if (_free.TryGetValue(length, out var bag) && bag.TryTake(out var a))
        {
            Interlocked.Increment(ref _reused);
            return a;
        }

        return GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary>Gives <paramref name="array"/> back; the caller and every holder of a reference must no longer use it.</summary>
    public void Return(T[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        Interlocked.Increment(ref _returned);
        var bag = _free.GetOrAdd(array.Length, _ => []);
        if (bag.Count < MaxPerLength) bag.Add(array);
    }
}
