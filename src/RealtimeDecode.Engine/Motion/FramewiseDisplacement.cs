namespace RealtimeDecode.Engine.Motion;

/// <summary>
/// Framewise displacement after Power et al. (2012): the sum of the absolute backward differences of
/// the six rigid parameters (<see cref="RigidTransform"/> order: mm, mm, mm, rad, rad, rad), the
/// rotations converted to arc length in mm on a sphere of <see cref="HeadRadiusMm"/> mm.
/// </summary>
/// <remarks>FD of the first volume is 0 (fMRIPrep writes n/a there). NaN parameters give NaN.</remarks>
public static class FramewiseDisplacement
{
    /// <summary>Radius of the head sphere (mm) that turns radians into mm.</summary>
    public const double HeadRadiusMm = 50.0;

    /// <summary>FD between two consecutive parameter sets (mm).</summary>
    public static double Between(ReadOnlySpan<double> previous, ReadOnlySpan<double> current)
    {
        if (previous.Length != RigidTransform.ParameterCount || current.Length != RigidTransform.ParameterCount)
            throw new ArgumentException($"Expected {RigidTransform.ParameterCount} parameters, got {previous.Length} and {current.Length}.");
        double fd = 0;
        for (int k = 0; k < 3; k++) fd += Math.Abs(current[k] - previous[k]);
        for (int k = 3; k < 6; k++) fd += HeadRadiusMm * Math.Abs(current[k] - previous[k]);
        return fd;
    }

    /// <summary>
    /// FD of a whole run: <paramref name="parameters"/> holds T rows of 6 (row-major, rows = volumes),
    /// <paramref name="fd"/> receives T values, 0 for the first.
    /// </summary>
    public static void Compute(ReadOnlySpan<double> parameters, Span<double> fd)
    {
        const int p = RigidTransform.ParameterCount;
        if (parameters.Length % p != 0 || parameters.Length / p != fd.Length)
            throw new ArgumentException($"Expected {fd.Length} rows of {p} parameters, got {parameters.Length} values.", nameof(parameters));
        for (int t = 0; t < fd.Length; t++)
            fd[t] = t == 0 ? 0 : Between(parameters.Slice((t - 1) * p, p), parameters.Slice(t * p, p));
    }
}
