namespace RealtimeDecode.Engine.Connectivity;

/// <summary>Weighting of the frames in a sliding-window correlation.</summary>
public enum WindowTaper
{
    /// <summary>The last W frames, equal weights (plain Pearson correlation of the window).</summary>
    Rectangular,

    /// <summary>
    /// The last W frames weighted by a rectangle of width W convolved with a Gaussian of σ
    /// <see cref="SlidingWindowOptions.GaussianSigma"/> TRs (Allen et al. 2014), evaluated on the W
    /// frames of the window and scaled to a maximum of 1; the Gaussian tails beyond the window are
    /// not used.
    /// </summary>
    Gaussian,

    /// <summary>All frames so far, frame k of n weighted 2^(−(n−1−k)/half-life).</summary>
    Exponential,
}
