namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// What became of one volume of a run. <see cref="Ok"/>, <see cref="Missing"/> and <see cref="Corrupt"/>
/// take the volume's TR slot (exactly one of them per index, in index order); <see cref="Late"/> and
/// <see cref="Duplicate"/> report an extra file for a slot that was already settled and are never
/// processed. Written lower-case in <c>volumes.tsv</c>.
/// </summary>
public enum VolumeStatus
{
    /// <summary>Read and processed (this includes warm-up volumes that produce no estimate yet).</summary>
    Ok,
    /// <summary>Not seen in time: declared missing so the run goes on; its slot is a skipped frame.</summary>
    Missing,
    /// <summary>Seen but unreadable (bad header, short data, wrong grid); its slot is a skipped frame.</summary>
    Corrupt,
    /// <summary>Arrived after it had been declared missing; logged and ignored.</summary>
    Late,
    /// <summary>A second file for an index already seen; logged, counted and ignored.</summary>
    Duplicate,
}

/// <summary>Helpers for <see cref="VolumeStatus"/>.</summary>
public static class VolumeStatusExtensions
{
    /// <summary>The lower-case name used in <c>volumes.tsv</c> and in logs.</summary>
    public static string ToFileValue(this VolumeStatus status) => status switch
    {
        VolumeStatus.Ok => "ok",
        VolumeStatus.Missing => "missing",
        VolumeStatus.Corrupt => "corrupt",
        VolumeStatus.Late => "late",
        VolumeStatus.Duplicate => "duplicate",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown volume status."),
    };

    /// <summary>True for the statuses that take a TR slot (ok, missing, corrupt).</summary>
    public static bool OccupiesSlot(this VolumeStatus status) =>
        status is VolumeStatus.Ok or VolumeStatus.Missing or VolumeStatus.Corrupt;
}
