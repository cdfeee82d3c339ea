using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tests.Support;

/// <summary>
/// Stateful fake kernels with the shapes of the real ones: ROI = mean of 4 voxel blocks (4 ROIs),
/// clean = subtract the running mean of each ROI (stateful), connectivity = Pearson correlation over
/// a rectangular window of <see cref="Window"/> cleaned vectors (upper triangle, 6 edges; null until
/// full), decode = fixed linear map to 2 targets. Each <see cref="Create"/> has fresh state.
/// </summary>
public sealed class FakeStages
{
    public const int Rois = 4;
    public const int Edges = Rois * (Rois - 1) / 2;
    public static readonly string[] Targets = ["joy", "fear"];

    public int Window { get; init; } = 3;

    /// <summary>Indices whose read throws InputDataException (corrupt files).</summary>
    public HashSet<int> CorruptIndices { get; } = [];

    /// <summary>Processing time the decode stage adds to the clock (simulated).</summary>
    public TimeSpan DecodeCost { get; init; }
    public TimeSpan ReadCost { get; init; }
    public SchedulerTimeProvider? Clock { get; init; }

    /// <summary>Decode calls (counted from 0) whose output holds the given non-finite value in its first target.</summary>
    public Dictionary<int, double> NonFiniteDecodes { get; } = [];

    public List<int> Skipped { get; } = [];
    public int Created { get; private set; }

    public PipelineStages Create()
    {
        Created++;
        var sums = new double[Rois];
        int n = 0, decodes = 0;
        var window = new Queue<double[]>();
        return new PipelineStages(
            Read: a =>
            {
                if (CorruptIndices.Contains(a.Index)) throw new InputDataException(a.Path ?? $"volume {a.Index}", "truncated voxel data");
                Clock?.Advance(ReadCost);
                return a.Load!();
            },
            Roi: RoiMeans,
            Clean: roi =>
            {
                n++;
                var outp = new double[Rois];
                for (int r = 0; r < Rois; r++) { sums[r] += roi[r]; outp[r] = roi[r] - sums[r] / n; }
                return outp;
            },
            Connectivity: roi =>
            {
                window.Enqueue(roi);
                if (window.Count > Window) window.Dequeue();
                return window.Count < Window ? null : Correlate(window.ToArray());
            },
            Decode: edges =>
            {
                Clock?.Advance(DecodeCost);
                var y = DecodeLinear(edges);
                if (NonFiniteDecodes.TryGetValue(decodes++, out double bad)) y[0] = bad;
                return y;
            },
            Skip: i => Skipped.Add(i));
    }

    public static double[] RoiMeans(Volume v)
    {
        var m = new double[Rois];
        int per = v.VoxelCount / Rois;
        for (int r = 0; r < Rois; r++)
        {
            double s = 0;
            for (int k = 0; k < per; k++) s += v.Data[r * per + k];
            m[r] = s / per;
        }
        return m;
    }

    public static double[] Correlate(double[][] rows)
    {
        int t = rows.Length;
        var edges = new double[Edges];
        int e = 0;
        for (int i = 0; i < Rois; i++)
            for (int j = i + 1; j < Rois; j++)
            {
                double mi = 0, mj = 0;
                for (int k = 0; k < t; k++) { mi += rows[k][i]; mj += rows[k][j]; }
                mi /= t; mj /= t;
                double sij = 0, sii = 0, sjj = 0;
                for (int k = 0; k < t; k++)
                {
                    double a = rows[k][i] - mi, b = rows[k][j] - mj;
                    sij += a * b; sii += a * a; sjj += b * b;
                }
                edges[e++] = sij / Math.Sqrt(sii * sjj);
            }
        return edges;
    }

    public static double[] DecodeLinear(double[] edges)
    {
        double a = 0, b = 0;
        for (int e = 0; e < edges.Length; e++) { a += 0.1 * (e + 1) * edges[e]; b += (e % 2 == 0 ? 0.5 : -0.25) * edges[e]; }
        return [a, b];
    }
}
