using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// One volume as the ingest layer hands it to the pipeline: its 0-based index in the run, where to
/// read it from (a file <see cref="Path"/> and/or an in-memory <see cref="Load"/> provider), the
/// monotonic timestamp (<see cref="TimeProvider.GetTimestamp"/>) at which it was detected complete,
/// and its status. Arrivals with a status other than <see cref="VolumeStatus.Ok"/> carry no data.
/// </summary>
/// <param name="Index">0-based index of the volume in its run (from the file name, metadata or replay order).</param>
/// <param name="Path">The file the volume is in, if any (written to <c>volumes.tsv</c>).</param>
/// <param name="DetectedTimestamp">Monotonic timestamp (ticks of <see cref="TimeProvider.TimestampFrequency"/>) at detection.</param>
/// <param name="Status">Ok, or why the slot has no data (missing) or why the file is ignored (late, duplicate).</param>
/// <param name="Load">In-memory provider (replay); when null the pipeline's reader opens <see cref="Path"/>.</param>
/// <param name="Series">Scanner series (run) number the volume belongs to; 0 when unknown.</param>
public sealed record VolumeArrival(
    int Index,
    string? Path,
    long DetectedTimestamp,
    VolumeStatus Status = VolumeStatus.Ok,
    Func<Volume>? Load = null,
    int Series = 0)
{
    /// <summary>The file as written to <c>volumes.tsv</c>: the path, else <c>n/a</c>.</summary>
    public string FileLabel => string.IsNullOrEmpty(Path) ? "n/a" : Path;
}
