using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Imaging.Tests.Support;

/// <summary>Deterministic volumes and affines for the tests.</summary>
internal static class TestData
{
    /// <summary>An oblique affine: rotation · diag(zooms), optionally with a negative determinant.</summary>
    public static Affine Oblique(bool flip, double dx = 2, double dy = 2.5, double dz = 3)
    {
        double ax = 0.1, ay = -0.2, az = 0.3;
        double[,] rx = { { 1, 0, 0 }, { 0, Math.Cos(ax), -Math.Sin(ax) }, { 0, Math.Sin(ax), Math.Cos(ax) } };
        double[,] ry = { { Math.Cos(ay), 0, Math.Sin(ay) }, { 0, 1, 0 }, { -Math.Sin(ay), 0, Math.Cos(ay) } };
        double[,] rz = { { Math.Cos(az), -Math.Sin(az), 0 }, { Math.Sin(az), Math.Cos(az), 0 }, { 0, 0, 1 } };
        var r = Mul(rz, Mul(ry, rx));
        double[] z = [dx, dy, flip ? -dz : dz];
        double[] t = [-90.5, 60.25, -12];
        var m = new double[16];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++) m[4 * i + j] = r[i, j] * z[j];
            m[4 * i + 3] = t[i];
        }
        m[15] = 1;
        return new Affine(m);
    }

    private static double[,] Mul(double[,] a, double[,] b)
    {
        var c = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 3; k++) c[i, j] += a[i, k] * b[k, j];
        return c;
    }

    /// <summary>
    /// nx·ny·nz values that <paramref name="type"/> stores exactly: integers inside the type's range
    /// (within ±2^24 so float32 holds them) for integer types, arbitrary floats otherwise.
    /// </summary>
    public static float[] Values(NiftiDataType type, int count, int seed)
    {
        var rng = new Random(seed);
        var v = new float[count];
        (double lo, double hi) = type switch
        {
            NiftiDataType.UInt8 => (0, 255),
            NiftiDataType.Int8 => (-128, 127),
            NiftiDataType.Int16 => (-32768, 32767),
            NiftiDataType.UInt16 => (0, 65535),
            NiftiDataType.Int32 or NiftiDataType.Int64 => (-(1 << 24), 1 << 24),
            NiftiDataType.UInt32 or NiftiDataType.UInt64 => (0, 1 << 24),
            _ => (double.NaN, double.NaN),
        };
        for (int i = 0; i < count; i++)
        {
            if (double.IsNaN(lo)) v[i] = (float)((rng.NextDouble() - 0.5) * 2000);
            else v[i] = (float)Math.Round(lo + rng.NextDouble() * (hi - lo));
        }
        if (!double.IsNaN(lo)) { v[0] = (float)lo; v[1] = (float)hi; }
        return v;
    }
}
