namespace RealtimeDecode.Engine.Recording;

/// <summary>
/// File names of a recording directory (ARCHITECTURE.md "Recording directory"). The log file is
/// written by the host's Serilog file sink: point it at <c>Path.Combine(directory, LogFile)</c>.
/// </summary>
public static class RecordingLayout
{
    /// <summary><c>volume</c>, <c>onset_s</c>, one column per target, then <c>detected_ms</c>, <c>read_ms</c>,
    /// <c>decoded_ms</c>, <c>published_ms</c> (ms since session start, monotonic clock; published = the first hand-off
    /// to a transport, <see cref="Pipeline.FrameTiming.PublishedTimestamp"/>) and <c>latency_ms</c> (published − detected).</summary>
    public const string EstimatesFile = "estimates.tsv";

    /// <summary>In the session's folder: one row per estimate and sink that handed it to its transport, as it does
    /// (<see cref="HandOffTable"/>): <c>volume</c>, <c>series</c>, <c>sink</c>, <c>handoff_ms</c> (ms since session start,
    /// monotonic clock), <c>latency_ms</c> (hand-off − detected).</summary>
    public const string HandOffsFile = "handoffs.tsv";

    /// <summary><c>volume</c>, <c>status</c> (ok, missing, corrupt, grid-changed, affine-changed, skipped-existing,
    /// late, duplicate, stray: see <see cref="Pipeline.VolumeStatus"/>), <c>file</c>.</summary>
    public const string VolumesFile = "volumes.tsv";

    /// <summary>With realignment: one row per volume in fMRIPrep's confounds layout (<see cref="Motion.MotionTable"/>);
    /// a volume with no estimate (skipped, or realignment failed) has <c>n/a</c>.</summary>
    public const string MotionFile = "motion.tsv";

    /// <summary>The ROI series after the live path's preprocessing (what entered the sliding window): <c>volume</c>, then one
    /// column per atlas label; one row per volume read, skipped volumes omitted (<see cref="RoiRecordingSink"/>).</summary>
    public const string RoiFile = "roi.tsv";

    /// <summary>Sidecar of <see cref="RoiFile"/>: atlas, SHA-256, ROI count, preprocessing, TR (<see cref="RoiSeriesInfo"/>).</summary>
    public const string RoiSidecarFile = "roi.json";

    /// <summary><c>onset_s</c>, <c>value</c>, <c>source</c>: markers received during the session.</summary>
    public const string EventsFile = "events.tsv";

    /// <summary>Configuration, model hash, versions, warm-up policy, counts.</summary>
    public const string SessionFile = "session.json";

    /// <summary>The session log (written by the host's logger).</summary>
    public const string LogFile = "session.log";

    /// <summary>Column of <c>estimates.tsv</c> (with realignment) that is 1 for an estimate whose window holds a high-motion volume.</summary>
    public const string CensoredColumn = "censored";

    /// <summary>Timing columns of <see cref="EstimatesFile"/>, in order, after the targets.</summary>
    public static readonly IReadOnlyList<string> TimingColumns = ["detected_ms", "read_ms", "decoded_ms", "published_ms", "latency_ms"];
}
