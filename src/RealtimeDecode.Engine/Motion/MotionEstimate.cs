namespace RealtimeDecode.Engine.Motion;

/// <summary>
/// The motion of one volume: the six parameters of <see cref="RigidMotion"/> (trans mm, rot radians;
/// NaN when <see cref="Status"/> is not <see cref="RealignStatus.Converged"/>), framewise displacement
/// (mm, Power 2012, 0 for the first volume of a series, NaN for a failed volume) and the estimate's status.
/// </summary>
public sealed record MotionEstimate(int Volume, double[] Parameters, double FramewiseDisplacement, RealignStatus Status, int Iterations)
{
    /// <summary>True when the parameters are valid.</summary>
    public bool IsValid => Status == RealignStatus.Converged;
}
