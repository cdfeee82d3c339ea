using System.Globalization;
using System.Text;

namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// End-of-session figures computed from the published frames: slots (one per volume index: ok,
/// missing, corrupt), counts per status (late and duplicate count extra files), warm-up volumes,
/// estimates, and the detection-to-publication latency of the estimate frames (published = the first hand-off to a
/// transport, <see cref="FrameTiming.PublishedTimestamp"/>; an estimate no sink handed off has no latency, so compute
/// the summary once every sink is done, e.g. after <see cref="SinkFanout.Completion"/>).
/// Percentiles interpolate linearly between order statistics (numpy's default): p = (n−1)·q.
/// Latencies are NaN when there is no estimate.
/// </summary>
public sealed record SessionSummary(
    int Volumes,
    IReadOnlyDictionary<VolumeStatus, int> StatusCounts,
    int WarmUpVolumes,
    int Estimates,
    double LatencyMedianMs,
    double LatencyP99Ms)
{
    /// <summary>Computes the summary of <paramref name="frames"/>.</summary>
    public static SessionSummary Compute(IEnumerable<PipelineFrame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var counts = Enum.GetValues<VolumeStatus>().ToDictionary(s => s, _ => 0);
        int warm = 0, estimates = 0;
        var latencies = new List<double>();
        foreach (var f in frames)
        {
            counts[f.Status]++;
            if (f is EstimateFrame e)
            {
                if (e.IsWarmingUp) warm++;
                else if (!e.NotFinite && !e.MotionFailed)
                {
                    estimates++;
                    if (e.Timing.LatencyMs is var ms && double.IsFinite(ms)) latencies.Add(ms);
                }
            }
        }
        int volumes = counts[VolumeStatus.Ok] + counts[VolumeStatus.Missing] + counts[VolumeStatus.Corrupt];
        latencies.Sort();
        return new SessionSummary(volumes, counts, warm, estimates, Percentile(latencies, 0.5), Percentile(latencies, 0.99));
    }

    /// <summary>Linear-interpolation percentile of sorted values (numpy default); NaN when empty.</summary>
    internal static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0) return double.NaN;
        double pos = (sorted.Count - 1) * q;
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    /// <summary>A few lines for the end-of-replay print.</summary>
    public override string ToString()
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(ci, $"volumes: {Volumes} (");
        sb.AppendJoin(", ", StatusCounts.Where(kv => kv.Value > 0 || kv.Key == VolumeStatus.Ok).Select(kv => $"{kv.Key.ToFileValue()} {kv.Value}"));
        sb.Append(")\n");
        sb.Append(ci, $"estimates: {Estimates} (warm-up {WarmUpVolumes})\n");
        if (Estimates > 0) sb.Append(ci, $"latency: median {LatencyMedianMs:0.0} ms, p99 {LatencyP99Ms:0.0} ms");
        else sb.Append("latency: none yet (no estimate: the first window never filled)");
        return sb.ToString();
    }
}
