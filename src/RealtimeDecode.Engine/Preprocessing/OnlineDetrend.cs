namespace RealtimeDecode.Engine.Preprocessing;

/// <summary>
/// Online polynomial detrending per channel: at frame n (0-based, counted over all pushed frames)
/// the output is the residual of the current value from the least-squares polynomial of degree
/// <see cref="Order"/> in t = frame index, fitted over all of the channel's samples so far, the
/// current one included. That equals <c>y[n] - polyval(polyfit(t[0..n], y[0..n], order), t[n])</c>.
/// </summary>
/// <remarks>
/// Numeric contract: order 0 removes the running mean, 1 a linear trend, up to order
/// <see cref="MaxOrder"/>. Time is in volumes (t = 0, 1, 2, …). The fit uses centred co-moments of
/// t, t², … (Welford updates) and a Jacobi-scaled LDLᵀ solve each frame, so offsets and long runs
/// do not cancel; while a channel has at most <see cref="Order"/> + 1 samples the polynomial
/// interpolates them and the output is exactly 0. A NaN sample gives NaN for that channel and is left out
/// of its fit (later frames keep their true t). Cost per frame: O(channels · order³).
/// </remarks>
public sealed class OnlineDetrend
{
    /// <summary>Highest supported polynomial order (the scaled normal equations stay well conditioned up to it).</summary>
    public const int MaxOrder = 5;

    private readonly CumulativeGlm _glm;
    private readonly double[] _x;
    private long _frame;

    /// <summary>Creates the kernel.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="order"/> outside 0..<see cref="MaxOrder"/> or no channels.</exception>
    public OnlineDetrend(int channels, int order)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        if (order < 0 || order > MaxOrder)
            throw new ArgumentOutOfRangeException(nameof(order), order, $"Detrend order must be 0..{MaxOrder}.");
        Order = order;
        _glm = new CumulativeGlm(channels, order);
        _x = new double[order];
    }

    /// <summary>Polynomial order.</summary>
    public int Order { get; }

    /// <summary>Number of channels.</summary>
    public int Channels => _glm.Channels;

    /// <summary>Frames pushed since construction or <see cref="Reset"/>.</summary>
    public long FrameCount => _frame;

    /// <summary>Adds one frame and writes the detrended values (<paramref name="output"/> may alias <paramref name="frame"/>).</summary>
    /// <exception cref="ArgumentException">A span length differs from <see cref="Channels"/>.</exception>
    public void Push(ReadOnlySpan<double> frame, Span<double> output)
    {
        Check.Length(frame.Length, Channels, nameof(frame), "channels");
        Check.Length(output.Length, Channels, nameof(output), "channels");
        FillTime(_x, _frame++);
        _glm.Push(_x, frame, output);
    }

    /// <summary>Forgets all samples and restarts time at 0.</summary>
    public void Reset()
    {
        _glm.Reset();
        _frame = 0;
    }

    internal static void FillTime(Span<double> x, long t)
    {
        double p = 1;
        for (int k = 0; k < x.Length; k++) { p *= t; x[k] = p; }
    }
}
