using RealtimeDecode.Engine.Motion;

namespace RealtimeDecode.Engine.Preprocessing;

/// <summary>
/// Expands six rigid motion parameters per volume into 6, 12 or 24 nuisance regressors, as fMRIPrep
/// and nilearn define them: the parameters; plus their backward derivatives (<c>_derivative1</c>,
/// x[t] − x[t−1], 0 for the first volume); plus the squares of those twelve (<c>_power2</c>,
/// <c>_derivative1_power2</c>: Friston et al. 1996, "Friston 24").
/// </summary>
/// <remarks>
/// Column order is blockwise: the 6 parameters, then the 6 derivatives, then the 6 squared
/// parameters, then the 6 squared derivatives (names in <see cref="ColumnNames"/>); parameters in
/// <see cref="RigidTransform"/> order and units (mm, rad). The online <see cref="Push"/> and the
/// batch <see cref="Expand"/> give identical values. A NaN parameter gives NaN in the columns that
/// use it (and in the next volume's derivative). One parameter set of state, allocated once.
/// </remarks>
public sealed class MotionRegressors
{
    private readonly double[] _previous = new double[RigidTransform.ParameterCount];
    private bool _hasPrevious;

    /// <summary>Creates the kernel for <paramref name="count"/> regressors: 6, 12 or 24.</summary>
    public MotionRegressors(int count)
    {
        if (count is not (6 or 12 or 24)) throw new ArgumentOutOfRangeException(nameof(count), $"Motion regressors come in 6, 12 or 24, got {count}.");
        Count = count;
    }

    /// <summary>Regressors per volume (6, 12 or 24).</summary>
    public int Count { get; }

    /// <summary>fMRIPrep's names of the columns, in output order.</summary>
    public static IReadOnlyList<string> ColumnNames(int count)
    {
        if (count is not (6 or 12 or 24)) throw new ArgumentOutOfRangeException(nameof(count), $"Motion regressors come in 6, 12 or 24, got {count}.");
        string[] p = ["trans_x", "trans_y", "trans_z", "rot_x", "rot_y", "rot_z"];
        var names = new List<string>(p);
        if (count >= 12) names.AddRange(p.Select(n => n + "_derivative1"));
        if (count == 24)
        {
            names.AddRange(p.Select(n => n + "_power2"));
            names.AddRange(p.Select(n => n + "_derivative1_power2"));
        }

        return names;
    }

    /// <summary>Forgets the previous volume (the next one is a first volume again).</summary>
    public void Reset() => _hasPrevious = false;

    /// <summary>Adds one volume's six parameters and writes its <see cref="Count"/> regressors.</summary>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void Push(ReadOnlySpan<double> parameters, Span<double> output)
    {
        const int p = RigidTransform.ParameterCount;
        Check.Length(parameters.Length, p, nameof(parameters), "parameters");
        Check.Length(output.Length, Count, nameof(output), "regressors");
        for (int k = 0; k < p; k++)
        {
            double x = parameters[k];
            double d = _hasPrevious ? x - _previous[k] : 0;
            _previous[k] = x;
            output[k] = x;
            if (Count >= 12) output[p + k] = d;
            if (Count == 24)
            {
                output[2 * p + k] = x * x;
                output[3 * p + k] = d * d;
            }
        }

        _hasPrevious = true;
    }

    /// <summary>
    /// Batch expansion of a run: <paramref name="parameters"/> holds T rows of 6 (rows = volumes),
    /// <paramref name="output"/> T rows of <paramref name="count"/>.
    /// </summary>
    public static void Expand(ReadOnlySpan<double> parameters, int count, Span<double> output)
    {
        const int p = RigidTransform.ParameterCount;
        var k = new MotionRegressors(count);
        if (parameters.Length % p != 0) throw new ArgumentException($"Expected rows of {p} parameters, got {parameters.Length} values.", nameof(parameters));
        int t = parameters.Length / p;
        Check.Length(output.Length, t * count, nameof(output), "values (volumes × regressors)");
        for (int v = 0; v < t; v++) k.Push(parameters.Slice(v * p, p), output.Slice(v * count, count));
    }
}
