namespace RealtimeDecode.Engine.Motion;

/// <summary>
/// Censoring by framewise displacement: a volume whose FD exceeds <see cref="FdThresholdMm"/> (mm,
/// strictly greater) is high-motion, and an estimate is censored when its window (the last
/// <see cref="Window"/> volume indices, its own included) holds a high-motion volume.
/// </summary>
/// <remarks>
/// Volumes are pushed in index order, possibly with gaps (missing volumes are simply not pushed and
/// count as not high-motion). A NaN FD (failed realignment) is not high-motion by itself: the volume
/// after it is compared with the last valid one and carries the motion across the gap. State is one
/// integer (the last high-motion index), so the check is O(1) per volume.
/// </remarks>
public sealed class MotionCensor
{
    private int _lastHigh = int.MinValue;

    /// <summary>Creates the censor for windows of <paramref name="window"/> volumes.</summary>
    public MotionCensor(double fdThresholdMm = 0.5, int window = 1)
    {
        if (!(fdThresholdMm >= 0)) throw new ArgumentOutOfRangeException(nameof(fdThresholdMm), $"The FD threshold must be ≥ 0 mm, got {fdThresholdMm}.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        FdThresholdMm = fdThresholdMm;
        Window = window;
    }

    /// <summary>FD (mm) above which a volume is high-motion.</summary>
    public double FdThresholdMm { get; }

    /// <summary>Volumes per estimate window.</summary>
    public int Window { get; }

    /// <summary>The latest high-motion volume seen so far, or null.</summary>
    public int? LastHighMotionVolume => _lastHigh == int.MinValue ? null : _lastHigh;

    /// <summary>High-motion volumes seen so far.</summary>
    public int HighMotionCount { get; private set; }

    /// <summary>
    /// Takes volume <paramref name="volume"/>'s FD; returns whether it is high-motion.
    /// <see cref="IsCensored"/> then tells whether the window ending at it is censored.
    /// </summary>
    public bool Push(int volume, double framewiseDisplacement)
    {
        bool high = framewiseDisplacement > FdThresholdMm;
        if (high) { _lastHigh = volume; HighMotionCount++; }
        return high;
    }

    /// <summary>True when the window ending at <paramref name="lastVolume"/> holds a high-motion volume.</summary>
    public bool IsCensored(int lastVolume) => _lastHigh != int.MinValue && _lastHigh > lastVolume - Window && _lastHigh <= lastVolume;

    /// <summary>Forgets every volume (a new series).</summary>
    public void Reset() { _lastHigh = int.MinValue; HighMotionCount = 0; }
}
