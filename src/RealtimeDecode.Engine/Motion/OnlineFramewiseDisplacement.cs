namespace RealtimeDecode.Engine.Motion;

/// <summary>
/// Framewise displacement one volume at a time (<see cref="FramewiseDisplacement.Between"/>: Power et al.
/// 2012, rotations on a <see cref="FramewiseDisplacement.HeadRadiusMm"/> mm sphere). The first volume of
/// a series gets 0.
/// </summary>
/// <remarks>
/// A volume whose parameters are NaN (the estimate failed) gets NaN and does not become the
/// previous volume: the next valid volume is differenced against the last valid one, so a single
/// failed volume does not hide the motion across it.
/// </remarks>
public sealed class OnlineFramewiseDisplacement
{
    private readonly double[] _previous = new double[RigidTransform.ParameterCount];
    private bool _hasPrevious;

    /// <summary>FD (mm) of one volume from its six parameters.</summary>
    public double Push(ReadOnlySpan<double> parameters)
    {
        if (parameters.Length != RigidTransform.ParameterCount)
            throw new ArgumentException($"Expected {RigidTransform.ParameterCount} parameters, got {parameters.Length}.", nameof(parameters));
        foreach (double v in parameters) if (!double.IsFinite(v)) return double.NaN;
        double fd = _hasPrevious ? FramewiseDisplacement.Between(_previous, parameters) : 0;
        parameters.CopyTo(_previous);
        _hasPrevious = true;
        return fd;
    }

    /// <summary>Starts a new series: the next volume gets 0.</summary>
    public void Reset() => _hasPrevious = false;
}
