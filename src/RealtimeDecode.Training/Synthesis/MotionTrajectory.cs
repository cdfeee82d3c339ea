using RealtimeDecode.Engine.Motion;

namespace RealtimeDecode.Training.Synthesis;

/// <summary>How much a synthetic participant moves.</summary>
public enum MotionLevel
{
    /// <summary>Perfectly still (the volumes are written unmoved).</summary>
    None,

    /// <summary>A cooperative participant: drift within about 0.3 mm / 0.3°, jitter, rare jerks of 1–1.6 mm FD.</summary>
    Low,

    /// <summary>A restless participant: drift and jerks up to 3 mm and 3°, jerks of 1.2–4 mm FD.</summary>
    High,
}

/// <summary>
/// Realistic rigid head-motion trajectories for synthetic runs: slow drift, small jitter and
/// occasional jerks (FD above 1 mm) that partly return. Parameters follow
/// <see cref="RigidTransform"/> (mm, rad; T rows of 6, rows = volumes).
/// </summary>
/// <remarks>
/// Per parameter, drift is a linear trend plus one slow sinusoid (0.5–2 cycles per run) within the
/// level's drift amplitude; jitter is white Gaussian; a jerk adds a random 6-vector scaled to the
/// drawn FD at its onset, held for 1–3 volumes, then decays to a residual of 0–50 %. Totals are
/// clipped to the level's limit (high: ±3 mm, ±3°; low: ±1.5 mm, ±1.5°). With a covariate, the jerk
/// probability at volume v is 3·covariate[v] times the base rate and jitter is scaled by
/// 1 + covariate[v] (covariate in [0, 1]), so the participant moves while the covariate is high.
/// </remarks>
public static class MotionTrajectory
{
    /// <summary>Generates <paramref name="volumes"/> parameter sets (T×6 row-major); same seed, same values.</summary>
    public static double[] Generate(MotionLevel level, int volumes, int seed, IReadOnlyList<double>? covariate = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(volumes);
        if (covariate is not null && covariate.Count != volumes)
            throw new ArgumentException($"The covariate has {covariate.Count} values for {volumes} volumes.", nameof(covariate));
        const int p = RigidTransform.ParameterCount;
        var x = new double[volumes * p];
        if (level == MotionLevel.None) return x;
        bool high = level == MotionLevel.High;
        double deg = Math.PI / 180;
        double driftAmp = high ? 1.5 : 0.3, jitterSd = high ? 0.035 : 0.02, jerkRate = high ? 0.03 : 0.01;
        double fdMin = high ? 1.2 : 1.0, fdMax = high ? 4.0 : 1.6, limit = high ? 3.0 : 1.5;
        var rng = new SeededRandom(seed);

        for (int k = 0; k < p; k++)
        {
            double unit = k < 3 ? 1 : deg;
            double trend = (2 * rng.Uniform() - 1) * 0.6, wave = (2 * rng.Uniform() - 1) * 0.4;
            double cycles = 0.5 + 1.5 * rng.Uniform(), phase = 2 * Math.PI * rng.Uniform();
            for (int v = 0; v < volumes; v++)
            {
                double s = v / (double)volumes;
                x[v * p + k] = unit * driftAmp * (trend * s + wave * (Math.Sin(2 * Math.PI * cycles * s + phase) - Math.Sin(phase)));
            }
        }

        Span<double> dir = stackalloc double[p];
        for (int v = 0; v < volumes; v++)
        {
            double c = covariate is null ? 1 : Math.Clamp(covariate[v], 0, 1);
            double jitter = jitterSd * (covariate is null ? 1 : 1 + c);
            for (int k = 0; k < p; k++) x[v * p + k] += (k < 3 ? 1 : deg) * jitter * rng.Normal();
            double rate = jerkRate * (covariate is null ? 1 : 3 * c);
            if (v == 0 || rng.Uniform() >= rate) continue;

            double l1 = 0;
            for (int k = 0; k < p; k++) { dir[k] = rng.Normal(); l1 += Math.Abs(dir[k]) * (k < 3 ? 1 : FramewiseDisplacement.HeadRadiusMm * deg); }
            double fd = fdMin + (fdMax - fdMin) * rng.Uniform();
            int hold = 1 + rng.Next(0, 3);
            double residual = 0.5 * rng.Uniform();
            for (int u = v; u < volumes; u++)
            {
                double f = u < v + hold ? 1 : u == v + hold ? (1 + residual) / 2 : residual;
                for (int k = 0; k < p; k++) x[u * p + k] += f * fd / l1 * dir[k] * (k < 3 ? 1 : deg);
            }
        }

        for (int i = 0; i < x.Length; i++)
        {
            double lim = i % p < 3 ? limit : limit * deg;
            x[i] = Math.Clamp(x[i], -lim, lim);
        }

        return x;
    }

    /// <summary>Parses a level name (none, low, high; case-insensitive).</summary>
    public static bool TryParse(string? name, out MotionLevel level) =>
        Enum.TryParse(name, ignoreCase: true, out level) && Enum.IsDefined(level) && !int.TryParse(name, out _);
}
