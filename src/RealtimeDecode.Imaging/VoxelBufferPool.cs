using System.Runtime.CompilerServices;

namespace RealtimeDecode.Imaging;

/// <summary>
/// Voxel arrays (the float32 <see cref="Volume.Data"/> of one volume: 590 KB at 64×64×36, 2.7 MB at
/// 104×90×72) reused from volume to volume, so that a long session does not put one large object per TR
/// on the large-object heap, whose growth is what triggers gen-2 collections. A rented array has exactly
/// the length asked for and arbitrary contents.
/// <para>Ownership: the reader that rents an array hands it on inside a <see cref="Volume"/>; whoever is the
/// last to use that volume calls <see cref="Return"/>. The pool takes back only arrays it handed out and
/// has not had back yet (tracked weakly, so an array that never comes back is simply collected): returning
/// a volume that came from elsewhere, or returning twice, does nothing. At most <see cref="MaxPerLength"/>
/// arrays of one length are kept. Thread-safe.</para>
/// </summary>
public sealed class VoxelBufferPool
{
    /// <summary>Arrays kept per length: one volume is in the pipeline at a time, a second may be read meanwhile.</summary>
    public const int MaxPerLength = 4;

    private static readonly object Out = new();
    private readonly ExactLengthArrayPool<float> _arrays = new(MaxPerLength);
    private readonly ConditionalWeakTable<float[], object> _outstanding = new();

    /// <summary>The pool the volume readers of a session share.</summary>
    public static VoxelBufferPool Shared { get; } = new();

    /// <summary>Arrays handed out so far.</summary>
    public long Rented => _arrays.Rented;

    /// <summary>Of <see cref="Rented"/>, those that were reused rather than allocated.</summary>
    public long Reused => _arrays.Reused;

    /// <summary>Arrays taken back so far (kept or, past <see cref="MaxPerLength"/>, dropped); foreign and repeated returns are not counted.</summary>
    public long Returned => _arrays.Returned;

    /// <summary>An array of exactly <paramref name="length"/> floats, contents unspecified.</summary>
    public float[] Rent(int length)
    {
        var a = _arrays.Rent(length);
        _outstanding.AddOrUpdate(a, Out);
        return a;
    }

    /// <summary>
    /// Takes <paramref name="array"/> back when this pool handed it out and has not had it back; the caller
    /// and every other holder must no longer use it. Returns whether the array was taken back.
    /// </summary>
    public bool Return(float[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (!_outstanding.Remove(array)) return false;
        _arrays.Return(array);
        return true;
    }
}
