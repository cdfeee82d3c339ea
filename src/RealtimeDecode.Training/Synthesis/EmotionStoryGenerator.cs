namespace RealtimeDecode.Training.Synthesis;

/// <summary>One story segment with its LLM-style ratings (one per emotion, in [0, 1], steps of 0.1).</summary>
public sealed record StorySegment(double Onset, double Offset, string Text, double[] Ratings);

/// <summary>
/// Generates a story annotation whose statistics are those of real LLM ratings of a narrative
/// (GPT-4, temperature 0, Plutchik's eight emotions, one rating per line of a 12.4-minute story):
/// per-emotion level and spread, segment-to-segment persistence (lag-1 autocorrelation) and
/// cross-emotion correlation. The ratings are a stationary vector AR(1) process
/// zₜ = Φ zₜ₋₁ + ηₜ with Φ = diag(ρ) and Cov(η) = C − Φ C Φ (made positive semi-definite), so that
/// Corr(z) ≈ C; each rating is level + spread·z clipped to [0, 1] and rounded to 0.1.
/// Segment durations are drawn from a gamma distribution (mean 8.2 s, sd 3 s) rounded to whole
/// TRs, at least 2 TRs.
/// </summary>
public sealed class EmotionStoryGenerator
{
    /// <summary>Plutchik's eight emotions, in the order the published method used.</summary>
    public static readonly string[] Plutchik8 = ["anticipation", "joy", "trust", "fear", "surprise", "sadness", "disgust", "anger"];

    // Statistics of a real LLM annotation of a narrative (91 segments); see the class remarks.
    internal static readonly double[] Level = [0.61, 0.19, 0.26, 0.44, 0.58, 0.29, 0.10, 0.12];
    internal static readonly double[] Spread = [0.19, 0.12, 0.06, 0.18, 0.21, 0.19, 0.07, 0.09];
    internal static readonly double[] Persistence = [0.50, 0.12, 0.10, 0.40, 0.34, 0.51, 0.52, 0.54];
    internal static readonly double[,] Correlation =
    {
        { 1.00, 0.43, 0.59, 0.28, 0.60, -0.35, -0.34, -0.40 },
        { 0.43, 1.00, 0.42, -0.30, 0.12, -0.28, -0.37, -0.33 },
        { 0.59, 0.42, 1.00, 0.05, 0.51, -0.16, -0.30, -0.17 },
        { 0.28, -0.30, 0.05, 1.00, 0.37, 0.16, 0.15, 0.13 },
        { 0.60, 0.12, 0.51, 0.37, 1.00, -0.24, -0.32, -0.18 },
        { -0.35, -0.28, -0.16, 0.16, -0.24, 1.00, 0.36, 0.70 },
        { -0.34, -0.37, -0.30, 0.15, -0.32, 0.36, 1.00, 0.41 },
        { -0.40, -0.33, -0.17, 0.13, -0.18, 0.70, 0.41, 1.00 },
    };

    internal const double MeanSegmentSeconds = 8.2;
    internal const double SdSegmentSeconds = 3.0;

    private readonly double _tr;

    /// <param name="tr">Repetition time (s); segment boundaries fall on multiples of it.</param>
    public EmotionStoryGenerator(double tr = 2.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tr);
        _tr = tr;
    }

    /// <summary>Generates segments covering [0, <paramref name="durationSeconds"/>).</summary>
    public IReadOnlyList<StorySegment> Generate(double durationSeconds, int seed)
    {
        var rng = new SeededRandom(seed);
        int e = Plutchik8.Length;
        var innovation = InnovationFactor();
        var z = new double[e];
        // Start from the stationary distribution: z ~ N(0, C).
        var c0 = Cholesky(CorrelationMatrix());
        Correlate(c0, Normals(rng, e), z);
        var eta = new double[e];
        var segments = new List<StorySegment>();
        double t = 0;
        int n = 0;
        // Gamma(k, θ) with the mean and sd above, by Marsaglia–Tsang.
        double k = MeanSegmentSeconds * MeanSegmentSeconds / (SdSegmentSeconds * SdSegmentSeconds);
        double theta = SdSegmentSeconds * SdSegmentSeconds / MeanSegmentSeconds;
        while (t < durationSeconds - 1e-9)
        {
            double d = Math.Max(2, Math.Round(Gamma(rng, k) * theta / _tr)) * _tr;
            double end = Math.Min(durationSeconds, t + d);
            var ratings = new double[e];
            for (int i = 0; i < e; i++)
                ratings[i] = Math.Round(Math.Clamp(Level[i] + Spread[i] * z[i], 0, 1) * 10) / 10;
            segments.Add(new StorySegment(t, end, $"Segment {n + 1} of the story.", ratings));
            n++;
            t = end;
            Correlate(innovation, Normals(rng, e), eta);
            for (int i = 0; i < e; i++) z[i] = Persistence[i] * z[i] + eta[i];
        }
        return segments;
    }

    internal static double[,] CorrelationMatrix() => (double[,])Correlation.Clone();

    /// <summary>Cholesky factor of Cov(η) = C − ΦCΦ, eigenvalues clipped at a small positive floor.</summary>
    private static double[,] InnovationFactor()
    {
        int e = Plutchik8.Length;
        var q = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(e, e,
            (i, j) => Correlation[i, j] * (1 - Persistence[i] * Persistence[j]));
        var evd = q.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        var lambda = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfEnumerable(
            evd.EigenValues.Select(v => Math.Max(v.Real, 1e-6)));
        var fixedQ = evd.EigenVectors * MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfDiagonalVector(lambda)
            * evd.EigenVectors.Transpose();
        return Cholesky(fixedQ.ToArray());
    }

    private static double[,] Cholesky(double[,] a)
    {
        var m = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(a);
        m = (m + m.Transpose()) * 0.5;
        return m.Cholesky().Factor.ToArray();
    }

    private static double[] Normals(SeededRandom rng, int n)
    {
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rng.Normal();
        return x;
    }

    private static void Correlate(double[,] lower, double[] x, double[] y)
    {
        int n = x.Length;
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = 0; j <= i; j++) s += lower[i, j] * x[j];
            y[i] = s;
        }
    }

    private static double Gamma(SeededRandom rng, double k)
    {
        double d = k - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x = rng.Normal(), v = 1 + c * x;
            if (v <= 0) continue;
            v = v * v * v;
            double u = rng.Uniform();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v;
        }
    }
}
