namespace RealtimeDecode.Engine.Motion;

/// <summary>
/// The six rigid-body parameters and the matrix they stand for.
/// </summary>
/// <remarks>
/// Convention (fMRIPrep's names, fixed meaning): parameters are
/// <c>[trans_x, trans_y, trans_z, rot_x, rot_y, rot_z]</c>, translations in mm and rotations in radians,
/// in the scanner's world frame (RAS mm, the volume's sform/qform). The rigid map
/// M = T(trans) · Rx(rot_x) · Ry(rot_y) · Rz(rot_z), right-handed rotations about the world origin,
/// takes a point x of the reference to the point M·x where volume v shows the same tissue
/// (volume v sampled at M·x reproduces the reference at x).
/// </remarks>
public static class RigidMotion
{
    /// <summary>Number of parameters.</summary>
    public const int ParameterCount = RigidTransform.ParameterCount;

    /// <summary>Column names in fMRIPrep's confounds layout, in parameter order.</summary>
    public static IReadOnlyList<string> ParameterNames { get; } = ["trans_x", "trans_y", "trans_z", "rot_x", "rot_y", "rot_z"];

    /// <summary>Writes the 3×3 rotation Rx·Ry·Rz (row-major) of <paramref name="p"/> into <paramref name="r"/>.</summary>
    public static void Rotation(ReadOnlySpan<double> p, Span<double> r)
    {
        Span<double> rx = stackalloc double[9], ry = stackalloc double[9], rz = stackalloc double[9], t = stackalloc double[9];
        RotX(p[3], rx); RotY(p[4], ry); RotZ(p[5], rz);
        Mul3(rx, ry, t);
        Mul3(t, rz, r);
    }

    /// <summary>
    /// Writes the rotation R of <paramref name="p"/> and its derivatives dR/drot_x, dR/drot_y, dR/drot_z
    /// (each 3×3 row-major) into <paramref name="r"/> and <paramref name="d"/> (27 values).
    /// </summary>
    public static void RotationAndDerivatives(ReadOnlySpan<double> p, Span<double> r, Span<double> d)
    {
        Span<double> rx = stackalloc double[9], ry = stackalloc double[9], rz = stackalloc double[9];
        Span<double> drx = stackalloc double[9], dry = stackalloc double[9], drz = stackalloc double[9], t = stackalloc double[9];
        RotX(p[3], rx); RotY(p[4], ry); RotZ(p[5], rz);
        DRotX(p[3], drx); DRotY(p[4], dry); DRotZ(p[5], drz);
        Mul3(rx, ry, t); Mul3(t, rz, r);
        Mul3(drx, ry, t); Mul3(t, rz, d[..9]);
        Mul3(rx, dry, t); Mul3(t, rz, d.Slice(9, 9));
        Mul3(rx, ry, t); Mul3(t, drz, d.Slice(18, 9));
    }

    /// <summary>The 4×4 matrix M (row-major, 16 values) of <paramref name="p"/>; see <see cref="RigidTransform.ToMatrix"/>.</summary>
    public static void Matrix(ReadOnlySpan<double> p, Span<double> m) => RigidTransform.ToMatrix(p, m);

    private static void RotX(double a, Span<double> m) { double c = Math.Cos(a), s = Math.Sin(a); Set(m, 1, 0, 0, 0, c, -s, 0, s, c); }
    private static void RotY(double a, Span<double> m) { double c = Math.Cos(a), s = Math.Sin(a); Set(m, c, 0, s, 0, 1, 0, -s, 0, c); }
    private static void RotZ(double a, Span<double> m) { double c = Math.Cos(a), s = Math.Sin(a); Set(m, c, -s, 0, s, c, 0, 0, 0, 1); }
    private static void DRotX(double a, Span<double> m) { double c = Math.Cos(a), s = Math.Sin(a); Set(m, 0, 0, 0, 0, -s, -c, 0, c, -s); }
    private static void DRotY(double a, Span<double> m) { double c = Math.Cos(a), s = Math.Sin(a); Set(m, -s, 0, c, 0, 0, 0, -c, 0, -s); }
    private static void DRotZ(double a, Span<double> m) { double c = Math.Cos(a), s = Math.Sin(a); Set(m, -s, -c, 0, c, -s, 0, 0, 0, 0); }

    private static void Set(Span<double> m, double a, double b, double c, double d, double e, double f, double g, double h, double i)
    {
        m[0] = a; m[1] = b; m[2] = c; m[3] = d; m[4] = e; m[5] = f; m[6] = g; m[7] = h; m[8] = i;
    }

    internal static void Mul3(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c)
    {
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                c[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
    }
}
