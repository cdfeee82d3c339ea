namespace RealtimeDecode.Engine.Motion;

/// <summary>
/// Framewise displacement as Power et al. (2012): the sum of the absolute backward differences of the
/// six rigid parameters, rotations (radians) converted to arc length on a sphere of
/// <see cref="RadiusMm"/> (50 mm by default). The first volume of a series gets 0.
/// </summary>
/// <remarks>
/// A volume whose parameters are NaN (the estimate failed) gets NaN and does not become the
/// previous volume: the next valid volume is differenced against the last valid one, so a single
/// failed volume does not hide the motion across it.
/// </remarks>
public sealed class OnlineFramewiseDisplacement
{
    private readonly double[] _previous = new double[RigidMotion.ParameterCount];
    private bool _hasPrevious;

    /// <summary>Creates the kernel with the sphere radius in mm.</summary>
    public OnlineFramewiseDisplacement(double radiusMm = 50)
    {
        if (!(radiusMm > 0)) throw new ArgumentOutOfRangeException(nameof(radiusMm), $"The sphere radius must be positive, got {radiusMm}.");
        RadiusMm = radiusMm;
    }

    /// <summary>Radius (mm) on which rotations are converted to displacements.</summary>
    public double RadiusMm { get; }

    /// <summary>FD (mm) of one volume from its six parameters.</summary>
    public double Push(ReadOnlySpan<double> parameters)
    {
        if (parameters.Length != RigidMotion.ParameterCount)
            throw new ArgumentException($"Expected {RigidMotion.ParameterCount} parameters, got {parameters.Length}.", nameof(parameters));
        foreach (double v in parameters) if (!double.IsFinite(v)) return double.NaN;
        double fd = 0;
        if (_hasPrevious)
        {
            for (int i = 0; i < 3; i++) fd += Math.Abs(parameters[i] - _previous[i]);
            for (int i = 3; i < 6; i++) fd += RadiusMm * Math.Abs(parameters[i] - _previous[i]);
        }
        parameters.CopyTo(_previous);
        _hasPrevious = true;
        return fd;
    }

    /// <summary>Starts a new series: the next volume gets 0.</summary>
    public void Reset() => _hasPrevious = false;
}
