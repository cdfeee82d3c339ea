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
}
