using MathNet.Numerics;

namespace RealtimeDecode.Training.Targets;

/// <summary>
/// SPM's canonical haemodynamic response (spm_hrf): the difference of two gamma densities,
/// h(t) = g(t; p1/p3, p3) − g(t; p2/p4, p4) / p5 with g(t; shape, scale) the gamma pdf, SPM's defaults
/// p = (6, 16, 1, 1, 6): response peak 6 s, undershoot 16 s, dispersions 1 and 1, ratio 6 (1/6),
/// onset 0 s, kernel length 32 s.
/// <para>
/// Continuous time (what <see cref="TargetBuilder"/> uses): <see cref="Cumulative(double)"/> is the
/// integral of h from 0 to t, normalised so that the integral over the kernel's 32 s is 1 — the limit
/// of spm_hrf's sum-1 kernel as its time bin shrinks. A piecewise-constant input convolves exactly
/// through it: a segment [a, b) of value x contributes x·(H(t − a) − H(t − b)) at time t.
/// </para>
/// <para>
/// Sampling at the TR (<see cref="Kernel(double)"/>, kept for reference and the targets' sidecar): spm_hrf evaluates the densities on a grid TR/16 fine and keeps every 16th point, which
/// is exactly h at t = 0, TR, 2·TR, …, floor(32/TR)·TR; this class evaluates those points directly.
/// The kernel is normalised to sum 1, so a constant input of c gives c once the kernel is filled:
/// the ratings keep their [0, 1] scale.
/// </para>
/// </summary>
internal static class CanonicalHrf
{
    /// <summary>SPM's default parameters (peak, undershoot, peak dispersion, undershoot dispersion, ratio, onset, length).</summary>
    public static readonly double[] SpmDefaults = [6, 16, 1, 1, 6, 0, 32];

    /// <summary>The kernel sampled at the TR: element k is the weight of the input k volumes ago.</summary>
    /// <param name="tr">Repetition time in seconds (&gt; 0).</param>
    public static double[] Kernel(double tr) => Kernel(tr, SpmDefaults);

    /// <summary>The kernel for explicit SPM parameters <paramref name="p"/> (7 values as spm_hrf's <c>p</c>).</summary>
    public static double[] Kernel(double tr, IReadOnlyList<double> p)
    {
        if (!(tr > 0) || !double.IsFinite(tr)) throw new ArgumentOutOfRangeException(nameof(tr), $"TR must be a positive number of seconds, got {tr}.");
        ArgumentNullException.ThrowIfNull(p);
        if (p.Count != 7) throw new ArgumentOutOfRangeException(nameof(p), $"SPM HRF parameters are 7 values, got {p.Count}.");
        int n = (int)Math.Floor(p[6] / tr) + 1;
        var h = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++)
        {
            double t = k * tr - p[5];
            h[k] = GammaPdf(t, p[0] / p[2], p[2]) - GammaPdf(t, p[1] / p[3], p[3]) / p[4];
            sum += h[k];
        }
        for (int k = 0; k < n; k++) h[k] /= sum;
        return h;
    }

    /// <summary>
    /// H(t) = ∫₀ᵗ h(s) ds / ∫₀^L h(s) ds with SPM's defaults (L = 32 s): 0 for t ≤ 0, 1 for t ≥ L,
    /// rising to about 1.144 at t ≈ 12.1 s (the undershoot then brings it back to 1). Exact through
    /// the regularised lower incomplete gamma function (absolute error ≈ 1e-15).
    /// </summary>
    /// <param name="t">Time after the input's onset, seconds.</param>
    public static double Cumulative(double t) => Cumulative(t, SpmDefaults);

    /// <summary><see cref="Cumulative(double)"/> for explicit SPM parameters <paramref name="p"/> (7 values as spm_hrf's <c>p</c>).</summary>
    public static double Cumulative(double t, IReadOnlyList<double> p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.Count != 7) throw new ArgumentOutOfRangeException(nameof(p), $"SPM HRF parameters are 7 values, got {p.Count}.");
        double length = p[6];
        if (double.IsNaN(t)) return double.NaN;
        if (t <= 0) return 0;
        if (t >= length) return 1;
        return Unnormalised(t, p) / Unnormalised(length, p);
    }

    /// <summary>Length of SPM's default kernel, seconds: an input older than this no longer contributes.</summary>
    public static double Length => SpmDefaults[6];

    // ∫₀ᵗ of the two gamma densities (shifted by the onset p[5]) = regularised lower incomplete gammas.
    private static double Unnormalised(double t, IReadOnlyList<double> p)
    {
        double s = t - p[5];
        if (s <= 0) return 0;
        return SpecialFunctions.GammaLowerRegularized(p[0] / p[2], s / p[2])
             - SpecialFunctions.GammaLowerRegularized(p[1] / p[3], s / p[3]) / p[4];
    }

    /// <summary>Gamma probability density with shape <paramref name="shape"/> and scale <paramref name="scale"/>; 0 for t ≤ 0 (shape &gt; 1).</summary>
    internal static double GammaPdf(double t, double shape, double scale)
    {
        if (t <= 0) return t == 0 && shape == 1 ? 1 / scale : 0;
        return Math.Exp((shape - 1) * Math.Log(t) - t / scale - SpecialFunctions.GammaLn(shape) - shape * Math.Log(scale));
    }
}
