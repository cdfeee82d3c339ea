using System.ComponentModel.DataAnnotations;

namespace RealtimeDecode.Host.Configuration;

/// <summary>Live-session settings (section <c>Live</c>); <c>live</c>'s options override them.</summary>
internal sealed class LiveOptions
{
    /// <summary>Export format: auto, nifti or dicom.</summary>
    [RegularExpression("^(auto|nifti|dicom)$", ErrorMessage = "Format must be auto, nifti or dicom")]
    public string Format { get; set; } = "auto";

    /// <summary>Repetition time (s) of the series, as <c>--tr</c>; null: the first volume's header, else 2 s; 0.001 ≤ TR ≤ <see cref="Commands.CliOptions.MaxTrSeconds"/>.</summary>
    [Range(1e-3, Commands.CliOptions.MaxTrSeconds, ErrorMessage = "Tr must be a number of seconds from 0.001 to 60")]
    public double? Tr { get; set; }

    /// <summary>TRs to wait for a volume after a later one arrived before it is marked missing; 0.001 ≤ n ≤ <see cref="Commands.CliOptions.MaxMissingAfterTrs"/>.</summary>
    [Range(1e-3, Commands.CliOptions.MaxMissingAfterTrs, ErrorMessage = "MissingAfterTrs must be a number of TRs from 0.001 to 1000")]
    public double MissingAfterTrs { get; set; } = 3;

    /// <summary>How often the export folder is listed besides its change events (ms); 1 to 60000.</summary>
    [Range(1, 60_000, ErrorMessage = "PollIntervalMs must be a whole number of milliseconds from 1 to 60000")]
    public int PollIntervalMs { get; set; } = 200;

    /// <summary>A file numbered more than this many volumes beyond the next expected one is recorded <c>stray</c> and ignored; 1 to 100000.</summary>
    [Range(1, 100_000, ErrorMessage = "MaxGapTrs must be a whole number of volumes from 1 to 100000")]
    public int MaxGapTrs { get; set; } = 100;

    /// <summary>
    /// Largest shift (mm) of any corner of the grid from the run's first volume still decoded as the same position;
    /// beyond it a volume is recorded <c>affine-changed</c> and not decoded. 0.001 to <see cref="MaxAffineToleranceMm"/>.
    /// </summary>
    [Range(1e-3, MaxAffineToleranceMm, ErrorMessage = "AffineToleranceMm must be a number of mm from 0.001 to 100")]
    public double AffineToleranceMm { get; set; } = 1;

    /// <summary>Largest <see cref="AffineToleranceMm"/> (mm): beyond it a re-prescribed slab would pass unnoticed.</summary>
    public const double MaxAffineToleranceMm = 100;

    /// <summary>Also process files already in the folder at start.</summary>
    public bool IncludeExisting { get; set; }
}
