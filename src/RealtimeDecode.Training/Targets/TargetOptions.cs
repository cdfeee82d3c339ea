using System.Globalization;

namespace RealtimeDecode.Training.Targets;

/// <summary>The time within a volume's TR at which it is taken to be acquired.</summary>
public enum AcquisitionTime
{
    /// <summary>Volume v is acquired at v·TR (its onset; the BIDS convention for events, no slice-timing correction).</summary>
    Start,
    /// <summary>Volume v is acquired at (v + 0.5)·TR (the middle slice of an interleaved or ascending acquisition).</summary>
    Middle,
}

/// <summary>What a volume takes when no segment covers its time.</summary>
public enum FillPolicy
{
    /// <summary>Inside the story (a pause between segments) the preceding segment's scores; before the first onset or from the last offset on, 0.</summary>
    Hold,
    /// <summary>0 whenever no segment covers the time: no speech, no rated emotion.</summary>
    Zero,
    /// <summary>NaN (written n/a) whenever no segment covers the time; NaN spreads through the HRF and the rolling mean.</summary>
    Missing,
}

/// <summary>How the rolling mean's window sits around each volume.</summary>
public enum SmoothWindow
{
    /// <summary>Volumes v − floor(K/2) … v + ceil(K/2) − 1 (for K = 3: v−1, v, v+1): no shift in time.</summary>
    Centered,
    /// <summary>Volumes v − K + 1 … v: causal, delays the targets by (K − 1)/2 volumes.</summary>
    Trailing,
}

/// <summary>The haemodynamic model applied to the stepwise scores.</summary>
public enum HrfModel
{
    /// <summary>No convolution (a pure lag, possibly 0).</summary>
    None,
    /// <summary>SPM's canonical double-gamma HRF (<see cref="CanonicalHrf"/>).</summary>
    Spm,
}

/// <summary>
/// How annotations become per-TR regression targets (see <see cref="TargetBuilder"/>).
/// </summary>
public sealed record TargetOptions
{
    /// <summary>Repetition time, seconds.</summary>
    public required double Tr { get; init; }

    /// <summary>Number of volumes in the run (rows of the output).</summary>
    public required int Volumes { get; init; }

    /// <summary>Haemodynamic lag in seconds (≥ 0): volume v takes the scores at time t_v − lag. Exclusive with <see cref="Hrf"/>.</summary>
    public double LagSeconds { get; init; }

    public HrfModel Hrf { get; init; } = HrfModel.None;

    /// <summary>Rolling-mean width in volumes; 1 = none.</summary>
    public int Smooth { get; init; } = 1;

    public SmoothWindow SmoothWindow { get; init; } = SmoothWindow.Centered;

    /// <summary>Standardise each column (mean 0, SD 1 with the N normaliser, NaN ignored).</summary>
    public bool ZScore { get; init; }

    public FillPolicy Fill { get; init; } = FillPolicy.Hold;

    public AcquisitionTime Acquisition { get; init; } = AcquisitionTime.Start;

    /// <summary>
    /// Slice-timing reference as a fraction of the TR in [0, 1] (fMRIPrep's <c>--slice-time-ref</c>,
    /// SPM's microtime onset T0/T): volume v is acquired at (v + f)·TR. Overrides <see cref="Acquisition"/>; null = use it.
    /// </summary>
    public double? SliceTimeReference { get; init; }

    /// <summary>Seconds from the start of a volume's TR to its acquisition time: 0, TR/2 or f·TR.</summary>
    public double AcquisitionOffsetSeconds => SliceTimeReference is { } f ? f * Tr : Acquisition == AcquisitionTime.Middle ? 0.5 * Tr : 0.0;

    /// <summary>The acquisition time in words, for sidecars and reports.</summary>
    public string AcquisitionDescription => SliceTimeReference is { } f
        ? string.Create(CultureInfo.InvariantCulture, $"slice-timing reference {f:0.####} of the TR: (v + {f:0.####}) * TR")
        : Acquisition == AcquisitionTime.Middle ? "middle of TR: (v + 0.5) * TR" : "start of TR: v * TR";

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> with a readable message for a bad option.</summary>
    public void Validate()
    {
        if (!(Tr > 0) || !double.IsFinite(Tr)) throw new ArgumentOutOfRangeException(nameof(Tr), $"--tr must be a positive number of seconds, got {Tr.ToString(CultureInfo.InvariantCulture)}");
        if (Volumes < 1) throw new ArgumentOutOfRangeException(nameof(Volumes), $"--volumes must be at least 1, got {Volumes}");
        if (!(LagSeconds >= 0) || !double.IsFinite(LagSeconds)) throw new ArgumentOutOfRangeException(nameof(LagSeconds), $"--lag must be a non-negative number of seconds, got {LagSeconds.ToString(CultureInfo.InvariantCulture)}");
        if (LagSeconds > 0 && Hrf != HrfModel.None) throw new ArgumentOutOfRangeException(nameof(LagSeconds), "--lag and --hrf exclude each other: the HRF already models the delay");
        if (SliceTimeReference is { } f && !(f >= 0 && f <= 1))
            throw new ArgumentOutOfRangeException(nameof(SliceTimeReference), $"--acquisition as a slice-timing reference must be a fraction of the TR in [0, 1], got {f.ToString(CultureInfo.InvariantCulture)}");
        if (Smooth < 1) throw new ArgumentOutOfRangeException(nameof(Smooth), $"--smooth must be at least 1 volume, got {Smooth}");
    }
}
