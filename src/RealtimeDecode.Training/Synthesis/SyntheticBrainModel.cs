namespace RealtimeDecode.Training.Synthesis;

/// <summary>Parameters of <see cref="SyntheticBrainModel"/>. Amplitudes are fractions of the baseline.</summary>
public sealed record BrainModelOptions
{
    /// <summary>Largest share κ of a carrier parcel's variance that its emotion's source takes (0..1).</summary>
    public double Coupling { get; init; } = 1.0;

    /// <summary>Variance β of the network background shared by all parcels of a network (constant coupling).</summary>
    public double NetworkBackground { get; init; } = 0.1;

    /// <summary>AR(1) coefficient of the latent sources and the parcels' own fluctuations (per TR).</summary>
    public double Autocorrelation { get; init; } = 0.0;

    /// <summary>BOLD change per unit of parcel signal (fraction of baseline).</summary>
    public double SignalChange { get; init; } = 0.01;

    /// <summary>Mean voxel intensity.</summary>
    public double Baseline { get; init; } = 1000;

    /// <summary>Thermal noise sd per voxel, in intensity units.</summary>
    public double ThermalNoise { get; init; } = 6;

    /// <summary>Physiological (global, AR(1) 0.8) noise sd, fraction of baseline.</summary>
    public double PhysiologicalNoise { get; init; } = 0.002;

    /// <summary>Slow drift amplitude over the run, fraction of baseline.</summary>
    public double Drift { get; init; } = 0.01;

    /// <summary>Probability per volume of a motion-like spike.</summary>
    public double SpikeRate { get; init; } = 0.01;

    /// <summary>Size of a spike, fraction of baseline.</summary>
    public double SpikeSize { get; init; } = 0.01;

    /// <summary>Carrier parcels per network end of each emotion (0: chosen from the parcel count).</summary>
    public int CarriersPerNetwork { get; init; }
}

/// <summary>
/// The simulator's brain: each emotion couples a chosen pair of networks (or one network with itself).
/// Its haemodynamic intensity c(t) ∈ [0, 1] sets how much of each carrier parcel's variance comes
/// from a latent source s(t) shared by all its carriers:
/// <c>pᵢ(t) = √(κ·c(t))·s(t) + √(1 − κ·c(t))·uᵢ(t) + √β·n_net(t)</c>,
/// with s, uᵢ unit-variance AR(1) and n_net a network background. The correlation of two carriers is
/// κ·c(t)/(1 + β) while every parcel's mean and variance stay constant: emotion lives in changing
/// coupling, not in amplitude, so a linear model of ROI amplitudes cannot read it and windowed
/// connectivity can. Voxels add a baseline, slow drift, global physiological noise, occasional
/// motion-like spikes and thermal noise.
/// </summary>
internal sealed class SyntheticBrainModel
{
    /// <summary>Network pairs (indices into <see cref="SyntheticAtlas.Yeo7"/>) for Plutchik's emotions, in order.</summary>
    public static readonly (int A, int B)[] Plutchik8Networks =
    [
        (2, 5), // anticipation: DorsAttn – Cont
        (4, 6), // joy: Limbic – Default
        (6, 6), // trust: within Default
        (3, 4), // fear: SalVentAttn – Limbic
        (0, 3), // surprise: Vis – SalVentAttn
        (0, 4), // sadness: Vis – Limbic
        (1, 3), // disgust: SomMot – SalVentAttn
        (1, 5), // anger: SomMot – Cont
    ];

    private readonly SyntheticAtlas _atlas;
    private readonly BrainModelOptions _options;
    private readonly int[][] _carriers;

    public SyntheticBrainModel(SyntheticAtlas atlas, int emotions, BrainModelOptions options, int seed)
    {
        _atlas = atlas;
        _options = options;
        EmotionNetworks = Enumerable.Range(0, emotions)
            .Select(e => e < Plutchik8Networks.Length ? Plutchik8Networks[e] : OtherPair(e)).ToArray();
        var rng = new SeededRandom(seed);
        // Share each network's parcels among the emotion ends that use it (a within-network emotion uses it twice).
        var uses = new int[SyntheticAtlas.Yeo7.Length];
        foreach (var (a, b) in EmotionNetworks) { uses[a]++; uses[b]++; }
        var sizes = new int[SyntheticAtlas.Yeo7.Length];
        foreach (int n in atlas.NetworkOf) sizes[n]++;
        int perNetwork = options.CarriersPerNetwork > 0
            ? options.CarriersPerNetwork
            : Math.Max(1, Enumerable.Range(0, uses.Length).Where(n => uses[n] > 0).Min(n => sizes[n] / uses[n]));
        var used = new bool[atlas.ParcelCount];
        _carriers = new int[emotions][];
        for (int e = 0; e < emotions; e++)
        {
            var (a, b) = EmotionNetworks[e];
            var list = new List<int>();
            list.AddRange(Pick(a, a == b ? 2 * perNetwork : perNetwork));
            if (a != b) list.AddRange(Pick(b, perNetwork));
            _carriers[e] = list.ToArray();
        }

        IEnumerable<int> Pick(int network, int count)
        {
            var free = Enumerable.Range(0, atlas.ParcelCount).Where(p => atlas.NetworkOf[p] == network && !used[p]).ToList();
            if (free.Count < count) // a small atlas: share parcels rather than leave an emotion without carriers
                free.AddRange(Enumerable.Range(0, atlas.ParcelCount).Where(p => atlas.NetworkOf[p] == network && used[p]));
            var chosen = new List<int>();
            while (chosen.Count < count && free.Count > 0)
            {
                int i = rng.Next(0, free.Count);
                chosen.Add(free[i]);
                used[free[i]] = true;
                free.RemoveAt(i);
            }
            return chosen;
        }
    }

    /// <summary>The network pair each emotion couples.</summary>
    public (int A, int B)[] EmotionNetworks { get; }

    /// <summary>Carrier parcels (0-based) of each emotion.</summary>
    public IReadOnlyList<int[]> Carriers => _carriers;

    private static (int, int) OtherPair(int e)
    {
        var pairs = new List<(int, int)>();
        for (int a = 0; a < 7; a++) for (int b = a; b < 7; b++) pairs.Add((a, b));
        return pairs[(e * 5) % pairs.Count];
    }

    /// <summary>
    /// Parcel signals, rows = volumes, columns = parcels (unit variance), for emotion drives
    /// <paramref name="drive"/> (rows = volumes, columns = emotions, values in [0, 1]).
    /// </summary>
    public double[,] ParcelSignals(double[,] drive, int seed)
    {
        int t = drive.GetLength(0), emotions = drive.GetLength(1), p = _atlas.ParcelCount;
        if (emotions != _carriers.Length)
            throw new ArgumentOutOfRangeException(nameof(drive), $"Drive has {emotions} emotions, the model {_carriers.Length}.");
        var rng = new SeededRandom(seed);
        double phi = _options.Autocorrelation, innov = Math.Sqrt(1 - phi * phi);
        var s = Ar1(rng, t, emotions, phi, innov);
        var u = Ar1(rng, t, p, phi, innov);
        var n = Ar1(rng, t, SyntheticAtlas.Yeo7.Length, phi, innov);
        double kappa = _options.Coupling, sqrtBeta = Math.Sqrt(_options.NetworkBackground);
        var signals = new double[t, p];
        for (int v = 0; v < t; v++)
            for (int i = 0; i < p; i++)
                signals[v, i] = u[v, i] + sqrtBeta * n[v, _atlas.NetworkOf[i]];
        for (int e = 0; e < emotions; e++)
            foreach (int i in _carriers[e])
                for (int v = 0; v < t; v++)
                {
                    double c = kappa * Math.Clamp(drive[v, e], 0, 1);
                    signals[v, i] = Math.Sqrt(c) * s[v, e] + Math.Sqrt(1 - c) * u[v, i] + sqrtBeta * n[v, _atlas.NetworkOf[i]];
                }
        return signals;
    }

    /// <summary>
    /// Voxel intensities of every volume (int16 range), x fastest, from parcel signals; voxels outside
    /// the brain hold low-level noise around 5% of the baseline, as air in a real image.
    /// </summary>
    public IEnumerable<short[]> Volumes(double[,] parcelSignals, int seed)
    {
        int t = parcelSignals.GetLength(0);
        int voxels = _atlas.Labels.Length;
        var rng = new SeededRandom(seed);
        var o = _options;
        var baseline = new double[voxels];
        var drift = new double[voxels];
        var phase = new double[voxels];
        for (int v = 0; v < voxels; v++)
        {
            int label = _atlas.Labels[v];
            baseline[v] = label == 0 ? 0.05 * o.Baseline : o.Baseline * (1 + 0.05 * rng.Normal());
            drift[v] = o.Drift * (0.5 + rng.Uniform());
            phase[v] = 2 * Math.PI * rng.Uniform();
        }
        double physio = 0;
        for (int k = 0; k < t; k++)
        {
            physio = 0.8 * physio + Math.Sqrt(1 - 0.64) * rng.Normal();
            double global = o.PhysiologicalNoise * physio;
            bool spike = rng.Uniform() < o.SpikeRate;
            double spikeShift = spike ? o.SpikeSize * (rng.Uniform() < 0.5 ? -1 : 1) : 0;
            double tau = t > 1 ? k / (double)(t - 1) : 0;
            var vol = new short[voxels];
            for (int v = 0; v < voxels; v++)
            {
                int label = _atlas.Labels[v];
                double x;
                if (label == 0)
                    x = baseline[v] + 0.5 * o.ThermalNoise * rng.Normal();
                else
                {
                    double slow = drift[v] * (tau - 0.5 + 0.5 * Math.Sin(2 * Math.PI * tau + phase[v]));
                    double rel = o.SignalChange * parcelSignals[k, label - 1] + slow + global + spikeShift;
                    double noise = o.ThermalNoise * (spike ? 3 : 1);
                    x = baseline[v] * (1 + rel) + noise * rng.Normal();
                }
                vol[v] = (short)Math.Clamp(Math.Round(x), short.MinValue, short.MaxValue);
            }
            yield return vol;
        }
    }

    private static double[,] Ar1(SeededRandom rng, int t, int n, double phi, double innov)
    {
        var x = new double[t, n];
        for (int i = 0; i < n; i++) x[0, i] = rng.Normal();
        for (int v = 1; v < t; v++)
            for (int i = 0; i < n; i++)
                x[v, i] = phi * x[v - 1, i] + innov * rng.Normal();
        return x;
    }
}
