namespace RealtimeDecode.Engine.Motion;

/// <summary>Interpolation used to reslice a volume onto the reference grid.</summary>
public enum ResliceInterpolation
{
    /// <summary>Trilinear (8 neighbours).</summary>
    Trilinear,
    /// <summary>Cubic B-spline (64 neighbours, on prefiltered coefficients, mirror boundaries).</summary>
    CubicSpline,
}
