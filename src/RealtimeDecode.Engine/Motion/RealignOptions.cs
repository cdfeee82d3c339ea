namespace RealtimeDecode.Engine.Motion;

/// <summary>
/// Settings of <see cref="RigidRealigner"/>.
/// </summary>
/// <param name="SmoothingFwhmMm">FWHM (mm) of the Gaussian applied to the reference and each volume before estimation.</param>
/// <param name="SampleSpacingsMm">Coarse-to-fine sample spacings (mm) of the reference points used by the estimate; a spacing below the voxel size takes every voxel.</param>
/// <param name="MaskFraction">Reference points are those whose smoothed intensity exceeds this fraction of the mean intensity of the voxels above one eighth of the global mean.</param>
/// <param name="MaxIterations">Gauss-Newton iterations per level at most.</param>
/// <param name="ToleranceMm">Convergence: the last step, or the steps still expected from the ratio of the last two when it is below one half, moves no point of a 50 mm sphere by more than this (|Δt|₁ + 50·|Δr|₁, mm).</param>
/// <param name="MinOverlap">Fraction of the reference points that must fall inside the volume's field of view.</param>
/// <param name="MinCorrelation">Pearson correlation between realigned volume and reference (smoothed, at the sample points) below which the fit is poor.</param>
/// <param name="Interpolation">Interpolation of the resliced volume.</param>
public sealed record RealignOptions(
    double SmoothingFwhmMm = 5,
    double[]? SampleSpacingsMm = null,
    double MaskFraction = 0.3,
    int MaxIterations = 40,
    double ToleranceMm = 1e-3,
    double MinOverlap = 0.5,
    double MinCorrelation = 0.5,
    ResliceInterpolation Interpolation = ResliceInterpolation.Trilinear)
{
    /// <summary>
    /// Threads an estimate and a reslice may use (at most 4): the calling thread and <c>Threads − 1</c>
    /// thread-pool helpers take the four fixed quarters of the points (or planes) in turn, so a helper that
    /// does not get a core in time leaves its share to the caller. Results are the same, bit for bit, for
    /// any value. Default 1: a second thread pays on an idle machine, but on a busy one a helper that
    /// loses its core in the middle of its share holds the estimate up until it gets one back, which is
    /// what a live session's worst-case latency sees (see the benchmarks' RESULTS.md).
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>Spacings actually used (the default is 8 mm, then 4 mm, then every voxel).</summary>
    public double[] Spacings => SampleSpacingsMm ?? [8, 4, 0];

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> on a setting out of range.</summary>
    public void Validate()
    {
        if (!(SmoothingFwhmMm >= 0)) throw new ArgumentOutOfRangeException(nameof(SmoothingFwhmMm), $"The smoothing FWHM must be ≥ 0 mm, got {SmoothingFwhmMm}.");
        if (Spacings.Length == 0 || Spacings.Any(s => !(s >= 0))) throw new ArgumentOutOfRangeException(nameof(SampleSpacingsMm), "Sample spacings must be ≥ 0 mm and at least one.");
        if (!(MaskFraction >= 0)) throw new ArgumentOutOfRangeException(nameof(MaskFraction), $"The mask fraction must be ≥ 0, got {MaskFraction}.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxIterations);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Threads);
        if (!(ToleranceMm > 0)) throw new ArgumentOutOfRangeException(nameof(ToleranceMm), $"The tolerance must be > 0 mm, got {ToleranceMm}.");
        if (!(MinOverlap > 0 && MinOverlap <= 1)) throw new ArgumentOutOfRangeException(nameof(MinOverlap), $"The overlap must be in (0, 1], got {MinOverlap}.");
    }
}
