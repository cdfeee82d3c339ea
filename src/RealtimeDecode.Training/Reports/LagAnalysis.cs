using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Training.Synthesis;

namespace RealtimeDecode.Training.Reports;

/// <summary>Held-out estimates of one run: the last volume of each estimate's window, the estimates (rows × targets) and the run's per-volume targets.</summary>
public sealed record LagRun(int[] LastVolumes, double[,] Predicted, NumericTable Targets);

/// <summary>The lag–correlation analysis of a model's estimates (see <see cref="LagAnalysis"/>).</summary>
/// <param name="Lags">The searched lags, seconds.</param>
/// <param name="Curves">Per target (rows) the Pearson r at each lag; the last row is the mean over targets.</param>
/// <param name="Peak">Per target, then the mean curve: the centre of the peak, seconds (midpoint of the band where r ≥ 0.8 × its maximum).</param>
/// <param name="PeakR">Per target, then the mean curve: the highest r.</param>
/// <param name="StandardError">Block-bootstrap standard deviation of each peak, seconds.</param>
/// <param name="Low95">2.5th bootstrap percentile of each peak.</param>
/// <param name="High95">97.5th bootstrap percentile of each peak.</param>
/// <param name="AtEdge">Whether the peak's band reaches the first or last searched lag (the true lag may lie beyond).</param>
/// <param name="Samples">Estimates used (those valid at every lag).</param>
/// <param name="BlockLength">Bootstrap block length, estimates.</param>
public sealed record LagResult(
    double[] Lags, double[][] Curves, double[] Peak, double[] PeakR, double[] StandardError, double[] Low95, double[] High95,
    bool[] AtEdge, int Samples, int BlockLength);

/// <summary>
/// At which lag do a model's estimates best match the truth? For each lag L on a grid (default −10 s to
/// W·TR + 20 s in steps of TR/10), the estimate of the window ending at volume v is paired with the
/// targets at v − L/TR volumes (linear interpolation between volumes; both on the targets' own time
/// line) and the Pearson r computed per run; runs are averaged weighted by their estimates. Only estimates
/// whose partner exists at every lag are used, so every lag sees the same estimates. The lag is the
/// centre of the curve's peak (the midpoint of the band where r ≥ 0.8 × its maximum, see <see cref="BandFraction"/>);
/// for the model as a whole, that of the mean curve over targets.
/// <para>
/// Uncertainty: circular moving-block bootstrap within each run (<see cref="Replicates"/> replicates,
/// blocks of max(W, ⌈32 s / TR⌉) estimates so that the autocorrelation of overlapping windows and of the
/// HRF stays inside a block), fixed seed; the standard error is the SD of the replicates' peaks, the
/// interval their 2.5th and 97.5th percentiles.
/// </para>
/// </summary>
public static class LagAnalysis
{
    /// <summary>Bootstrap replicates.</summary>
    public const int Replicates = 200;

    /// <summary>Runs the analysis. <paramref name="window"/> is the model's window in volumes (1 for ROI models).</summary>
    /// <exception cref="ArgumentException">No run, or no estimate valid at every lag.</exception>
    public static LagResult Analyse(IReadOnlyList<LagRun> runs, double tr, int window, double? minLag = null, double? maxLag = null, int seed = 20261204)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) throw new ArgumentException("no runs", nameof(runs));
        if (!(tr > 0) || !double.IsFinite(tr)) throw new ArgumentOutOfRangeException(nameof(tr), $"TR must be positive, got {tr}");
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        int targets = runs[0].Predicted.GetLength(1);
        double lo = minLag ?? -10.0, hi = maxLag ?? window * tr + 20.0, step = tr / 10;
        int nLag = (int)Math.Floor((hi - lo) / step + 1e-9) + 1;
        var lags = Enumerable.Range(0, nLag).Select(i => lo + i * step).ToArray();
        int block = Math.Max(window, (int)Math.Ceiling(32.0 / tr));

        // Per run: the estimates valid at every lag and their partners y[lag][t][i].
        var data = new List<(double[][] P, double[][][] Y)>();
        int total = 0;
        foreach (var run in runs)
        {
            if (run.Predicted.GetLength(1) != targets) throw new ArgumentException("runs differ in their number of targets", nameof(runs));
            if (run.Targets.ColumnCount != targets)
                throw new ArgumentException($"the targets table has {run.Targets.ColumnCount} columns, the estimates {targets}", nameof(runs));
            var row = new Dictionary<int, int>();
            for (int r = 0; r < run.Targets.RowCount; r++) row[run.Targets.Volumes[r]] = r;
            var keep = new List<int>();
            for (int i = 0; i < run.LastVolumes.Length; i++)
            {
                double qFirst = run.LastVolumes[i] - hi / tr, qLast = run.LastVolumes[i] - lo / tr;
                if (Has(row, qFirst) && Has(row, qLast) && Covered(row, qFirst, qLast)) keep.Add(i);
            }
            if (keep.Count < 3) continue;
            var p = new double[targets][];
            var y = new double[nLag][][];
            for (int t = 0; t < targets; t++) p[t] = keep.Select(i => run.Predicted[i, t]).ToArray();
            for (int l = 0; l < nLag; l++)
            {
                y[l] = new double[targets][];
                for (int t = 0; t < targets; t++)
                {
                    var col = y[l][t] = new double[keep.Count];
                    for (int k = 0; k < keep.Count; k++)
                    {
                        double q = run.LastVolumes[keep[k]] - lags[l] / tr;
                        int a = (int)Math.Floor(q);
                        double f = q - a;
                        double ya = run.Targets.Values[row[a] * targets + t];
                        col[k] = f == 0 ? ya : (1 - f) * ya + f * run.Targets.Values[row[a + 1] * targets + t];
                    }
                }
            }
            data.Add((p, y));
            total += keep.Count;
        }
        if (data.Count == 0) throw new ArgumentException($"no estimates have targets at every lag from {lo} s to {hi} s", nameof(runs));

        var full = data.Select(d => Enumerable.Range(0, d.P[0].Length).ToArray()).ToArray();
        var curves = Curves(data, full, targets, nLag);
        var peak = new double[targets + 1];
        var peakR = new double[targets + 1];
        var edge = new bool[targets + 1];
        for (int c = 0; c <= targets; c++) (peak[c], peakR[c], edge[c]) = Peak(curves[c], lags);

        var rng = new SeededRandom(seed);
        var boot = new double[targets + 1][];
        for (int c = 0; c <= targets; c++) boot[c] = new double[Replicates];
        for (int b = 0; b < Replicates; b++)
        {
            var idx = data.Select(d => Resample(d.P[0].Length, block, rng)).ToArray();
            var bc = Curves(data, idx, targets, nLag);
            for (int c = 0; c <= targets; c++) boot[c][b] = Peak(bc[c], lags).Lag;
        }
        var se = new double[targets + 1];
        var low = new double[targets + 1];
        var high = new double[targets + 1];
        for (int c = 0; c <= targets; c++)
        {
            var v = boot[c].Where(double.IsFinite).OrderBy(x => x).ToArray();
            if (v.Length < 2) { se[c] = low[c] = high[c] = double.NaN; continue; }
            double mean = v.Average();
            se[c] = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
            low[c] = Percentile(v, 0.025);
            high[c] = Percentile(v, 0.975);
        }
        return new LagResult(lags, curves, peak, peakR, se, low, high, edge, total, block);
    }

    private static bool Has(Dictionary<int, int> row, double q) => row.ContainsKey((int)Math.Floor(q)) && row.ContainsKey((int)Math.Ceiling(q));

    private static bool Covered(Dictionary<int, int> row, double a, double b)
    {
        for (int v = (int)Math.Floor(a); v <= (int)Math.Ceiling(b); v++) if (!row.ContainsKey(v)) return false;
        return true;
    }

    /// <summary>Curves per target and their mean; runs weighted by their sample counts.</summary>
    private static double[][] Curves(List<(double[][] P, double[][][] Y)> data, int[][] idx, int targets, int nLag)
    {
        var curves = new double[targets + 1][];
        for (int c = 0; c <= targets; c++) curves[c] = new double[nLag];
        for (int l = 0; l < nLag; l++)
        {
            int valid = 0;
            for (int t = 0; t < targets; t++)
            {
                double sum = 0; int n = 0;
                for (int r = 0; r < data.Count; r++)
                {
                    double rr = PearsonAt(data[r].P[t], data[r].Y[l][t], idx[r]);
                    if (double.IsFinite(rr)) { sum += rr * idx[r].Length; n += idx[r].Length; }
                }
                curves[t][l] = n > 0 ? sum / n : double.NaN;
                if (double.IsFinite(curves[t][l])) { curves[targets][l] += curves[t][l]; valid++; }
            }
            curves[targets][l] = valid > 0 ? curves[targets][l] / valid : double.NaN;
        }
        return curves;
    }

    // Pearson r of x and y at the positions idx (gathered into pooled buffers: the bootstrap calls this per replicate).
    private static double PearsonAt(double[] x, double[] y, int[] idx)
    {
        var gx = System.Buffers.ArrayPool<double>.Shared.Rent(idx.Length);
        var gy = System.Buffers.ArrayPool<double>.Shared.Rent(idx.Length);
        for (int k = 0; k < idx.Length; k++) { gx[k] = x[idx[k]]; gy[k] = y[idx[k]]; }
        double r = RegressionMetrics.Pearson(gx.AsSpan(0, idx.Length), gy.AsSpan(0, idx.Length));
        System.Buffers.ArrayPool<double>.Shared.Return(gx);
        System.Buffers.ArrayPool<double>.Shared.Return(gy);
        return r;
    }

    /// <summary>Fraction of the highest r that delimits the peak's band (<see cref="Peak"/>).</summary>
    public const double BandFraction = 0.8;

    /// <summary>
    /// The centre of the peak: the midpoint of the lags where the curve, walking out from its highest
    /// point, first falls below <see cref="BandFraction"/> of that r (linear interpolation between lags).
    /// A window of W volumes flattens the top of the curve over about W·TR, where the argmax wanders with
    /// the noise; the band's centre does not, and it equals the argmax for a sharp symmetric peak.
    /// </summary>
    private static (double Lag, double R, bool Edge) Peak(double[] curve, double[] lags)
    {
        int best = -1;
        for (int l = 0; l < curve.Length; l++)
            if (double.IsFinite(curve[l]) && (best < 0 || curve[l] > curve[best])) best = l;
        if (best < 0 || !(curve[best] > 0)) return (double.NaN, best < 0 ? double.NaN : curve[best], false);
        double level = BandFraction * curve[best];
        int a = best;
        while (a > 0 && double.IsFinite(curve[a - 1]) && curve[a - 1] >= level) a--;
        int b = best;
        while (b < curve.Length - 1 && double.IsFinite(curve[b + 1]) && curve[b + 1] >= level) b++;
        bool edge = a == 0 || b == curve.Length - 1;
        double left = a > 0 && double.IsFinite(curve[a - 1]) ? Cross(lags[a - 1], curve[a - 1], lags[a], curve[a], level) : lags[a];
        double right = b < curve.Length - 1 && double.IsFinite(curve[b + 1]) ? Cross(lags[b], curve[b], lags[b + 1], curve[b + 1], level) : lags[b];
        return (0.5 * (left + right), curve[best], edge);
    }

    private static double Cross(double x0, double y0, double x1, double y1, double level) =>
        y1 == y0 ? 0.5 * (x0 + x1) : x0 + (level - y0) / (y1 - y0) * (x1 - x0);

    private static int[] Resample(int n, int block, SeededRandom rng)
    {
        int b = Math.Min(block, n);
        var idx = new int[n];
        for (int k = 0; k < n;)
        {
            int start = rng.Next(0, n);
            for (int j = 0; j < b && k < n; j++, k++) idx[k] = (start + j) % n;
        }
        return idx;
    }

    private static double Percentile(double[] sorted, double p)
    {
        double pos = p * (sorted.Length - 1);
        int a = (int)Math.Floor(pos);
        int b = Math.Min(a + 1, sorted.Length - 1);
        return sorted[a] + (pos - a) * (sorted[b] - sorted[a]);
    }
}
