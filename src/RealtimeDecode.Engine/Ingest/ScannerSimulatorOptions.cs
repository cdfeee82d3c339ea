namespace RealtimeDecode.Engine.Ingest;

/// <summary>File format of a simulated real-time export.</summary>
public enum ExportFormat
{
    /// <summary>Siemens mosaics named <c>001_SSSSSS_VVVVVV.dcm</c> (series, 1-based volume number).</summary>
    Dicom,

    /// <summary>Single-volume NIfTI-1 files (float32) named <c>run-SS_vol_IIIIII.nii</c> (series, 0-based index).</summary>
    Nifti,
}

/// <summary>Options of <see cref="ScannerSimulator"/>; validated by its constructor.</summary>
public sealed record ScannerSimulatorOptions
{
    /// <summary>The export folder; created when missing.</summary>
    public required string Folder { get; init; }

    /// <summary>File format (default DICOM mosaics).</summary>
    public ExportFormat Format { get; init; } = ExportFormat.Dicom;

    /// <summary>Repetition time: one volume per TR at speed 1 (also written into the files).</summary>
    public required TimeSpan RepetitionTime { get; init; }

    /// <summary>Pacing: a factor of real time or max (back to back).</summary>
    public ReplaySpeed Speed { get; init; } = ReplaySpeed.RealTime;

    /// <summary>Faults to inject (default none).</summary>
    public FaultSpec Faults { get; init; } = FaultSpec.None;

    /// <summary>Seed of the fault draws, the corruption details and the series UID: the same seed gives the same files and log.</summary>
    public int Seed { get; init; }

    /// <summary>Scanner series number (DICOM file names and SeriesNumber); default 1.</summary>
    public int SeriesNumber { get; init; } = 1;

    /// <summary>Pieces each file is written in (default 4), each appended and flushed as one scheduler step.</summary>
    public int Chunks { get; init; } = 4;

    /// <summary>Time between two pieces of a file at speed 1 (default 50 ms; divided by the speed factor; zero at max).</summary>
    public TimeSpan ChunkGap { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Write each file under a hidden temporary name (<c>.NAME.tmp</c>) and rename it when whole
    /// (default false: the final name grows piece by piece). A partial file then stays under its temporary name.</summary>
    public bool WriteThenRename { get; init; }

    /// <summary>Injection log (TSV); null = <c>faults.tsv</c> in <see cref="Folder"/>.</summary>
    public string? FaultLogPath { get; init; }

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Folder)) throw new ArgumentOutOfRangeException(nameof(Folder), "The export folder must be given.");
        if (RepetitionTime <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RepetitionTime), $"The repetition time must be positive, got {RepetitionTime.TotalSeconds} s.");
        if (Speed.Factor <= 0 || double.IsNaN(Speed.Factor))
            throw new ArgumentOutOfRangeException(nameof(Speed), "The speed must be a positive factor or max.");
        if (Chunks is < 1 or > 1000) throw new ArgumentOutOfRangeException(nameof(Chunks), $"Files are written in 1 to 1000 pieces, got {Chunks}.");
        if (ChunkGap < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ChunkGap), "The gap between pieces cannot be negative.");
        if (SeriesNumber is < 0 or > 999999) throw new ArgumentOutOfRangeException(nameof(SeriesNumber), $"The series number must have at most 6 digits, got {SeriesNumber}.");
        ArgumentNullException.ThrowIfNull(Faults);
    }
}
