namespace RealtimeDecode.Engine.Pipeline;

/// <summary>Whether an <see cref="EstimateFrame"/> carries estimates.</summary>
public enum EstimateState
{
    /// <summary>The connectivity window is not full yet: no estimate.</summary>
    WarmingUp,
    /// <summary>Estimates are present.</summary>
    Ready,
    /// <summary>The model produced NaN or infinity: no estimate is published.</summary>
    NotFinite,
    /// <summary>The volume's realignment failed (<see cref="Motion.MotionEstimate.IsValid"/> false): it was left
    /// out of the preprocessing and the window, as a missing volume is, and has no estimate.</summary>
    MotionFailed,
}
