using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// Per-volume arrays of exact lengths (edge vectors: R(R−1)/2 doubles, 638 KB at 400 ROIs, 4 MB at 1,000),
/// reused across volumes so that a long session does not allocate one large object per TR. A rented
/// array has the exact length asked for and arbitrary contents. Arrays come back through
/// <see cref="Return"/> when the last receiver of a frame is done with it (<see cref="SinkFanout"/> does
/// this when every sink declares <see cref="SinkRegistration.ReleasesArrays"/>); an array that never
/// comes back is simply collected. At most <see cref="MaxPerLength"/> arrays of one length are kept.
/// Thread-safe.
/// </summary>
public sealed class FrameBufferPool
{
    /// <summary>Arrays kept per length: a paced session has one or two frames in flight; more only while sinks lag, and those extra arrays are left to the collector.</summary>
    public const int MaxPerLength = 8;

    private readonly ExactLengthArrayPool<double> _arrays = new(MaxPerLength);

    /// <summary>The pool the pipeline's stages and the fan-out share.</summary>
    public static FrameBufferPool Shared { get; } = new();

    /// <summary>Arrays handed out so far.</summary>
    public long Rented => _arrays.Rented;

    /// <summary>Of <see cref="Rented"/>, those that were reused rather than allocated.</summary>
    public long Reused => _arrays.Reused;

    /// <summary>Arrays given back so far (kept or, past <see cref="MaxPerLength"/>, dropped).</summary>
    public long Returned => _arrays.Returned;

    /// <summary>An array of exactly <paramref name="length"/> elements, contents unspecified.</summary>
    public double[] Rent(int length) => _arrays.Rent(length);

    /// <summary>Gives <paramref name="array"/> back; the caller and every holder of a reference must no longer use it.</summary>
    public void Return(double[] array) => _arrays.Return(array);
}
