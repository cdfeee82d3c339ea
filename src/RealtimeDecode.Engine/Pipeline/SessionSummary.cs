using System.Globalization;
using System.Text;

namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// End-of-session figures computed from the published frames: slots (one per volume index: every status that
/// <see cref="VolumeStatusExtensions.OccupiesSlot"/>, so ok, missing, corrupt, grid-changed, affine-changed and
/// skipped-existing add up to <see cref="Volumes"/>), counts per status (late, duplicate and stray count extra files,
/// outside the total), warm-up volumes,
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
        return Compute(frames.Select(Entry.Of));
    }

    /// <summary>Computes the summary of what <see cref="Entry.Of"/> kept of each frame.</summary>
    internal static SessionSummary Compute(IEnumerable<Entry> entries)
    {
        var counts = Enum.GetValues<VolumeStatus>().ToDictionary(s => s, _ => 0);
        int warm = 0, estimates = 0;
        var latencies = new List<double>();
        foreach (var f in entries)
        {
            counts[f.Status]++;
            if (f.Kind == EntryKind.WarmUp) warm++;
            else if (f.Kind == EntryKind.Estimate)
            {
                estimates++;
                if (f.LatencyMs is var ms && double.IsFinite(ms)) latencies.Add(ms);
            }
        }
        int volumes = counts.Where(kv => kv.Key.OccupiesSlot()).Sum(kv => kv.Value);
        latencies.Sort();
        return new SessionSummary(volumes, counts, warm, estimates, Percentile(latencies, 0.5), Percentile(latencies, 0.99));
    }

    internal enum EntryKind : byte
    {
        /// <summary>Not an estimate frame, or an estimate that is not counted (not finite, realignment failed).</summary>
        Other,
        WarmUp,
        Estimate,
    }

    /// <summary>
    /// What the summary needs of one frame: its status, whether it is a counted estimate or a warm-up one, and the
    /// latency of a counted estimate. While no sink has handed the estimate off, the entry holds the frame's timing
    /// (its hand-offs are still coming in); once one has, the latency no longer changes and <see cref="Settled"/>
    /// keeps the number alone. A few bytes where the frame holds arrays.
    /// </summary>
    internal readonly record struct Entry(VolumeStatus Status, EntryKind Kind, FrameTiming? Timing, double SettledLatencyMs = double.NaN)
    {
        public static Entry Of(PipelineFrame f) => f switch
        {
            EstimateFrame { IsWarmingUp: true } => new(f.Status, EntryKind.WarmUp, null),
            EstimateFrame { NotFinite: false, MotionFailed: false } e => new Entry(f.Status, EntryKind.Estimate, e.Timing).Settled(),
            _ => new(f.Status, EntryKind.Other, null),
        };

        /// <summary>Detection → first hand-off (ms); NaN while no sink has handed the estimate off.</summary>
        public double LatencyMs => Timing?.LatencyMs ?? SettledLatencyMs;

        /// <summary>True while the entry still holds a timing whose first hand-off has not come.</summary>
        public bool IsPending => Timing is not null;

        /// <summary>This entry with its latency as a number once the first hand-off is known (itself otherwise).</summary>
        public Entry Settled() => Timing is { PublishedTimestamp: not null } t ? this with { Timing = null, SettledLatencyMs = t.LatencyMs } : this;
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

    /// <summary>Volumes read (ok), whether or not they gave an estimate: what a session needs at least one of to have done anything.</summary>
    public int VolumesRead => StatusCounts.GetValueOrDefault(VolumeStatus.Ok);

    /// <summary>A few lines for the end-of-replay print: the total is the sum of the statuses listed after it; extra
    /// files (late, duplicate, stray), which take no volume number, follow on the same line.</summary>
    public override string ToString()
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(ci, $"volumes: {Volumes} (");
        sb.AppendJoin(", ", StatusCounts.Where(kv => kv.Key.OccupiesSlot() && (kv.Value > 0 || kv.Key == VolumeStatus.Ok)).Select(kv => $"{kv.Key.ToFileValue()} {kv.Value}"));
        sb.Append(')');
        var extra = StatusCounts.Where(kv => !kv.Key.OccupiesSlot() && kv.Value > 0).ToList();
        if (extra.Count > 0)
        {
            sb.Append("; extra files ignored: ");
            sb.AppendJoin(", ", extra.Select(kv => $"{kv.Key.ToFileValue()} {kv.Value}"));
        }
        sb.Append('\n');
        sb.Append(ci, $"estimates: {Estimates} (warm-up {WarmUpVolumes})\n");
        if (Estimates > 0) sb.Append(ci, $"latency: median {LatencyMedianMs:0.0} ms, p99 {LatencyP99Ms:0.0} ms");
        else sb.Append("latency: none yet (no estimate: the first window never filled)");
        return sb.ToString();
    }
}
