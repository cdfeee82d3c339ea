namespace RealtimeDecode.Engine.Ingest;

/// <summary>Options of <see cref="ExportFolderWatcher"/>; validated by its constructor.</summary>
public sealed record ExportWatcherOptions
{
    /// <summary>The scanner's real-time export folder; must exist.</summary>
    public required string Folder { get; init; }

    /// <summary>TR of the acquisition; the missing timeout is counted in TRs.</summary>
    public required TimeSpan RepetitionTime { get; init; }

    /// <summary>When set (a session given no TR), called on the watcher's scheduler with the first volume file the watch
    /// takes (before its run starts), and again with each next one taken for as long as it throws
    /// (<see cref="IOException"/>, <see cref="UnauthorizedAccessException"/>, <see cref="Imaging.InputDataException"/>: that file
    /// cannot be read): the positive TR (s) it returns replaces <see cref="RepetitionTime"/> for the rest of the watch,
    /// the run in progress included; null (the file states none) keeps it. Never called again once it returned.</summary>
    public Func<string, double?>? RepetitionTimeFromFirstFile { get; init; }

    /// <summary>A gap is declared missing this many TRs after a later volume arrived (default 3).</summary>
    public double MissingAfterTrs { get; init; } = 3;

    /// <summary>Most volumes that wait behind a gap before it is declared missing regardless (default 32).</summary>
    public int ReorderCapacity { get; init; } = 32;

    /// <summary>Largest jump (in volumes, i.e. TRs) of a file's index beyond the next expected one of its run
    /// (default 100). A file further ahead, such as <c>localizer_20241203.nii</c> read as volume 20,241,203, is a
    /// <see cref="Pipeline.VolumeStatus.Stray"/>: recorded and ignored, so a gap never spans more than this many
    /// volumes. The first file of a series counts from its first expected index (0, or after the files already
    /// there at start).</summary>
    public int MaxGapTrs { get; init; } = 100;

    /// <summary>Polling interval of the fallback scan (default 250 ms): catches events the file system
    /// watcher lost and re-checks files that were incomplete.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Also take the files already in the folder at start (default false: they are ignored).</summary>
    public bool IncludeExisting { get; init; }

    /// <summary>Listen to file system events (default true); false = polling only.</summary>
    public bool UseFileSystemEvents { get; init; } = true;

    /// <summary>File name pattern watched (default all files; names are then filtered by <see cref="KeyFromFile"/>).</summary>
    public string Filter { get; init; } = "*";

    /// <summary>Whether a file can be read yet: the NIfTI header-size check, the DICOM parse-to-end check, or
    /// (null, default) a <see cref="SizeStableCompleteness"/> check (size unchanged for one polling interval) as last
    /// resort. Called on the watcher's scheduler. Contract: return <see cref="FileCompleteness.Incomplete"/> for a file
    /// that is merely short (it is looked at again); throw <see cref="Imaging.InputDataException"/> for a file that is
    /// broken (it is then taken, and the read stage turns it into a corrupt slot).</summary>
    public Func<string, FileCompleteness>? Completeness { get; init; }

    /// <summary>Series and index of a file, or null to ignore it; default <see cref="ExportFileNames.Parse"/>.
    /// A DICOM-metadata reader can be passed instead when names do not carry them; it should throw
    /// <see cref="IOException"/> or <see cref="Imaging.InputDataException"/> while the file cannot be parsed yet
    /// (it is looked at again at the next poll) and return null only for files that are not volumes.</summary>
    public Func<string, VolumeKey?> KeyFromFile { get; init; } = ExportFileNames.Parse;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Folder)) throw new ArgumentOutOfRangeException(nameof(Folder), "The export folder must be given.");
        if (RepetitionTime <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RepetitionTime), $"The repetition time must be positive, got {RepetitionTime.TotalSeconds} s.");
        if (!(MissingAfterTrs > 0) || !double.IsFinite(MissingAfterTrs))
            throw new ArgumentOutOfRangeException(nameof(MissingAfterTrs), $"The missing timeout must be a positive number of TRs, got {MissingAfterTrs}.");
        if (ReorderCapacity <= 0)
            throw new ArgumentOutOfRangeException(nameof(ReorderCapacity), $"The reorder capacity must be at least 1, got {ReorderCapacity}.");
        if (MaxGapTrs <= 0)
            throw new ArgumentOutOfRangeException(nameof(MaxGapTrs), $"The largest gap must be at least 1 TR, got {MaxGapTrs}.");
        if (PollInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(PollInterval), $"The polling interval must be positive, got {PollInterval.TotalMilliseconds} ms.");
        ArgumentNullException.ThrowIfNull(KeyFromFile);
    }
}
