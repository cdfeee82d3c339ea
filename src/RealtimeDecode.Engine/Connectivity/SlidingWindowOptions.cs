namespace RealtimeDecode.Engine.Connectivity;

/// <summary>Configuration of <see cref="SlidingWindowCorrelation"/>; model packages embed it.</summary>
public sealed record SlidingWindowOptions
{
    /// <summary>Window length W in volumes (≥ 2). The published method uses 13.</summary>
    public int Window { get; init; } = 13;

    /// <summary>Frame weighting.</summary>
    public WindowTaper Taper { get; init; } = WindowTaper.Rectangular;

    /// <summary>σ of the Gaussian taper, in volumes (TRs). Used by <see cref="WindowTaper.Gaussian"/>.</summary>
    public double GaussianSigma { get; init; } = 3.0;

    /// <summary>Half-life in volumes of <see cref="WindowTaper.Exponential"/>; 0 means W/2.</summary>
    public double HalfLife { get; init; }

    /// <summary>Frames before the first output of <see cref="WindowTaper.Exponential"/>; 0 means W. Ignored by the windowed tapers (they need W frames).</summary>
    public int WarmUp { get; init; }

    /// <summary>Whether to output Fisher z = atanh(r) instead of r.</summary>
    public bool FisherZ { get; init; }

    /// <summary>Before Fisher z, |r| is clipped to 1 − FisherClip (default 1e-7, so |z| ≤ 8.43).</summary>
    public double FisherClip { get; init; } = 1e-7;

    /// <summary>
    /// Rectangular taper only: the running sums are recomputed exactly from the window every this
    /// many frames (≥ 1), which bounds floating-point drift to that many add/remove steps.
    /// </summary>
    public int RecomputeInterval { get; init; } = 64;

    /// <summary>The effective half-life of the exponential taper in volumes.</summary>
    public double EffectiveHalfLife => HalfLife > 0 ? HalfLife : Window / 2.0;

    /// <summary>Frames needed before the first output.</summary>
    public int FramesToReady => Taper == WindowTaper.Exponential && WarmUp > 0 ? WarmUp : Window;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for invalid settings.</summary>
    public void Validate()
    {
        if (Window < 2)
            throw new ArgumentOutOfRangeException(nameof(Window), Window, "The window must hold at least 2 volumes.");
        if (!Enum.IsDefined(Taper))
            throw new ArgumentOutOfRangeException(nameof(Taper), Taper, "Unknown taper.");
        if (!(GaussianSigma > 0) || double.IsInfinity(GaussianSigma))
            throw new ArgumentOutOfRangeException(nameof(GaussianSigma), GaussianSigma, "The Gaussian σ must be a positive number of volumes.");
        // Below one volume the weights of the earlier volumes fall so fast that a window is one volume, whose correlation is not defined.
        if (!(HalfLife == 0 || HalfLife >= 1) || double.IsInfinity(HalfLife))
            throw new ArgumentOutOfRangeException(nameof(HalfLife), HalfLife, "The half-life must be 0 (= window/2) or at least 1 volume.");
        if (WarmUp < 0 || WarmUp == 1)
            throw new ArgumentOutOfRangeException(nameof(WarmUp), WarmUp, "The warm-up must be 0 (= window) or at least 2 volumes.");
        if (!(FisherClip > 0 && FisherClip < 0.5))
            throw new ArgumentOutOfRangeException(nameof(FisherClip), FisherClip, "The Fisher clip must be in (0, 0.5).");
        if (RecomputeInterval < 1)
            throw new ArgumentOutOfRangeException(nameof(RecomputeInterval), RecomputeInterval, "The recompute interval must be at least 1 frame.");
    }

    /// <summary>The W taper weights, oldest frame first, maximum 1 (all 1 for the rectangle; empty for the exponential).</summary>
    public double[] TaperWeights()
    {
        Validate();
        if (Taper == WindowTaper.Exponential) return [];
        var w = new double[Window];
        if (Taper == WindowTaper.Rectangular) { Array.Fill(w, 1.0); return w; }
        // (rect_W * g)[k] = Σ_{j=0}^{W-1} g(k - j), g(d) = exp(-d² / 2σ²), for k = 0..W-1.
        double max = 0;
        double s2 = 2 * GaussianSigma * GaussianSigma;
        for (int k = 0; k < Window; k++)
        {
            double s = 0;
            for (int j = 0; j < Window; j++) s += Math.Exp(-(double)(k - j) * (k - j) / s2);
            w[k] = s;
            max = Math.Max(max, s);
        }
        for (int k = 0; k < Window; k++) w[k] /= max;
        return w;
    }
}
