using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
/// on coarse-to-fine lattices (<see cref="RealignOptions.Spacings"/>). Each level minimises
/// Σ (v(M·xᵢ) − ref(xᵢ))² over the points whose M·xᵢ lies inside the volume's field of view, both xᵢ and
/// M·xᵢ at least 2 sigma of the smoothing kernel (and one voxel) away from the grid's faces, where
/// truncated smoothing would mix in tissue that differs between volumes; v is sampled with cubic
/// B-splines of the smoothed volume. As in SPM, the derivatives are those of the reference: each step Δ
/// solves the normal equations of ref(D(Δ)·xᵢ) ≈ v(M·xᵢ) with D(Δ) a small rigid map linearised at the
/// identity, and the estimate becomes M·D(Δ)⁻¹ (inverse compositional Gauss-Newton). The Jacobian and
/// JᵀJ are therefore computed once per reference; a step costs one spline sample per point. A level
/// starts from the estimate of the previous one; a step that raises the mean squared difference is
/// halved. A level converges when the step moves no point of a 50 mm sphere by more than
/// <see cref="RealignOptions.ToleranceMm"/>, or when the steps still to come, extrapolated from the ratio
/// of the last two (below one half), would together move no point by more than that. The points, and
/// the planes of a reslice, are cut into four fixed parts shared by <see cref="RealignOptions.Threads"/>
/// threads.
/// Reslice: output voxel x of the reference grid is volume v sampled at M·x; a voxel whose M·x lies
/// outside the volume's field of view is NaN, so downstream means (ROI means skip NaN) are taken over
/// valid voxels only.
/// Buffers are allocated once in the constructor and in <see cref="SetReference"/>; estimating and
/// reslicing allocate nothing. One instance serves one thread at a time. All volumes share the grid and
/// affine given to the constructor.
/// </remarks>
[SkipLocalsInit]
public sealed class RigidRealigner
{
    private static readonly double SplinePole = Math.Sqrt(3) - 2;

    private readonly int _nx, _ny, _nz, _n;
    private readonly RealignOptions _options;
    private readonly double[] _a = new double[16];      // voxel → world
    private readonly double[] _ainv = new double[16];   // world → voxel
    private readonly double[] _voxelSize = new double[3];
    private readonly float[][] _kernels;                 // Gaussian per axis (empty = no smoothing)
    private readonly float[][] _edgeWeights;             // per axis and position, the kernel renormalised over the taps inside the grid
    private readonly int[] _margin = new int[3];        // voxels next to the faces whose smoothing is truncated
    private readonly float[][] _splineInit;              // per axis, the mirror-boundary initial value of the causal pass
    private readonly float[] _smooth, _tmp, _scoef, _refSmooth, _plane;
    private readonly float[]? _coef;                      // cubic B-spline coefficients for reslicing
    private readonly double[] _line;
    private readonly float[] _block;                     // 8 x-lines transposed, for the vectorised prefilter along x
    private Level[] _levels = [];
    private bool _hasReference;

    // Work split into parts that the calling thread and thread-pool helpers claim in turn (see RunParts).
    private const int PartialLength = 49;               // g (6), removed JᵀJ (36), cost, Σv, Σv², Σr, Σr², Σvr, valid
    private const int Parts = 4;                        // fixed, so that sums are added in one order whatever the threads
    private readonly int _helpers;
    private readonly double[] _partial;
    private readonly double[] _jobQ = new double[12];
    private readonly Helper _helper;
    private readonly ManualResetEventSlim _done = new(false);
    private Level? _jobLevel;
    private unsafe float* _jobIn, _jobOut;
    private unsafe int* _jobVoxels;
    private int _jobVoxelCount;
    private bool _jobReslice, _jobCubic;
    private int _next = int.MaxValue / 2, _finished;

    private sealed class Level
    {
        public required float[] I, J, K;    // reference voxel coordinates of the points
        public required float[] Ref;        // smoothed reference at the points
        public required float[] Jacobian;   // 6 per point: d ref(D(Δ)·x)/dΔ at Δ = 0
        public required double[] Hessian;   // Σ JᵀJ over all points (6×6)
        public int Count => Ref.Length;
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
        _edgeWeights = new float[3][];
        _splineInit = new float[3][];
        for (int c = 0; c < 3; c++)
        {
            int size = c == 0 ? nx : c == 1 ? ny : nz;
            double fwhmVoxels = _options.SmoothingFwhmMm / _voxelSize[c];
            _kernels[c] = Gaussian(fwhmVoxels);
            _edgeWeights[c] = EdgeWeights(_kernels[c], size);
            _splineInit[c] = SplineInit(size);
            // within 2 sigma of a face the truncated kernel sees different tissue in each volume
            _margin[c] = Math.Max(1, (int)Math.Ceiling(2 * fwhmVoxels / (2 * Math.Sqrt(2 * Math.Log(2)))));
            if (2 * _margin[c] >= size - 1) _margin[c] = Math.Max(0, (size - 2) / 2);
        }
        _smooth = new float[_n]; _tmp = new float[_n];
        _scoef = new float[_n];
        _refSmooth = new float[_n];
        _plane = new float[nx * ny];
        if (_options.Interpolation == ResliceInterpolation.CubicSpline) _coef = new float[_n];
        _line = new double[Math.Max(nx, Math.Max(ny, nz))];
        _block = new float[8 * nx];
        _helpers = Math.Clamp(_options.Threads, 1, Parts) - 1;
        _partial = new double[Parts * PartialLength];
        _helper = new Helper(this);
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
    public int PointCount => _levels.Length == 0 ? 0 : _levels[^1].Count;

    /// <summary>Sets the reference volume (voxels on this grid, x fastest).</summary>
    /// <exception cref="ArgumentException">Wrong length, or no voxel passes the intensity mask.</exception>
    public void SetReference(ReadOnlySpan<float> reference)
    {
        CheckLength(reference.Length, nameof(reference));
        Smooth(reference, _refSmooth);
        SplineCoefficients(_refSmooth, _scoef);

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
            var points = new List<(int I, int J, int K, float Ref)>();
            for (int k = _margin[2]; k < _nz - _margin[2]; k += sz)
                for (int j = _margin[1]; j < _ny - _margin[1]; j += sy)
                    for (int i = _margin[0]; i < _nx - _margin[0]; i += sx)
                    {
                        float r = _refSmooth[(k * _ny + j) * _nx + i];
                        if (r > threshold) points.Add((i, j, k, r));
                    }
            if (points.Count < 7)
                throw new ArgumentException($"The reference has {points.Count} voxels above its intensity mask at {spacings[l]} mm spacing; at least 7 are needed.", nameof(reference));
            levels.Add(MakeLevel(points));
        }
        _levels = [.. levels];
        _hasReference = true;
    }

    // Points, reference values and the fixed Jacobian: J = ∇ref(x)ᵀ·∂(D(Δ)·x)/∂Δ at Δ = 0, with ∇ref the
    // world gradient of the reference's cubic spline (in _scoef) at the point, and ∂(R·x)/∂rot the
    // generators of Rx, Ry and Rz: (0, −z, y), (z, 0, −x), (−y, x, 0).
    private Level MakeLevel(List<(int I, int J, int K, float Ref)> points)
    {
        int count = points.Count;
        var level = new Level
        {
            I = new float[count], J = new float[count], K = new float[count], Ref = new float[count],
            Jacobian = new float[6 * count], Hessian = new double[36],
        };
        Span<double> jrow = stackalloc double[6];
        var h = level.Hessian;
        for (int n = 0; n < count; n++)
        {
            var (i, j, k, r) = points[n];
            level.I[n] = i; level.J[n] = j; level.K[n] = k; level.Ref[n] = r;
            CubicWithGradient(_scoef, i, j, k, out double gi, out double gj, out double gk);
            if (!(double.IsFinite(gi) && double.IsFinite(gj) && double.IsFinite(gk))) gi = gj = gk = 0;
            // world gradient = Ainv3ᵀ · voxel gradient
            double wx = _ainv[0] * gi + _ainv[4] * gj + _ainv[8] * gk;
            double wy = _ainv[1] * gi + _ainv[5] * gj + _ainv[9] * gk;
            double wz = _ainv[2] * gi + _ainv[6] * gj + _ainv[10] * gk;
            double x = _a[0] * i + _a[1] * j + _a[2] * k + _a[3];
            double y = _a[4] * i + _a[5] * j + _a[6] * k + _a[7];
            double z = _a[8] * i + _a[9] * j + _a[10] * k + _a[11];
            jrow[0] = wx; jrow[1] = wy; jrow[2] = wz;
            jrow[3] = wz * y - wy * z;
            jrow[4] = wx * z - wz * x;
            jrow[5] = wy * x - wx * y;
            for (int a = 0; a < 6; a++) level.Jacobian[6 * n + a] = (float)jrow[a];
            // JᵀJ from the stored (float) values, so that removing a point later cancels exactly what it added
            for (int a = 0; a < 6; a++)
            {
                double ja = level.Jacobian[6 * n + a];
                for (int c = a; c < 6; c++) h[a * 6 + c] += ja * level.Jacobian[6 * n + c];
            }
        }
        for (int a = 0; a < 6; a++) for (int c = 0; c < a; c++) h[a * 6 + c] = h[c * 6 + a];
        return level;
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

        Span<double> m = stackalloc double[16], best = stackalloc double[16], d = stackalloc double[16], dinv = stackalloc double[16];
        Span<double> h = stackalloc double[36], g = stackalloc double[6], step = stackalloc double[6];
        RigidTransform.ToMatrix(p, m);
        var status = RealignStatus.Converged;
        double correlation = double.NaN;
        for (int l = 0; l < _levels.Length && status == RealignStatus.Converged; l++)
        {
            var level = _levels[l];
            int minPoints = MinPoints(level);
            double bestCost = double.PositiveInfinity, lastMove = double.PositiveInfinity;
            bool converged = false;
            int halvings = 0;
            for (int it = 0; it < _options.MaxIterations; it++)
            {
                iterations++;
                var (cost, valid, r, blank) = Accumulate(level, m, h, g);
                if (blank) { status = RealignStatus.Blank; break; }
                if (valid < minPoints) { status = RealignStatus.NoOverlap; break; }
                if (cost > bestCost * (1 + 1e-12) && halvings < 20)
                {
                    // the last step made things worse: go back half of it
                    halvings++;
                    for (int i = 0; i < 6; i++) step[i] *= 0.5;
                    if (Moves(step) < _options.ToleranceMm) { best.CopyTo(m); converged = true; break; }
                    Compose(best, step, d, dinv, m);
                    continue;
                }
                halvings = 0;
                bestCost = cost;
                correlation = r;
                m.CopyTo(best);
                if (!Solve(h, g, step)) { status = RealignStatus.Blank; break; }
                Compose(best, step, d, dinv, m);
                double move = Moves(step);
                if (move < _options.ToleranceMm || Remaining(move, lastMove) < _options.ToleranceMm) { converged = true; break; }
                lastMove = move;
            }
            if (status == RealignStatus.Converged && !converged) status = RealignStatus.NotConverged;
        }

        // the correlation of the finest level's last accepted point: the final step moved no point by
        // more than the tolerance
        if (status == RealignStatus.Converged && !(correlation >= _options.MinCorrelation)) status = RealignStatus.PoorFit;
        if (status == RealignStatus.Converged) RigidTransform.FromMatrix(m, p);
        for (int i = 0; i < 6; i++) parameters[i] = status == RealignStatus.Converged ? p[i] : double.NaN;
        return status;
    }

    // What the steps still to come would add if they keep shrinking by the ratio of the last two
    // (a geometric series; Gauss-Newton with the reference's fixed Jacobian converges linearly, here by
    // a factor of about 20 a step). Only trusted when the ratio is below one half.
    private static double Remaining(double move, double lastMove)
    {
        double ratio = move / lastMove;
        return double.IsFinite(lastMove) && ratio < 0.5 ? move * ratio / (1 - ratio) : double.PositiveInfinity;
    }

    private int MinPoints(Level level) => Math.Max(7, (int)Math.Ceiling(_options.MinOverlap * level.Count));

    // m ← from · D(step)⁻¹
    private static void Compose(ReadOnlySpan<double> from, ReadOnlySpan<double> step, Span<double> d, Span<double> dinv, Span<double> m)
    {
        RigidTransform.ToMatrix(step, d);
        RigidTransform.Invert(d, dinv);
        RigidTransform.Multiply(from, dinv, m);
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
        q[..12].CopyTo(_jobQ);
        unsafe
        {
            fixed (float* pin = volume, pout = output)
            {
                _jobIn = pin; _jobOut = pout; _jobVoxels = null; _jobReslice = true; _jobCubic = cubic;
                RunParts();
                _jobIn = null; _jobOut = null;
            }
        }
    }

    /// <summary>
    /// As <see cref="Reslice(ReadOnlySpan{float}, ReadOnlySpan{double}, Span{float})"/>, for the voxels
    /// listed in <paramref name="voxels"/> only (indices into the grid, x fastest); the other voxels of
    /// <paramref name="output"/> are left as they are. A listed voxel gets exactly the value the full
    /// reslice gives it.
    /// </summary>
    public void Reslice(ReadOnlySpan<float> volume, ReadOnlySpan<double> parameters, Span<float> output, ReadOnlySpan<int> voxels)
    {
        CheckLength(volume.Length, nameof(volume));
        CheckLength(output.Length, nameof(output));
        foreach (int v in voxels)
            if ((uint)v >= (uint)_n) throw new ArgumentOutOfRangeException(nameof(voxels), $"Voxel index {v} is outside the {_n} voxels of the grid.");
        if (voxels.IsEmpty) return;
        foreach (double v in parameters)
            if (!double.IsFinite(v)) { foreach (int o in voxels) output[o] = float.NaN; return; }
        Span<double> m = stackalloc double[16], am = stackalloc double[16], q = stackalloc double[16];
        RigidMotion.Matrix(parameters, m);
        Mul4(m, _a, am);
        Mul4(_ainv, am, q);

        bool cubic = _coef is not null;
        if (cubic) SplineCoefficients(volume, _coef!);
        q[..12].CopyTo(_jobQ);
        unsafe
        {
            fixed (float* pin = volume, pout = output)
            fixed (int* pv = voxels)
            {
                _jobIn = pin; _jobOut = pout; _jobVoxels = pv; _jobVoxelCount = voxels.Length; _jobReslice = true; _jobCubic = cubic;
                RunParts();
                _jobIn = null; _jobOut = null; _jobVoxels = null;
            }
        }
    }

    // Listed voxels [start, end) of the resliced volume.
    private unsafe void ResliceVoxels(int start, int end)
    {
        var q = _jobQ;
        var volume = new ReadOnlySpan<float>(_jobIn, _n);
        var output = new Span<float>(_jobOut, _n);
        var voxels = new ReadOnlySpan<int>(_jobVoxels, _jobVoxelCount);
        int sxy = _nx * _ny;
        for (int n = start; n < end; n++)
        {
            int v = voxels[n];
            int k = v / sxy, rest = v - k * sxy, j = rest / _nx, i = rest - j * _nx;
            output[v] = Sample(volume, q, i, j, k);
        }
    }

    // Volume (or its spline) at P·(i, j, k) for the reference voxel (i, j, k); the same arithmetic as ResliceRange.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float Sample(ReadOnlySpan<float> volume, double[] q, int i, int j, int k)
    {
        const double eps = 1e-4;
        double ux = q[1] * j + q[2] * k + q[3] + q[0] * i;
        double uy = q[5] * j + q[6] * k + q[7] + q[4] * i;
        double uz = q[9] * j + q[10] * k + q[11] + q[8] * i;
        if (ux < -eps || uy < -eps || uz < -eps || ux > _nx - 1 + eps || uy > _ny - 1 + eps || uz > _nz - 1 + eps) return float.NaN;
        double cx = Math.Clamp(ux, 0, _nx - 1), cy = Math.Clamp(uy, 0, _ny - 1), cz = Math.Clamp(uz, 0, _nz - 1);
        return _jobCubic ? (float)Cubic(_coef!, cx, cy, cz) : (float)Trilinear(volume, cx, cy, cz);
    }

    // Planes [k0, k1) of the resliced volume.
    private unsafe void ResliceRange(int k0, int k1)
    {
        var q = _jobQ;
        var volume = new ReadOnlySpan<float>(_jobIn, _n);
        var output = new Span<float>(_jobOut, _n);
        int o = k0 * _nx * _ny;
        for (int k = k0; k < k1; k++)
            for (int j = 0; j < _ny; j++)
                for (int i = 0; i < _nx; i++, o++)
                    output[o] = Sample(volume, q, i, j, k);
    }

    // ---- parts on two threads ------------------------------------------------------------------------

    // Runs the job set up in the _job fields in Parts parts: the calling thread and the queued thread-pool
    // helpers claim parts in turn, so a helper that does not get a core in time only leaves
    // its part to the caller (never worse than one thread). Each part writes its own results; callers
    // combine them in part order, so the numbers do not depend on which thread did what.
    private void RunParts()
    {
        if (_helpers == 0) { for (int part = 0; part < Parts; part++) RunPart(part); return; }
        _finished = 0;
        _done.Reset();
        Volatile.Write(ref _next, 0);
        for (int i = 0; i < _helpers; i++) ThreadPool.UnsafeQueueUserWorkItem(_helper, preferLocal: false);
        Work();
        _done.Wait();
        // helpers still queued find nothing left to claim until the next job is published
        Volatile.Write(ref _next, int.MaxValue / 2);
    }

    private void Work()
    {
        while (true)
        {
            int part = Interlocked.Increment(ref _next) - 1;
            if (part < 0 || part >= Parts) return;
            RunPart(part);
            if (Interlocked.Increment(ref _finished) == Parts) _done.Set();
        }
    }

    private void RunPart(int part)
    {
        if (_jobReslice)
        {
            unsafe
            {
                if (_jobVoxels is null) ResliceRange(_nz * part / Parts, _nz * (part + 1) / Parts);
                else ResliceVoxels(_jobVoxelCount * part / Parts, _jobVoxelCount * (part + 1) / Parts);
            }
            return;
        }
        int count = _jobLevel!.Count;
        AccumulateRange(_jobLevel, count * part / Parts, count * (part + 1) / Parts, _partial.AsSpan(part * PartialLength, PartialLength));
    }

    private sealed class Helper(RigidRealigner owner) : IThreadPoolWorkItem
    {
        public void Execute() => owner.Work();
    }

    // ---- estimation ------------------------------------------------------------------------------

    // At the estimate m (4×4): the mean squared difference over the valid points, the inverse
    // compositional normal equations h = JᵀJ and g = Jᵀr (r = v(m·x) − ref(x)) over those points, the
    // Pearson correlation of v(m·x) and ref(x), and whether v is constant over the valid points.
    private (double Cost, int Valid, double Correlation, bool Blank) Accumulate(Level level, ReadOnlySpan<double> m, Span<double> h, Span<double> g)
    {
        // reference voxel → volume voxel: P = Ainv · m · A
        Span<double> am = stackalloc double[16], q = stackalloc double[16];
        Mul4(m, _a, am);
        Mul4(_ainv, am, q);
        q[..12].CopyTo(_jobQ);
        _jobLevel = level;
        _jobReslice = false;
        RunParts();
        _jobLevel = null;

        Span<double> total = stackalloc double[PartialLength];
        total.Clear();
        for (int part = 0; part < Parts; part++)
        {
            var partial = _partial.AsSpan(part * PartialLength, PartialLength);
            for (int i = 0; i < PartialLength; i++) total[i] += partial[i];
        }
        total[..6].CopyTo(g);
        var full = level.Hessian;
        for (int a = 0; a < 6; a++)
        {
            h[a * 6 + a] = full[a * 6 + a] - total[6 + a * 6 + a];
            for (int c = a + 1; c < 6; c++) h[a * 6 + c] = h[c * 6 + a] = full[a * 6 + c] - total[6 + a * 6 + c];
        }
        double cost = total[42], sv = total[43], svv = total[44], sr = total[45], srr = total[46], svr = total[47];
        int valid = (int)total[48];
        if (valid == 0) return (double.PositiveInfinity, 0, double.NaN, false);
        double varV = svv - sv * sv / valid, varR = srr - sr * sr / valid;
        bool blank = !(varV > 1e-12 * Math.Max(1, varR));
        double corr = blank ? double.NaN : (svr - sv * sr / valid) / Math.Sqrt(varV * varR);
        return (cost / valid, valid, corr, blank);
    }

    // Points [start, end) of the level at the transform in _jobQ, into `result` (PartialLength values).
    private void AccumulateRange(Level level, int start, int end, Span<double> result)
    {
        var q = _jobQ;
        double q0 = q[0], q1 = q[1], q2 = q[2], q3 = q[3], q4 = q[4], q5 = q[5], q6 = q[6], q7 = q[7], q8 = q[8], q9 = q[9], q10 = q[10], q11 = q[11];
        var removed = result.Slice(6, 36);
        removed.Clear();
        double g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0;
        double cost = 0, sv = 0, svv = 0, sr = 0, srr = 0, svr = 0;
        int valid = 0;
        double lx = _margin[0], ly = _margin[1], lz = _margin[2];
        double hx = _nx - 1 - lx, hy = _ny - 1 - ly, hz = _nz - 1 - lz;
        bool fast = _margin[0] >= 1 && _margin[1] >= 1 && _margin[2] >= 1;
        var I = level.I.AsSpan(start, end - start); var J = level.J.AsSpan(start, end - start); var K = level.K.AsSpan(start, end - start);
        var R = level.Ref.AsSpan(start, end - start); var jac = level.Jacobian.AsSpan(6 * start, 6 * (end - start));
        ref float c0 = ref MemoryMarshal.GetArrayDataReference(_scoef);
        for (int n = 0; n < R.Length; n++)
        {
            double i = I[n], j = J[n], k = K[n];
            double ux = q0 * i + q1 * j + q2 * k + q3;
            double uy = q4 * i + q5 * j + q6 * k + q7;
            double uz = q8 * i + q9 * j + q10 * k + q11;
            double v = double.NaN;
            if (ux >= lx && uy >= ly && uz >= lz && ux <= hx && uy <= hy && uz <= hz)
                v = fast ? CubicInterior(ref c0, ux, uy, uz) : Cubic(_scoef, ux, uy, uz);
            var jn = jac.Slice(6 * n, 6);
            if (!double.IsFinite(v))
            {
                // outside the field of view: its share of the fixed JᵀJ goes
                for (int a = 0; a < 6; a++)
                {
                    double ja = jn[a];
                    for (int c = a; c < 6; c++) removed[a * 6 + c] += ja * jn[c];
                }
                continue;
            }
            double rv = R[n];
            double res = v - rv;
            valid++;
            cost += res * res;
            sv += v; svv += v * v; sr += rv; srr += rv * rv; svr += v * rv;
            g0 += jn[0] * res; g1 += jn[1] * res; g2 += jn[2] * res;
            g3 += jn[3] * res; g4 += jn[4] * res; g5 += jn[5] * res;
        }
        result[0] = g0; result[1] = g1; result[2] = g2; result[3] = g3; result[4] = g4; result[5] = g5;
        result[42] = cost; result[43] = sv; result[44] = svv; result[45] = sr; result[46] = srr; result[47] = svr; result[48] = valid;
    }

    // Cubic B-spline sample at (x, y, z) with 1 ≤ x ≤ nx − 2 (and likewise y, z), where the 4×4×4
    // neighbourhood needs no mirroring: 16 rows of 4 coefficients, each one 128-bit load.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double CubicInterior(ref float c, double x, double y, double z)
    {
        int fx = Math.Min((int)x, _nx - 3), fy = Math.Min((int)y, _ny - 3), fz = Math.Min((int)z, _nz - 3);
        float tx = (float)(x - fx), ty = (float)(y - fy), tz = (float)(z - fz);
        var wx = Weights(tx);
        Weights(ty, out float y0, out float y1, out float y2, out float y3);
        Weights(tz, out float z0, out float z1, out float z2, out float z3);
        int sx = _nx, sxy = _nx * _ny;
        nuint b = (nuint)(((fz - 1) * _ny + fy - 1) * _nx + fx - 1);
        var acc = Plane(ref c, b, sx, y0, y1, y2, y3) * z0;
        acc += Plane(ref c, b + (nuint)sxy, sx, y0, y1, y2, y3) * z1;
        acc += Plane(ref c, b + (nuint)(2 * sxy), sx, y0, y1, y2, y3) * z2;
        acc += Plane(ref c, b + (nuint)(3 * sxy), sx, y0, y1, y2, y3) * z3;
        return Vector128.Dot(acc, wx);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Plane(ref float c, nuint b, int sx, float y0, float y1, float y2, float y3) =>
        Vector128.LoadUnsafe(ref c, b) * y0
        + Vector128.LoadUnsafe(ref c, b + (nuint)sx) * y1
        + Vector128.LoadUnsafe(ref c, b + (nuint)(2 * sx)) * y2
        + Vector128.LoadUnsafe(ref c, b + (nuint)(3 * sx)) * y3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Weights(float t)
    {
        Weights(t, out float w0, out float w1, out float w2, out float w3);
        return Vector128.Create(w0, w1, w2, w3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Weights(float t, out float w0, out float w1, out float w2, out float w3)
    {
        float t2 = t * t, t3 = t2 * t, u = 1 - t;
        w0 = u * u * u * (1f / 6);
        w1 = (4 - 6 * t2 + 3 * t3) * (1f / 6);
        w2 = (1 + 3 * t + 3 * t2 - 3 * t3) * (1f / 6);
        w3 = t3 * (1f / 6);
    }

    // Trilinear sample at 0 ≤ x ≤ nx − 1 (and likewise y, z); the eight neighbours are inside the grid.
    private double Trilinear(ReadOnlySpan<float> f, double x, double y, double z)
    {
        int i0 = Math.Min((int)x, _nx - 2), j0 = Math.Min((int)y, _ny - 2), k0 = Math.Min((int)z, _nz - 2);
        double fx = x - i0, fy = y - j0, fz = z - k0;
        ref float b = ref Unsafe.Add(ref MemoryMarshal.GetReference(f), (k0 * _ny + j0) * _nx + i0);
        int sx = _nx, sxy = _nx * _ny;
        double f000 = b, f100 = Unsafe.Add(ref b, 1), f010 = Unsafe.Add(ref b, sx), f110 = Unsafe.Add(ref b, sx + 1);
        double f001 = Unsafe.Add(ref b, sxy), f101 = Unsafe.Add(ref b, sxy + 1), f011 = Unsafe.Add(ref b, sxy + sx), f111 = Unsafe.Add(ref b, sxy + sx + 1);
        double c00 = f000 + fx * (f100 - f000), c10 = f010 + fx * (f110 - f010);
        double c01 = f001 + fx * (f101 - f001), c11 = f011 + fx * (f111 - f011);
        double c0 = c00 + fy * (c10 - c00), c1 = c01 + fy * (c11 - c01);
        return c0 + fz * (c1 - c0);
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

    // Cubic B-spline interpolation coefficients (mirror boundaries), separably along x, y and z. Along
    // y and z the recursion runs over whole rows (y) and planes (z) at once, vectorised.
    private void SplineCoefficients(ReadOnlySpan<float> src, float[] coef)
    {
        src.CopyTo(coef);
        var initX = _splineInit[0];
        int rows = _ny * _nz, row = 0;
        for (; row + 8 <= rows; row += 8) PrefilterLines8(coef.AsSpan(row * _nx, 8 * _nx), initX);
        for (; row < rows; row++) PrefilterLine(coef.AsSpan(row * _nx, _nx), initX, _line);
        int sxy = _nx * _ny;
        for (int k = 0; k < _nz; k++)
            PrefilterRows(coef.AsSpan(k * sxy, sxy), _nx, _ny, _splineInit[1], _plane.AsSpan(0, _nx));
        PrefilterRows(coef, sxy, _nz, _splineInit[2], _plane);
    }

    // The mirror-boundary initial value of the causal pass of a length-n line, c⁺[0] = Σ init[k]·c[k]
    // (the whole-signal mirror sum, truncated where the weights fall below 1e-10).
    private static float[] SplineInit(int n)
    {
        double z = SplinePole;
        var w = new double[n];
        double denominator = 1 - Math.Pow(z, 2 * n - 2);
        w[0] = 1;
        for (int k = 1; k < n; k++) w[k] = Math.Pow(z, k) + (k < n - 1 ? Math.Pow(z, 2 * n - 2 - k) : 0);
        int used = n;
        while (used > 1 && Math.Abs(w[used - 1]) < 1e-10) used--;
        var init = new float[used];
        for (int k = 0; k < used; k++) init[k] = (float)(w[k] / denominator);
        return init;
    }

    // PrefilterLine on 8 consecutive lines at once: transposed into _block (line r of position k at
    // 8k + r), filtered with 8-wide vectors, transposed back.
    private void PrefilterLines8(Span<float> data, float[] init)
    {
        int n = _nx;
        var block = _block.AsSpan(0, 8 * n);
        for (int r = 0; r < 8; r++)
            for (int k = 0; k < n; k++) block[8 * k + r] = data[r * n + k];
        ref float b = ref MemoryMarshal.GetReference(block);
        float zf = (float)SplinePole;
        var z = Vector256.Create(zf);
        var six = Vector256.Create(6f);
        var sum = Vector256<float>.Zero;
        for (int k = 0; k < init.Length; k++) sum += Vector256.LoadUnsafe(ref b, (nuint)(8 * k)) * (6 * init[k]);
        var prev = sum;
        prev.StoreUnsafe(ref b, 0);
        for (int k = 1; k < n; k++)
        {
            prev = Vector256.LoadUnsafe(ref b, (nuint)(8 * k)) * six + z * prev;
            prev.StoreUnsafe(ref b, (nuint)(8 * k));
        }
        var next = (z * Vector256.LoadUnsafe(ref b, (nuint)(8 * (n - 2))) + prev) * (zf / (zf * zf - 1));
        next.StoreUnsafe(ref b, (nuint)(8 * (n - 1)));
        for (int k = n - 2; k >= 0; k--)
        {
            next = z * (next - Vector256.LoadUnsafe(ref b, (nuint)(8 * k)));
            next.StoreUnsafe(ref b, (nuint)(8 * k));
        }
        for (int r = 0; r < 8; r++)
            for (int k = 0; k < n; k++) data[r * n + k] = block[8 * k + r];
    }

    private static void PrefilterLine(Span<float> data, float[] init, double[] c)
    {
        int n = data.Length;
        if (n < 2) return;
        double z = SplinePole;
        for (int k = 0; k < n; k++) c[k] = 6 * data[k];
        double sum = 0;
        for (int k = 0; k < init.Length; k++) sum += init[k] * c[k];
        c[0] = sum;
        for (int k = 1; k < n; k++) c[k] += z * c[k - 1];
        c[n - 1] = z / (z * z - 1) * (z * c[n - 2] + c[n - 1]);
        for (int k = n - 2; k >= 0; k--) c[k] = z * (c[k + 1] - c[k]);
        for (int k = 0; k < n; k++) data[k] = (float)c[k];
    }

    // The same recursion as PrefilterLine over `count` rows of `width` values each (row r at r·width),
    // every column filtered at once.
    private static void PrefilterRows(Span<float> data, int width, int count, float[] init, Span<float> scratch)
    {
        if (count < 2) return;
        float z = (float)SplinePole;
        Span<float> Row(Span<float> d, int r) => d.Slice(r * width, width);
        TensorPrimitives.Multiply(data, 6f, data);
        TensorPrimitives.Multiply(Row(data, 0), init[0], scratch);
        for (int k = 1; k < init.Length; k++) TensorPrimitives.MultiplyAdd(Row(data, k), init[k], scratch, scratch);
        scratch.CopyTo(Row(data, 0));
        for (int k = 1; k < count; k++) TensorPrimitives.MultiplyAdd(Row(data, k - 1), z, Row(data, k), Row(data, k));
        var last = Row(data, count - 1);
        TensorPrimitives.MultiplyAdd(Row(data, count - 2), z, last, last);
        TensorPrimitives.Multiply(last, z / (z * z - 1), last);
        for (int k = count - 2; k >= 0; k--)
        {
            var row = Row(data, k);
            TensorPrimitives.Subtract(Row(data, k + 1), row, row);
            TensorPrimitives.Multiply(row, z, row);
        }
    }

    private double Moves(ReadOnlySpan<double> step) =>
        Math.Abs(step[0]) + Math.Abs(step[1]) + Math.Abs(step[2]) + 50 * (Math.Abs(step[3]) + Math.Abs(step[4]) + Math.Abs(step[5]));

    // Solves h·s = g (6×6, symmetric positive definite) by Cholesky; false when singular.
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
            double sum = g[i];
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

    // Per position p of an axis of `length` voxels, the kernel's taps divided by the sum of the taps that
    // fall inside the grid (0 for those outside): weights[p·taps + t + radius].
    private static float[] EdgeWeights(float[] kernel, int length)
    {
        if (kernel.Length == 0) return [];
        int taps = kernel.Length, radius = taps / 2;
        var w = new float[length * taps];
        for (int p = 0; p < length; p++)
        {
            int lo = Math.Max(-radius, -p), hi = Math.Min(radius, length - 1 - p);
            double sum = 0;
            for (int t = lo; t <= hi; t++) sum += kernel[t + radius];
            for (int t = lo; t <= hi; t++) w[p * taps + t + radius] = (float)(kernel[t + radius] / sum);
        }
        return w;
    }

    // Separable Gaussian, renormalised over the taps inside the grid: along x on the whole volume as one
    // shifted sum (positions near a row's ends are then redone with their renormalised taps), along y row
    // by row and along z plane by plane.
    private void Smooth(ReadOnlySpan<float> src, float[] dst)
    {
        if (_kernels[0].Length == 0) src.CopyTo(dst); else ConvolveX(src, dst);
        ConvolveRows(dst, _tmp, _kernels[1], _edgeWeights[1], _nx, _ny, _nz);
        ConvolveRows(_tmp, dst, _kernels[2], _edgeWeights[2], _nx * _ny, _nz, 1);
    }

    private void ConvolveX(ReadOnlySpan<float> src, Span<float> dst)
    {
        var weights = _edgeWeights[0];
        int taps = _kernels[0].Length, radius = taps / 2;
        if (_n > 2 * radius)
        {
            // interior weights are the middle position's (the kernel over its own sum)
            var inner = dst[radius..(_n - radius)];
            int mid = Math.Min(_nx - 1, radius) * taps;
            TensorPrimitives.Multiply(src[..(_n - 2 * radius)], weights[mid], inner);
            for (int t = 1; t < taps; t++)
                TensorPrimitives.MultiplyAdd(src.Slice(t, _n - 2 * radius), weights[mid + t], inner, inner);
        }
        if (_nx <= 2 * radius)
        {
            for (int row = 0; row < _ny * _nz; row++)
                for (int i = 0; i < _nx; i++) dst[row * _nx + i] = EdgeSum(src, row * _nx, i, weights, taps, radius);
            return;
        }
        for (int row = 0; row < _ny * _nz; row++)
        {
            int b = row * _nx;
            for (int i = 0; i < radius; i++) dst[b + i] = EdgeSum(src, b, i, weights, taps, radius);
            for (int i = _nx - radius; i < _nx; i++) dst[b + i] = EdgeSum(src, b, i, weights, taps, radius);
        }
    }

    private float EdgeSum(ReadOnlySpan<float> src, int rowStart, int i, float[] weights, int taps, int radius)
    {
        int lo = Math.Max(-radius, -i), hi = Math.Min(radius, _nx - 1 - i);
        float s = 0;
        for (int t = lo; t <= hi; t++) s += weights[i * taps + t + radius] * src[rowStart + i + t];
        return s;
    }

    // dst row p = Σ_t w[p, t]·src row p + t, for `count` rows of `width` values, in each of `blocks`
    // consecutive blocks of count·width values.
    private static void ConvolveRows(float[] src, float[] dst, float[] kernel, float[] weights, int width, int count, int blocks)
    {
        if (kernel.Length == 0) { src.AsSpan().CopyTo(dst); return; }
        int taps = kernel.Length, radius = taps / 2;
        for (int b = 0; b < blocks; b++)
        {
            int start = b * count * width;
            for (int p = 0; p < count; p++)
            {
                var d = dst.AsSpan(start + p * width, width);
                int lo = Math.Max(-radius, -p), hi = Math.Min(radius, count - 1 - p);
                TensorPrimitives.Multiply(src.AsSpan(start + (p + lo) * width, width), weights[p * taps + lo + radius], d);
                for (int t = lo + 1; t <= hi; t++)
                    TensorPrimitives.MultiplyAdd(src.AsSpan(start + (p + t) * width, width), weights[p * taps + t + radius], d, d);
            }
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
