namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// A volume that was read and processed. While the connectivity window is still filling
/// (<see cref="IsWarmingUp"/>) there is no connectivity and no estimate; afterwards
/// <see cref="Estimates"/> holds one finite value per target, in the model's target order, unless the
/// model produced NaN or infinity (<see cref="NotFinite"/>): then <see cref="Estimates"/> is null, so
/// no sink publishes the values as numbers, and the recording marks the volume.
/// </summary>
public sealed record EstimateFrame(
    int Volume,
    double OnsetSeconds,
    string? File,
    FrameTiming Timing,
    RoiFrame Roi,
    ConnectivityFrame? Connectivity,
    double[]? Estimates)
    : PipelineFrame(Volume, OnsetSeconds, VolumeStatus.Ok, File, Timing)
{
    /// <summary>True when the model's output for this volume held NaN or infinity (then <see cref="Estimates"/> is null).</summary>
    public bool NotFinite { get; init; }

    /// <summary>The volume's head motion when the session realigns, else null.</summary>
    public Motion.MotionEstimate? Motion { get; init; }

    /// <summary>True when the estimate's window holds a high-motion volume (FD above the session's threshold).</summary>
    public bool Censored { get; init; }

    /// <summary>The newest high-motion volume in the estimate's window, or null.</summary>
    public int? HighMotionVolume { get; init; }

    /// <summary>True when the participant display must not show this estimate's value.</summary>
    public bool Withheld { get; init; }

    /// <summary>True until the first window is full: no connectivity, no estimate.</summary>
    public bool IsWarmingUp => Estimates is null && !NotFinite;

    /// <summary><see cref="EstimateState.WarmingUp"/>, <see cref="EstimateState.Ready"/> or <see cref="EstimateState.NotFinite"/>.</summary>
    public EstimateState State => NotFinite ? EstimateState.NotFinite : IsWarmingUp ? EstimateState.WarmingUp : EstimateState.Ready;
}
