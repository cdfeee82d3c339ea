using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Motion;

/// <summary>
/// Rigid-body realignment of volumes to a reference on one grid: estimates the six parameters of
/// <see cref="RigidMotion"/> and reslices a volume onto the reference grid.
/// </summary>
/// <remarks>
/// Estimate (the Gauss-Newton scheme of SPM's realign, on intensity differences): the reference and
/// each volume are smoothed with an isotropic Gaussian (FWHM in mm, per-axis sigma from the voxel sizes,
/// truncated at 3 sigma and renormalised at the grid's edges). Reference points are the voxels whose
/// smoothed intensity passes the intensity mask (see <see cref="RealignOptions.MaskFraction"/>), taken
/// on coarse-to-fine lattices (<see cref="RealignOptions.Spacings"/>). Each level minimises Σ (v(M·xᵢ) − ref(xᵢ))² over the points whose M·xᵢ lies inside the
/// volume's field of view, both xᵢ and M·xᵢ at least 2 sigma of the smoothing kernel (and one voxel)
/// away from the grid's faces, where truncated smoothing would mix in tissue that differs between
/// volumes (cubic B-spline samples of the smoothed volume and their analytic gradient), starting from the estimate of the previous level, with step halving when a step raises
/// the mean squared difference. A level converges when the step moves no point of a 50 mm sphere by
/// more than <see cref="RealignOptions.ToleranceMm"/>.
/// Reslice: output voxel x of the reference grid is volume v sampled at M·x; a voxel whose M·x lies
/// outside the volume's field of view is NaN, so downstream means (ROI means skip NaN) are taken over
/// valid voxels only.
/// Buffers are allocated once in the constructor and in <see cref="SetReference"/>; one instance serves
/// one thread at a time. All volumes share the grid and affine given to the constructor.
/// </remarks>
[System.Runtime.CompilerServices.SkipLocalsInit]
public sealed class RigidRealigner
{
    private readonly int _nx, _ny, _nz, _n;
    private readonly RealignOptions _options;
    private readonly double[] _a = new double[16];      // voxel → world
    private readonly double[] _ainv = new double[16];   // world → voxel
    private readonly double[] _voxelSize = new double[3];
    private readonly float[][] _kernels;                 // Gaussian per axis (empty = no smoothing)
    private readonly int[] _margin = new int[3];        // voxels next to the faces whose smoothing is truncated
    private readonly float[] _smooth, _tmp, _scoef, _refSmooth;
    private readonly float[]? _coef;                      // cubic B-spline coefficients for reslicing
    private readonly double[] _line;
    private Level[] _levels = [];
    private bool _hasReference;

    private sealed class Level
    {
        public required double[] X, Y, Z;   // world coordinates of the points
        public required float[] Ref;        // smoothed reference at the points
    }

    /// <summary>Creates the realigner for volumes of <paramref name="nx"/>×<paramref name="ny"/>×<paramref name="nz"/> on <paramref name="affine"/>.</summary>
    public RigidRealigner(int nx, int ny, int nz, Affine affine, RealignOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nx, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(ny, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(nz, 2);
        ArgumentNullException.ThrowIfNull(affine);
        _options = options ?? new RealignOptions();
        _options.Validate();
        _nx = nx; _ny = ny; _nz = nz; _n = nx * ny * nz;
        affine.Values.CopyTo(_a);
        if (!Invert4(_a, _ainv))
            throw new ArgumentException($"The affine {affine} is singular.", nameof(affine));
        for (int c = 0; c < 3; c++)
            _voxelSize[c] = Math.Sqrt(_a[c] * _a[c] + _a[4 + c] * _a[4 + c] + _a[8 + c] * _a[8 + c]);
        _kernels = new float[3][];
        for (int c = 0; c < 3; c++)
        {
            double fwhmVoxels = _options.SmoothingFwhmMm / _voxelSize[c];
            _kernels[c] = Gaussian(fwhmVoxels);
            // within 2 sigma of a face the truncated kernel sees different tissue in each volume
            _margin[c] = Math.Max(1, (int)Math.Ceiling(2 * fwhmVoxels / (2 * Math.Sqrt(2 * Math.Log(2)))));
            int size = c == 0 ? nx : c == 1 ? ny : nz;
            if (2 * _margin[c] >= size - 1) _margin[c] = Math.Max(0, (size - 2) / 2);
        }
        _smooth = new float[_n]; _tmp = new float[_n];
        _scoef = new float[_n];
        _refSmooth = new float[_n];
        if (_options.Interpolation == ResliceInterpolation.CubicSpline) _coef = new float[_n];
        _line = new double[Math.Max(nx, Math.Max(ny, nz))];
    }

    /// <summary>Grid shape.</summary>
    public int Nx => _nx;
    /// <inheritdoc cref="Nx"/>
    public int Ny => _ny;
    /// <inheritdoc cref="Nx"/>
    public int Nz => _nz;

    /// <summary>Settings.</summary>
    public RealignOptions Options => _options;

    /// <summary>True once a reference is set.</summary>
    public bool HasReference => _hasReference;

    /// <summary>Number of reference points of the finest level (0 before a reference is set).</summary>
    public int PointCount => _levels.Length == 0 ? 0 : _levels[^1].X.Length;

    /// <summary>Sets the reference volume (voxels on this grid, x fastest).</summary>
    /// <exception cref="ArgumentException">Wrong length, or no voxel passes the intensity mask.</exception>
    public void SetReference(ReadOnlySpan<float> reference)
    {
        CheckLength(reference.Length, nameof(reference));
        Smooth(reference, _refSmooth);

        double sum = 0; long count = 0;
        foreach (float v in _refSmooth) if (float.IsFinite(v)) { sum += v; count++; }
        double global = count == 0 ? 0 : sum / count;
        double s2 = 0; long c2 = 0;
        foreach (float v in _refSmooth) if (float.IsFinite(v) && v > global / 8) { s2 += v; c2++; }
        double threshold = c2 == 0 ? double.PositiveInfinity : _options.MaskFraction * s2 / c2;

        var spacings = _options.Spacings;
        var levels = new List<Level>(spacings.Length);
        int px = 0, py = 0, pz = 0;
        for (int l = 0; l < spacings.Length; l++)
        {
            int sx = Step(spacings[l], 0), sy = Step(spacings[l], 1), sz = Step(spacings[l], 2);
            // a spacing that gives the previous level's lattice again would only repeat its work
            if (sx == px && sy == py && sz == pz) continue;
            (px, py, pz) = (sx, sy, sz);
            var xs = new List<double>(); var ys = new List<double>(); var zs = new List<double>(); var rs = new List<float>();
            for (int k = _margin[2]; k < _nz - _margin[2]; k += sz)
                for (int j = _margin[1]; j < _ny - _margin[1]; j += sy)
                    for (int i = _margin[0]; i < _nx - _margin[0]; i += sx)
                    {
                        float r = _refSmooth[(k * _ny + j) * _nx + i];
                        if (!(r > threshold)) continue;
                        xs.Add(_a[0] * i + _a[1] * j + _a[2] * k + _a[3]);
                        ys.Add(_a[4] * i + _a[5] * j + _a[6] * k + _a[7]);
                        zs.Add(_a[8] * i + _a[9] * j + _a[10] * k + _a[11]);
                        rs.Add(r);
                    }
            if (rs.Count < 7)
                throw new ArgumentException($"The reference has {rs.Count} voxels above its intensity mask at {spacings[l]} mm spacing; at least 7 are needed.", nameof(reference));
            levels.Add(new Level { X = [.. xs], Y = [.. ys], Z = [.. zs], Ref = [.. rs] });
        }
        _levels = [.. levels];
        _hasReference = true;
    }

    /// <summary>
    /// Estimates the parameters of <paramref name="volume"/> against the reference.
    /// <paramref name="parameters"/> holds the starting point on entry (zeros, or the previous volume's
    /// estimate) and the estimate on return; on any status but <see cref="RealignStatus.Converged"/>
    /// the six values are NaN.
    /// </summary>
    public RealignStatus Estimate(ReadOnlySpan<float> volume, Span<double> parameters) => Estimate(volume, parameters, out _);

    /// <inheritdoc cref="Estimate(ReadOnlySpan{float}, Span{double})"/>
    /// <param name="iterations">Gauss-Newton iterations over all levels.</param>
    public RealignStatus Estimate(ReadOnlySpan<float> volume, Span<double> parameters, out int iterations)
    {
        if (!_hasReference) throw new InvalidOperationException("Set a reference before estimating.");
        CheckLength(volume.Length, nameof(volume));
        if (parameters.Length != RigidMotion.ParameterCount)
            throw new ArgumentException($"Expected {RigidMotion.ParameterCount} parameters, got {parameters.Length}.", nameof(parameters));
        iterations = 0;
        Span<double> p = stackalloc double[6];
        for (int i = 0; i < 6; i++) p[i] = double.IsFinite(parameters[i]) ? parameters[i] : 0;

        Smooth(volume, _smooth);
        SplineCoefficients(_smooth, _scoef);

        var status = RealignStatus.Converged;
        Span<double> h = stackalloc double[36], g = stackalloc double[6], step = stackalloc double[6], best = stackalloc double[6];
        for (int l = 0; l < _levels.Length && status == RealignStatus.Converged; l++)
        {
            var level = _levels[l];
            int minPoints = Math.Max(7, (int)Math.Ceiling(_options.MinOverlap * level.X.Length));
            double bestCost = double.PositiveInfinity;
            bool converged = false;
            int halvings = 0;
            for (int it = 0; it < _options.MaxIterations; it++)
            {
                iterations++;
                var (cost, valid, _, blank) = Accumulate(level, p, h, g, true);
                if (blank) { status = RealignStatus.Blank; break; }
                if (valid < minPoints) { status = RealignStatus.NoOverlap; break; }
                if (cost > bestCost * (1 + 1e-12) && halvings < 20)
                {
                    // the last step made things worse: go back half of it
                    halvings++;
                    for (int i = 0; i < 6; i++) { step[i] *= 0.5; p[i] = best[i] + step[i]; }
                    if (Moves(step) < _options.ToleranceMm) { p.Clear(); best.CopyTo(p); converged = true; break; }
                    continue;
                }
                halvings = 0;
                bestCost = cost;
                p.CopyTo(best);
                if (!Solve(h, g, step)) { status = RealignStatus.Blank; break; }
                for (int i = 0; i < 6; i++) p[i] += step[i];
                if (Moves(step) < _options.ToleranceMm) { converged = true; break; }
            }
            if (status == RealignStatus.Converged && !converged) status = RealignStatus.NotConverged;
        }

        if (status == RealignStatus.Converged)
        {
            var (_, valid, r, blank) = Accumulate(_levels[^1], p, h, g, false);
            if (blank) status = RealignStatus.Blank;
            else if (valid < Math.Max(7, (int)Math.Ceiling(_options.MinOverlap * _levels[^1].X.Length))) status = RealignStatus.NoOverlap;
            else if (!(r >= _options.MinCorrelation)) status = RealignStatus.PoorFit;
        }
        for (int i = 0; i < 6; i++) parameters[i] = status == RealignStatus.Converged ? p[i] : double.NaN;
        return status;
    }

    /// <summary>
    /// Reslices <paramref name="volume"/> onto the reference grid with <paramref name="parameters"/>:
    /// <paramref name="output"/>[x] = volume sampled at M·x; NaN where M·x leaves the field of view
    /// (more than 1e-4 voxel outside the outermost voxel centres) or where the parameters are NaN.
    /// </summary>
    public void Reslice(ReadOnlySpan<float> volume, ReadOnlySpan<double> parameters, Span<float> output)
    {
        CheckLength(volume.Length, nameof(volume));
        CheckLength(output.Length, nameof(output));
        foreach (double v in parameters) if (!double.IsFinite(v)) { output.Fill(float.NaN); return; }
        Span<double> m = stackalloc double[16], am = stackalloc double[16], q = stackalloc double[16];
        RigidMotion.Matrix(parameters, m);
        Mul4(m, _a, am);
        Mul4(_ainv, am, q);   // reference voxel → volume voxel

        bool cubic = _coef is not null;
        if (cubic) SplineCoefficients(volume, _coef!);
        const double eps = 1e-4;
        double hx = _nx - 1 + eps, hy = _ny - 1 + eps, hz = _nz - 1 + eps;
        int o = 0;
        for (int k = 0; k < _nz; k++)
            for (int j = 0; j < _ny; j++)
            {
                double ux = q[1] * j + q[2] * k + q[3];
                double uy = q[5] * j + q[6] * k + q[7];
                double uz = q[9] * j + q[10] * k + q[11];
                for (int i = 0; i < _nx; i++, o++, ux += q[0], uy += q[4], uz += q[8])
                {
                    if (ux < -eps || uy < -eps || uz < -eps || ux > hx || uy > hy || uz > hz) { output[o] = float.NaN; continue; }
                    double cx = Math.Clamp(ux, 0, _nx - 1), cy = Math.Clamp(uy, 0, _ny - 1), cz = Math.Clamp(uz, 0, _nz - 1);
                    output[o] = cubic ? (float)Cubic(_coef!, cx, cy, cz) : (float)Trilinear(volume, cx, cy, cz);
                }
            }
    }

    // ---- estimation ------------------------------------------------------------------------------

    // Mean squared difference over the valid points; with `normal`, the Gauss-Newton system
    // h = JᵀJ, g = Jᵀr (r = v(M·x) − ref(x)). Also the Pearson correlation of v(M·x) and ref(x),
    // and whether v is constant over the valid points.
    private (double Cost, int Valid, double Correlation, bool Blank) Accumulate(Level level, ReadOnlySpan<double> p, Span<double> h, Span<double> g, bool normal)
    {
        Span<double> r = stackalloc double[9], d = stackalloc double[27];
        RigidMotion.RotationAndDerivatives(p, r, d);
        // u = Ainv3·(R·x + t) + ainv_t = Q·x + qt
        Span<double> ai = stackalloc double[9];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) ai[i * 3 + j] = _ainv[i * 4 + j];
        Span<double> qm = stackalloc double[9];
        RigidMotion.Mul3(ai, r, qm);
        double qx = ai[0] * p[0] + ai[1] * p[1] + ai[2] * p[2] + _ainv[3];
        double qy = ai[3] * p[0] + ai[4] * p[1] + ai[5] * p[2] + _ainv[7];
        double qz = ai[6] * p[0] + ai[7] * p[1] + ai[8] * p[2] + _ainv[11];

        h.Clear(); g.Clear();
        Span<double> jrow = stackalloc double[6];
        double cost = 0, sv = 0, svv = 0, sr = 0, srr = 0, svr = 0;
        int valid = 0;
        double lx = _margin[0], ly = _margin[1], lz = _margin[2];
        double hx = _nx - 1 - lx, hy = _ny - 1 - ly, hz = _nz - 1 - lz;
        var X = level.X; var Y = level.Y; var Z = level.Z; var R = level.Ref;
        for (int n = 0; n < X.Length; n++)
        {
            double x = X[n], y = Y[n], z = Z[n];
            double ux = qm[0] * x + qm[1] * y + qm[2] * z + qx;
            double uy = qm[3] * x + qm[4] * y + qm[5] * z + qy;
            double uz = qm[6] * x + qm[7] * y + qm[8] * z + qz;
            if (!(ux >= lx && uy >= ly && uz >= lz && ux <= hx && uy <= hy && uz <= hz)) continue;
            double v = CubicWithGradient(_scoef, ux, uy, uz, out double gx, out double gy, out double gz);
            if (!double.IsFinite(v)) continue;
            double rv = R[n];
            double res = v - rv;
            valid++;
            cost += res * res;
            sv += v; svv += v * v; sr += rv; srr += rv * rv; svr += v * rv;
            if (!normal) continue;
            if (!(double.IsFinite(gx) && double.IsFinite(gy) && double.IsFinite(gz))) { gx = gy = gz = 0; }
            // world gradient = Ainv3ᵀ · voxel gradient
            double wx = ai[0] * gx + ai[3] * gy + ai[6] * gz;
            double wy = ai[1] * gx + ai[4] * gy + ai[7] * gz;
            double wz = ai[2] * gx + ai[5] * gy + ai[8] * gz;
            jrow[0] = wx; jrow[1] = wy; jrow[2] = wz;
            for (int a = 0; a < 3; a++)
            {
                int o = a * 9;
                jrow[3 + a] = wx * (d[o] * x + d[o + 1] * y + d[o + 2] * z)
                            + wy * (d[o + 3] * x + d[o + 4] * y + d[o + 5] * z)
                            + wz * (d[o + 6] * x + d[o + 7] * y + d[o + 8] * z);
            }
            for (int a = 0; a < 6; a++)
            {
                double ja = jrow[a];
                g[a] += ja * res;
                for (int c = a; c < 6; c++) h[a * 6 + c] += ja * jrow[c];
            }
        }
        for (int a = 0; a < 6; a++) for (int c = 0; c < a; c++) h[a * 6 + c] = h[c * 6 + a];
        if (valid == 0) return (double.PositiveInfinity, 0, double.NaN, false);
        double varV = svv - sv * sv / valid, varR = srr - sr * sr / valid;
        bool blank = !(varV > 1e-12 * Math.Max(1, varR));
        double corr = blank ? double.NaN : (svr - sv * sr / valid) / Math.Sqrt(varV * varR);
        return (cost / valid, valid, corr, blank);
    }

    private double Tri(ReadOnlySpan<float> f, int b, double fx, double fy, double fz)
    {
        int sx = _nx, sxy = _nx * _ny;
        double c00 = f[b] + fx * (f[b + 1] - f[b]);
        double c10 = f[b + sx] + fx * (f[b + sx + 1] - f[b + sx]);
        double c01 = f[b + sxy] + fx * (f[b + sxy + 1] - f[b + sxy]);
        double c11 = f[b + sxy + sx] + fx * (f[b + sxy + sx + 1] - f[b + sxy + sx]);
        double c0 = c00 + fy * (c10 - c00), c1 = c01 + fy * (c11 - c01);
        return c0 + fz * (c1 - c0);
    }

    private double Trilinear(ReadOnlySpan<float> f, double x, double y, double z)
    {
        int i0 = Math.Min((int)x, _nx - 2), j0 = Math.Min((int)y, _ny - 2), k0 = Math.Min((int)z, _nz - 2);
        return Tri(f, (k0 * _ny + j0) * _nx + i0, x - i0, y - j0, z - k0);
    }

    private double Cubic(float[] c, double x, double y, double z)
    {
        Span<double> wx = stackalloc double[4], wy = stackalloc double[4], wz = stackalloc double[4];
        Span<int> ix = stackalloc int[4], iy = stackalloc int[4], iz = stackalloc int[4];
        SplineWeights(x, _nx, wx, ix);
        SplineWeights(y, _ny, wy, iy);
        SplineWeights(z, _nz, wz, iz);
        double s = 0;
        for (int c3 = 0; c3 < 4; c3++)
        {
            double sy = 0;
            for (int b = 0; b < 4; b++)
            {
                int row = (iz[c3] * _ny + iy[b]) * _nx;
                sy += wy[b] * (wx[0] * c[row + ix[0]] + wx[1] * c[row + ix[1]] + wx[2] * c[row + ix[2]] + wx[3] * c[row + ix[3]]);
            }
            s += wz[c3] * sy;
        }
        return s;
    }

    private double CubicWithGradient(float[] c, double x, double y, double z, out double gx, out double gy, out double gz)
    {
        Span<double> wx = stackalloc double[4], wy = stackalloc double[4], wz = stackalloc double[4];
        Span<double> dx = stackalloc double[4], dy = stackalloc double[4], dz = stackalloc double[4];
        Span<int> ix = stackalloc int[4], iy = stackalloc int[4], iz = stackalloc int[4];
        SplineWeights(x, _nx, wx, ix, dx);
        SplineWeights(y, _ny, wy, iy, dy);
        SplineWeights(z, _nz, wz, iz, dz);
        double s = 0, sx = 0, sy = 0, sz = 0;
        for (int c3 = 0; c3 < 4; c3++)
        {
            double ps = 0, psx = 0, psy = 0;
            for (int b = 0; b < 4; b++)
            {
                int row = (iz[c3] * _ny + iy[b]) * _nx;
                double c0 = c[row + ix[0]], c1 = c[row + ix[1]], c2 = c[row + ix[2]], c4 = c[row + ix[3]];
                double lx = wx[0] * c0 + wx[1] * c1 + wx[2] * c2 + wx[3] * c4;
                double ldx = dx[0] * c0 + dx[1] * c1 + dx[2] * c2 + dx[3] * c4;
                ps += wy[b] * lx; psx += wy[b] * ldx; psy += dy[b] * lx;
            }
            s += wz[c3] * ps; sx += wz[c3] * psx; sy += wz[c3] * psy; sz += dz[c3] * ps;
        }
        gx = sx; gy = sy; gz = sz;
        return s;
    }

    private static void SplineWeights(double x, int n, Span<double> w, Span<int> idx, Span<double> dw)
    {
        SplineWeights(x, n, w, idx);
        double t = x - Math.Floor(x), u = 1 - t;
        dw[0] = -0.5 * u * u;
        dw[1] = -2 * t + 1.5 * t * t;
        dw[2] = 0.5 + t - 1.5 * t * t;
        dw[3] = 0.5 * t * t;
    }

    private static void SplineWeights(double x, int n, Span<double> w, Span<int> idx)
    {
        int f = (int)Math.Floor(x);
        double t = x - f, t2 = t * t, t3 = t2 * t, u = 1 - t;
        w[0] = u * u * u / 6;
        w[1] = (4 - 6 * t2 + 3 * t3) / 6;
        w[2] = (1 + 3 * t + 3 * t2 - 3 * t3) / 6;
        w[3] = t3 / 6;
        for (int a = 0; a < 4; a++)
        {
            int i = f - 1 + a;
            if (n == 1) i = 0;
            else
            {
                int period = 2 * (n - 1);
                i = Math.Abs(i) % period;
                if (i > n - 1) i = period - i;
            }
            idx[a] = i;
        }
    }

    // Cubic B-spline interpolation coefficients (mirror boundaries), separably along x, y and z.
    private void SplineCoefficients(ReadOnlySpan<float> src, float[] coef)
    {
        src.CopyTo(coef);
        var line = _line;
        int sxy = _nx * _ny;
        for (int k = 0; k < _nz; k++)
            for (int j = 0; j < _ny; j++)
                PrefilterLine(coef, (k * _ny + j) * _nx, 1, _nx, line);
        for (int k = 0; k < _nz; k++)
            for (int i = 0; i < _nx; i++)
                PrefilterLine(coef, k * sxy + i, _nx, _ny, line);
        for (int j = 0; j < _ny; j++)
            for (int i = 0; i < _nx; i++)
                PrefilterLine(coef, j * _nx + i, sxy, _nz, line);
    }

    private static void PrefilterLine(float[] data, int start, int stride, int n, double[] c)
    {
        if (n < 2) return;
        double z = Math.Sqrt(3) - 2;
        for (int k = 0; k < n; k++) c[k] = 6 * data[start + k * stride];
        // causal initialisation, whole-signal mirror sum (exact for the lengths of fMRI grids)
        double zn = z, iz = 1 / z, z2n = Math.Pow(z, n - 1);
        double sum = c[0] + z2n * c[n - 1];
        z2n *= z2n * iz;
        for (int k = 1; k < n - 1; k++) { sum += (zn + z2n) * c[k]; zn *= z; z2n *= iz; }
        c[0] = sum / (1 - zn * zn);
        for (int k = 1; k < n; k++) c[k] += z * c[k - 1];
        c[n - 1] = z / (z * z - 1) * (z * c[n - 2] + c[n - 1]);
        for (int k = n - 2; k >= 0; k--) c[k] = z * (c[k + 1] - c[k]);
        for (int k = 0; k < n; k++) data[start + k * stride] = (float)c[k];
    }

    private double Moves(ReadOnlySpan<double> step) =>
        Math.Abs(step[0]) + Math.Abs(step[1]) + Math.Abs(step[2]) + 50 * (Math.Abs(step[3]) + Math.Abs(step[4]) + Math.Abs(step[5]));

    // Solves h·s = −g (6×6, symmetric positive definite) by Cholesky; false when singular.
    private static bool Solve(ReadOnlySpan<double> h, ReadOnlySpan<double> g, Span<double> s)
    {
        Span<double> l = stackalloc double[36];
        double trace = 0;
        for (int i = 0; i < 6; i++) trace += h[i * 7];
        if (!(trace > 0) || !double.IsFinite(trace)) return false;
        for (int i = 0; i < 6; i++)
            for (int j = 0; j <= i; j++)
            {
                double sum = h[i * 6 + j];
                for (int k = 0; k < j; k++) sum -= l[i * 6 + k] * l[j * 6 + k];
                if (i == j)
                {
                    if (!(sum > 1e-14 * trace)) return false;
                    l[i * 6 + i] = Math.Sqrt(sum);
                }
                else l[i * 6 + j] = sum / l[j * 6 + j];
            }
        Span<double> y = stackalloc double[6];
        for (int i = 0; i < 6; i++)
        {
            double sum = -g[i];
            for (int k = 0; k < i; k++) sum -= l[i * 6 + k] * y[k];
            y[i] = sum / l[i * 6 + i];
        }
        for (int i = 5; i >= 0; i--)
        {
            double sum = y[i];
            for (int k = i + 1; k < 6; k++) sum -= l[k * 6 + i] * s[k];
            s[i] = sum / l[i * 6 + i];
        }
        return true;
    }

    // ---- image operations ------------------------------------------------------------------------

    private int Step(double spacingMm, int axis) => Math.Max(1, (int)Math.Round(spacingMm / _voxelSize[axis]));

    private static float[] Gaussian(double fwhmVoxels)
    {
        if (fwhmVoxels <= 0) return [];
        double sigma = fwhmVoxels / (2 * Math.Sqrt(2 * Math.Log(2)));
        int radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var k = new float[2 * radius + 1];
        for (int i = -radius; i <= radius; i++) k[i + radius] = (float)Math.Exp(-0.5 * i * i / (sigma * sigma));
        return k;
    }

    // Separable Gaussian, renormalised over the taps inside the grid.
    private void Smooth(ReadOnlySpan<float> src, float[] dst)
    {
        src.CopyTo(dst);
        Convolve(dst, _tmp, _kernels[0], 1, _nx);
        Convolve(_tmp, dst, _kernels[1], _nx, _ny);
        Convolve(dst, _tmp, _kernels[2], _nx * _ny, _nz);
        _tmp.AsSpan().CopyTo(dst);
    }

    private void Convolve(float[] src, float[] dst, float[] kernel, int stride, int length)
    {
        if (kernel.Length == 0) { src.AsSpan().CopyTo(dst); return; }
        int radius = kernel.Length / 2;
        for (int v = 0; v < _n; v++)
        {
            int pos = v / stride % length;
            int lo = Math.Max(-radius, -pos), hi = Math.Min(radius, length - 1 - pos);
            double s = 0, w = 0;
            for (int t = lo; t <= hi; t++)
            {
                float kv = kernel[t + radius];
                s += kv * src[v + t * stride];
                w += kv;
            }
            dst[v] = (float)(s / w);
        }
    }

    private void CheckLength(int length, string name)
    {
        if (length != _n) throw new ArgumentException($"A {_nx}×{_ny}×{_nz} volume has {_n} voxels, got {length}.", name);
    }

    internal static bool Invert4(ReadOnlySpan<double> m, Span<double> inv)
    {
        // affine inverse: [R t; 0 1]⁻¹ = [R⁻¹ −R⁻¹t; 0 1]
        double a = m[0], b = m[1], c = m[2], d = m[4], e = m[5], f = m[6], g = m[8], h = m[9], i = m[10];
        double det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
        if (!(Math.Abs(det) > 1e-12)) return false;
        double[] r =
        [
            (e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
            (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
            (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det,
        ];
        for (int row = 0; row < 3; row++)
        {
            inv[row * 4] = r[row * 3]; inv[row * 4 + 1] = r[row * 3 + 1]; inv[row * 4 + 2] = r[row * 3 + 2];
            inv[row * 4 + 3] = -(r[row * 3] * m[3] + r[row * 3 + 1] * m[7] + r[row * 3 + 2] * m[11]);
        }
        inv[12] = 0; inv[13] = 0; inv[14] = 0; inv[15] = 1;
        return true;
    }

    private static void Mul4(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c)
    {
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                c[i * 4 + j] = a[i * 4] * b[j] + a[i * 4 + 1] * b[4 + j] + a[i * 4 + 2] * b[8 + j] + a[i * 4 + 3] * b[12 + j];
    }
}
