namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// A volume that was read and processed. While the connectivity window is still filling
/// (<see cref="IsWarmingUp"/>) there is no connectivity and no estimate; afterwards
/// <see cref="Estimates"/> holds one value per target, in the model's target order.
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
    /// <summary>The volume's head motion when the session realigns, else null.</summary>
    public Motion.MotionEstimate? Motion { get; init; }

    /// <summary>True until the first window is full: no connectivity, no estimate.</summary>
    public bool IsWarmingUp => Estimates is null;

    /// <summary><see cref="EstimateState.WarmingUp"/> or <see cref="EstimateState.Ready"/>.</summary>
    public EstimateState State => IsWarmingUp ? EstimateState.WarmingUp : EstimateState.Ready;
}
