namespace RealtimeDecode.Imaging;

/// <summary>
/// A 4×4 voxel-to-world affine (millimetres, RAS+ as NIfTI's qform/sform), stored row-major.
/// World = A · [i, j, k, 1]ᵀ with i the fastest-varying voxel axis.
/// </summary>
public sealed class Affine : IEquatable<Affine>
{
    private readonly double[] _m;

    /// <summary>Creates an affine from 16 row-major values (the last row should be 0 0 0 1).</summary>
    public Affine(ReadOnlySpan<double> rowMajor)
    {
        if (rowMajor.Length != 16)
            throw new ArgumentOutOfRangeException(nameof(rowMajor), $"An affine has 16 values, got {rowMajor.Length}.");
        _m = rowMajor.ToArray();
    }

    /// <summary>The identity affine (1 mm isotropic voxels at the origin).</summary>
    public static Affine Identity => Diagonal(1, 1, 1);

    /// <summary>A scaling affine with the given voxel sizes (mm) and an optional translation.</summary>
    public static Affine Diagonal(double dx, double dy, double dz, double tx = 0, double ty = 0, double tz = 0) =>
        new([dx, 0, 0, tx, 0, dy, 0, ty, 0, 0, dz, tz, 0, 0, 0, 1]);

    /// <summary>Element at row <paramref name="row"/>, column <paramref name="col"/>.</summary>
    public double this[int row, int col] => _m[row * 4 + col];

    /// <summary>The 16 values, row-major.</summary>
    public ReadOnlySpan<double> Values => _m;

    /// <summary>Largest absolute difference between corresponding elements.</summary>
    public double MaxAbsDifference(Affine other)
    {
        double max = 0;
        for (int i = 0; i < 16; i++) max = Math.Max(max, Math.Abs(_m[i] - other._m[i]));
        return max;
    }

    /// <summary>True when every element differs by at most <paramref name="tolerance"/>.</summary>
    public bool ApproximatelyEquals(Affine other, double tolerance) => MaxAbsDifference(other) <= tolerance;

    /// <inheritdoc />
    public bool Equals(Affine? other) => other is not null && _m.AsSpan().SequenceEqual(other._m);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Affine a && Equals(a);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var v in _m) h.Add(v);
        return h.ToHashCode();
    }

    /// <summary>Rows as "[a b c d; ...]" with 4 decimals, for error messages.</summary>
    public override string ToString() =>
        "[" + string.Join("; ", Enumerable.Range(0, 4).Select(r =>
            string.Join(" ", Enumerable.Range(0, 4).Select(c => this[r, c].ToString("0.####", System.Globalization.CultureInfo.InvariantCulture))))) + "]";
}
