using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Training.Synthesis;

/// <summary>
/// Moves a volume rigidly with cubic B-spline interpolation (Unser 1999): v(y) = S(M⁻¹·y) in world
/// coordinates (<see cref="RigidTransform"/> convention), converted to voxel indices through the
/// grid's affine.
/// </summary>
/// <remarks>
/// Numeric contract: float64 throughout; the B-spline coefficients come from the exact recursive
/// prefilter (pole √3 − 2) with whole-sample mirror boundaries, and samples outside the grid are
/// mirrored too — the same as scipy.ndimage.affine_transform(order=3, mode="mirror"). Layout x
/// fastest. Buffers are allocated once in the constructor; one instance is not thread-safe.
/// </remarks>
internal sealed class CubicBSplineResampler
{
    private static readonly double Pole = Math.Sqrt(3) - 2;
    private readonly int _nx, _ny, _nz;
    private readonly double[] _affine = new double[16];
    private readonly double[] _affineInverse = new double[16];
    private readonly double[] _coefficients;
    private readonly double[] _line;
    private readonly double[] _scratch = new double[16];
    private readonly double[] _scratch2 = new double[16];
    private readonly double[] _voxelMap = new double[16];

    /// <summary>Creates the resampler for a grid of <paramref name="nx"/>×<paramref name="ny"/>×<paramref name="nz"/> voxels with a voxel-to-world affine.</summary>
    public CubicBSplineResampler(int nx, int ny, int nz, Affine affine)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nx);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ny);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nz);
        (_nx, _ny, _nz) = (nx, ny, nz);
        affine.Values.CopyTo(_affine);
        InvertAffine(_affine, _affineInverse);
        _coefficients = new double[nx * ny * nz];
        _line = new double[Math.Max(nx, Math.Max(ny, nz))];
    }

    /// <summary>
    /// Writes into <paramref name="output"/> the volume <paramref name="still"/> moved by the rigid
    /// world map <paramref name="motion"/> (16 values, row-major, from <see cref="RigidTransform.ToMatrix"/>).
    /// </summary>
    public void Move(ReadOnlySpan<float> still, ReadOnlySpan<double> motion, Span<float> output)
    {
        int n = _coefficients.Length;
        if (still.Length != n || output.Length != n) throw new ArgumentException($"Expected {n} voxels, got {still.Length} in and {output.Length} out.");
        // Voxel map V = A⁻¹ · M⁻¹ · A: output voxel index → source voxel index.
        RigidTransform.Invert(motion, _scratch);
        RigidTransform.Multiply(_scratch, _affine, _scratch2);
        RigidTransform.Multiply(_affineInverse, _scratch2, _voxelMap);

        for (int i = 0; i < n; i++) _coefficients[i] = still[i];
        Prefilter();
        var m = _voxelMap;
        Span<int> ix = stackalloc int[4], iy = stackalloc int[4], iz = stackalloc int[4];
        Span<double> wx = stackalloc double[4], wy = stackalloc double[4], wz = stackalloc double[4];
        int o = 0;
        for (int k = 0; k < _nz; k++)
            for (int j = 0; j < _ny; j++)
                for (int i = 0; i < _nx; i++, o++)
                {
                    double sx = m[0] * i + m[1] * j + m[2] * k + m[3];
                    double sy = m[4] * i + m[5] * j + m[6] * k + m[7];
                    double sz = m[8] * i + m[9] * j + m[10] * k + m[11];
                    Taps(sx, _nx, ix, wx);
                    Taps(sy, _ny, iy, wy);
                    Taps(sz, _nz, iz, wz);
                    double acc = 0;
                    for (int c = 0; c < 4; c++)
                    {
                        int zo = iz[c] * _ny;
                        for (int b = 0; b < 4; b++)
                        {
                            int row = (zo + iy[b]) * _nx;
                            double s = 0;
                            for (int a = 0; a < 4; a++) s += wx[a] * _coefficients[row + ix[a]];
                            acc += wz[c] * wy[b] * s;
                        }
                    }

                    output[o] = (float)acc;
                }
    }

    private static void Taps(double s, int n, Span<int> index, Span<double> weight)
    {
        double f = Math.Floor(s);
        double t = s - f;
        int i0 = (int)f - 1;
        double u = 1 - t, t2 = t * t, t3 = t2 * t;
        weight[0] = u * u * u / 6;
        weight[1] = (3 * t3 - 6 * t2 + 4) / 6;
        weight[2] = (-3 * t3 + 3 * t2 + 3 * t + 1) / 6;
        weight[3] = t3 / 6;
        for (int a = 0; a < 4; a++) index[a] = Mirror(i0 + a, n);
    }

    /// <summary>Whole-sample mirror: …, 2, 1, [0, 1, …, n−1], n−2, …</summary>
    private static int Mirror(int k, int n)
    {
        if (n == 1) return 0;
        int period = 2 * (n - 1);
        k %= period;
        if (k < 0) k += period;
        return k >= n ? period - k : k;
    }

    private void Prefilter()
    {
        var c = _coefficients;
        int sx = 1, sy = _nx, sz = _nx * _ny;
        for (int k = 0; k < _nz; k++)
            for (int j = 0; j < _ny; j++) FilterLine(c, k * sz + j * sy, sx, _nx);
        for (int k = 0; k < _nz; k++)
            for (int i = 0; i < _nx; i++) FilterLine(c, k * sz + i, sy, _ny);
        for (int j = 0; j < _ny; j++)
            for (int i = 0; i < _nx; i++) FilterLine(c, j * sy + i, sz, _nz);
    }

    private void FilterLine(double[] data, int start, int stride, int n)
    {
        if (n == 1) return;
        var c = _line.AsSpan(0, n);
        for (int i = 0; i < n; i++) c[i] = 6 * data[start + i * stride];   // gain (1 − z)(1 − 1/z) = 6
        double z = Pole;
        // Exact causal initialisation for the whole-sample mirror extension.
        double zn1 = Math.Pow(z, n - 1), zi = z, c0 = c[0] + zn1 * c[n - 1];
        for (int i = 1; i < n - 1; i++) { c0 += zi * (c[i] + zn1 * c[n - 1 - i]); zi *= z; }
        c[0] = c0 / (1 - zn1 * zn1);
        for (int i = 1; i < n; i++) c[i] += z * c[i - 1];
        c[n - 1] = z / (z * z - 1) * (z * c[n - 2] + c[n - 1]);
        for (int i = n - 2; i >= 0; i--) c[i] = z * (c[i + 1] - c[i]);
        for (int i = 0; i < n; i++) data[start + i * stride] = c[i];
    }

    private static void InvertAffine(ReadOnlySpan<double> a, Span<double> inv)
    {
        double a00 = a[0], a01 = a[1], a02 = a[2], a10 = a[4], a11 = a[5], a12 = a[6], a20 = a[8], a21 = a[9], a22 = a[10];
        double det = a00 * (a11 * a22 - a12 * a21) - a01 * (a10 * a22 - a12 * a20) + a02 * (a10 * a21 - a11 * a20);
        if (Math.Abs(det) < 1e-12) throw new ArgumentException("The affine is singular.", nameof(a));
        inv[0] = (a11 * a22 - a12 * a21) / det; inv[1] = (a02 * a21 - a01 * a22) / det; inv[2] = (a01 * a12 - a02 * a11) / det;
        inv[4] = (a12 * a20 - a10 * a22) / det; inv[5] = (a00 * a22 - a02 * a20) / det; inv[6] = (a02 * a10 - a00 * a12) / det;
        inv[8] = (a10 * a21 - a11 * a20) / det; inv[9] = (a01 * a20 - a00 * a21) / det; inv[10] = (a00 * a11 - a01 * a10) / det;
        for (int r = 0; r < 3; r++) inv[r * 4 + 3] = -(inv[r * 4] * a[3] + inv[r * 4 + 1] * a[7] + inv[r * 4 + 2] * a[11]);
        inv[12] = 0; inv[13] = 0; inv[14] = 0; inv[15] = 1;
    }
}
