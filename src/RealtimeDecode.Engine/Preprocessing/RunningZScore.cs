namespace RealtimeDecode.Engine.Preprocessing;

/// <summary>
/// Online z-score per channel: each pushed value is standardised with the mean and standard
/// deviation of all of that channel's values so far, the pushed one included, so the output at
/// step n equals the batch z-score of sample n over samples 0..n.
/// </summary>
/// <remarks>
/// Numeric contract: Welford updates in float64; the variance uses the sample normaliser N−1.
/// Output is 0 while a channel has fewer than 2 samples or its variance is exactly 0 (a constant
/// channel: Welford's increments are then exactly 0). A NaN input gives NaN and is not counted
/// (the channel's statistics are unchanged). Buffers are allocated once; the output span
/// of <see cref="Push"/> may be the same memory as the frame.
/// </remarks>
public sealed class RunningZScore
{
    private readonly long[] _count;
    private readonly double[] _mean;
    private readonly double[] _m2;

    /// <summary>Creates the kernel for <paramref name="channels"/> channels (ROIs).</summary>
    public RunningZScore(int channels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        _count = new long[channels];
        _mean = new double[channels];
        _m2 = new double[channels];
    }

    /// <summary>Number of channels.</summary>
    public int Channels => _count.Length;

    /// <summary>Non-NaN samples seen by channel <paramref name="channel"/>.</summary>
    public long Count(int channel) => _count[channel];

    /// <summary>Running mean of channel <paramref name="channel"/> (0 before the first sample).</summary>
    public double Mean(int channel) => _mean[channel];

    /// <summary>Running sample variance (N−1) of channel <paramref name="channel"/>; 0 while N &lt; 2.</summary>
    public double Variance(int channel) => _count[channel] < 2 ? 0 : _m2[channel] / (_count[channel] - 1);

    /// <summary>Adds one frame and writes its z-scores.</summary>
    /// <exception cref="ArgumentException">A span length differs from <see cref="Channels"/>.</exception>
    public void Push(ReadOnlySpan<double> frame, Span<double> output)
    {
        Check.Length(frame.Length, Channels, nameof(frame), "channels");
        Check.Length(output.Length, Channels, nameof(output), "channels");
        for (int c = 0; c < _count.Length; c++)
        {
            double x = frame[c];
            if (double.IsNaN(x)) { output[c] = double.NaN; continue; }
            long n = ++_count[c];
            double d = x - _mean[c];
            _mean[c] += d / n;
            _m2[c] += d * (x - _mean[c]);
            if (n < 2 || _m2[c] <= 0) { output[c] = 0; continue; }
            output[c] = (x - _mean[c]) / Math.Sqrt(_m2[c] / (n - 1));
        }
    }

    /// <summary>Forgets all samples.</summary>
    public void Reset()
    {
        Array.Clear(_count);
        Array.Clear(_mean);
        Array.Clear(_m2);
    }
}
