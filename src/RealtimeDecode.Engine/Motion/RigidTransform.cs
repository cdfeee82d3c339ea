namespace RealtimeDecode.Engine.Motion;

/// <summary>
/// Six rigid-body parameters ↔ 4×4 matrix, in the convention of the motion parameters of this
/// project (and of fMRIPrep's confounds columns <c>trans_x trans_y trans_z rot_x rot_y rot_z</c>).
/// </summary>
/// <remarks>
/// Convention: world frame (RAS mm, from the volume's affine); translations in mm, rotations in
/// radians, right-handed, about the world origin. The map is
/// M = T(trans) · Rx(rot_x) · Ry(rot_y) · Rz(rot_z); it takes a point x of the reference to the point
/// M·x where volume v shows the same tissue, so volume v sampled at M·x reproduces the reference at x,
/// and a volume moved from a still one S is v(y) = S(M⁻¹·y).
/// Matrices are row-major 4×4 (16 doubles, last row 0 0 0 1). The parameter order is
/// [trans_x, trans_y, trans_z, rot_x, rot_y, rot_z].
/// </remarks>
public static class RigidTransform
{
    /// <summary>Number of parameters (3 translations, 3 rotations).</summary>
    public const int ParameterCount = 6;

    /// <summary>Writes M = T·Rx·Ry·Rz of <paramref name="parameters"/> (mm, rad) into <paramref name="matrix"/> (16, row-major).</summary>
    public static void ToMatrix(ReadOnlySpan<double> parameters, Span<double> matrix)
    {
        CheckLengths(parameters.Length, ParameterCount, nameof(parameters));
        CheckLengths(matrix.Length, 16, nameof(matrix));
        double ca = Math.Cos(parameters[3]), sa = Math.Sin(parameters[3]);
        double cb = Math.Cos(parameters[4]), sb = Math.Sin(parameters[4]);
        double cg = Math.Cos(parameters[5]), sg = Math.Sin(parameters[5]);
        // Rx·Ry·Rz expanded.
        matrix[0] = cb * cg; matrix[1] = -cb * sg; matrix[2] = sb; matrix[3] = parameters[0];
        matrix[4] = ca * sg + sa * sb * cg; matrix[5] = ca * cg - sa * sb * sg; matrix[6] = -sa * cb; matrix[7] = parameters[1];
        matrix[8] = sa * sg - ca * sb * cg; matrix[9] = sa * cg + ca * sb * sg; matrix[10] = ca * cb; matrix[11] = parameters[2];
        matrix[12] = 0; matrix[13] = 0; matrix[14] = 0; matrix[15] = 1;
    }

    /// <summary>
    /// Recovers the parameters of a rigid matrix made by <see cref="ToMatrix"/>. Unique for
    /// |rot_y| &lt; π/2 (head motion is a few degrees); rot_x and rot_z come back in (−π, π].
    /// </summary>
    public static void FromMatrix(ReadOnlySpan<double> matrix, Span<double> parameters)
    {
        CheckLengths(matrix.Length, 16, nameof(matrix));
        CheckLengths(parameters.Length, ParameterCount, nameof(parameters));
        parameters[0] = matrix[3];
        parameters[1] = matrix[7];
        parameters[2] = matrix[11];
        parameters[3] = Math.Atan2(-matrix[6], matrix[10]);
        parameters[4] = Math.Asin(Math.Clamp(matrix[2], -1, 1));
        parameters[5] = Math.Atan2(-matrix[1], matrix[0]);
    }

    /// <summary>Writes the inverse of a rigid matrix (Rᵀ, −Rᵀ·t); <paramref name="inverse"/> must not overlap <paramref name="matrix"/>.</summary>
    public static void Invert(ReadOnlySpan<double> matrix, Span<double> inverse)
    {
        CheckLengths(matrix.Length, 16, nameof(matrix));
        CheckLengths(inverse.Length, 16, nameof(inverse));
        for (int r = 0; r < 3; r++)
        {
            for (int c = 0; c < 3; c++) inverse[r * 4 + c] = matrix[c * 4 + r];
            inverse[r * 4 + 3] = -(matrix[r] * matrix[3] + matrix[4 + r] * matrix[7] + matrix[8 + r] * matrix[11]);
        }

        inverse[12] = 0; inverse[13] = 0; inverse[14] = 0; inverse[15] = 1;
    }

    /// <summary>Product a·b of two 4×4 row-major matrices into <paramref name="result"/> (which must not overlap either).</summary>
    public static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> result)
    {
        CheckLengths(a.Length, 16, nameof(a));
        CheckLengths(b.Length, 16, nameof(b));
        CheckLengths(result.Length, 16, nameof(result));
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
                result[r * 4 + c] = a[r * 4] * b[c] + a[r * 4 + 1] * b[4 + c] + a[r * 4 + 2] * b[8 + c] + a[r * 4 + 3] * b[12 + c];
    }

    /// <summary>The point M·(x, y, z) (mm).</summary>
    public static (double X, double Y, double Z) Apply(ReadOnlySpan<double> matrix, double x, double y, double z)
    {
        CheckLengths(matrix.Length, 16, nameof(matrix));
        return (matrix[0] * x + matrix[1] * y + matrix[2] * z + matrix[3],
                matrix[4] * x + matrix[5] * y + matrix[6] * z + matrix[7],
                matrix[8] * x + matrix[9] * y + matrix[10] * z + matrix[11]);
    }

    private static void CheckLengths(int actual, int expected, string name)
    {
        if (actual != expected) throw new ArgumentException($"Expected {expected} values, got {actual}.", name);
    }
}
