namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// What became of one volume of a run. <see cref="Ok"/>, <see cref="Missing"/>, <see cref="Corrupt"/>,
/// <see cref="GridChanged"/>, <see cref="AffineChanged"/> and <see cref="SkippedExisting"/> take the
/// volume's TR slot (exactly one of them per index, in index order); <see cref="Late"/>,
/// <see cref="Duplicate"/> and <see cref="Stray"/> report an extra file and are never processed.
/// Written lower-case (with a hyphen between words) in <c>volumes.tsv</c>.
/// </summary>
public enum VolumeStatus
{
    /// <summary>Read and processed (this includes warm-up volumes that produce no estimate yet).</summary>
    Ok,
    /// <summary>Not seen in time: declared missing so the run goes on; its slot is a skipped frame.</summary>
    Missing,
    /// <summary>Seen but unreadable (bad header, short data, a 4D file among 3D volumes); its slot is a skipped frame.</summary>
    Corrupt,
    /// <summary>Arrived after it had been declared missing; logged and ignored.</summary>
    Late,
    /// <summary>A second file for an index already seen; logged, counted and ignored.</summary>
    Duplicate,
    /// <summary>A file whose name does not fit the run: its index is far beyond the next expected one
    /// (<see cref="Ingest.ExportWatcherOptions.MaxGapTrs"/>) or its series has already ended; logged and ignored.</summary>
    Stray,
    /// <summary>Its grid (dimensions or voxel size) differs from the run's first volume; its slot is a skipped frame.</summary>
    GridChanged,
    /// <summary>Same grid as the run's first volume but its affine moved beyond the tolerance (a new
    /// localiser or re-prescription); not decoded, its slot is a skipped frame.</summary>
    AffineChanged,
    /// <summary>Already in the export folder when the watch started; recorded, never processed; its slot is a skipped frame.</summary>
    SkippedExisting,
}

/// <summary>Helpers for <see cref="VolumeStatus"/>.</summary>
public static class VolumeStatusExtensions
{
    /// <summary>The name used in <c>volumes.tsv</c>, LSL markers and logs.</summary>
    public static string ToFileValue(this VolumeStatus status) => status switch
    {
        VolumeStatus.Ok => "ok",
        VolumeStatus.Missing => "missing",
        VolumeStatus.Corrupt => "corrupt",
        VolumeStatus.Late => "late",
        VolumeStatus.Duplicate => "duplicate",
        VolumeStatus.Stray => "stray",
        VolumeStatus.GridChanged => "grid-changed",
        VolumeStatus.AffineChanged => "affine-changed",
        VolumeStatus.SkippedExisting => "skipped-existing",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown volume status."),
    };

    /// <summary>True for the statuses that take a TR slot (all but late, duplicate and stray).</summary>
    public static bool OccupiesSlot(this VolumeStatus status) =>
        status is not (VolumeStatus.Late or VolumeStatus.Duplicate or VolumeStatus.Stray);
}
