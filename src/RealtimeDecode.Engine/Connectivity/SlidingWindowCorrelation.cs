using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RealtimeDecode.Engine.Compute;
using RealtimeDecode.Engine.Tables;

namespace RealtimeDecode.Engine.Connectivity;

/// <summary>
/// Dynamic functional connectivity: the Pearson correlation matrix of R ROI series over a sliding
/// window, updated every frame. Output is the upper triangle i &lt; j, row-major
/// (0-1, 0-2, …, 0-(R−1), 1-2, …), <see cref="EdgeCount"/> = R(R−1)/2 values, r or Fisher z.
/// </summary>
/// <remarks>
/// <para>Definitions (frames are rows, ROIs columns; the normaliser cancels in r):</para>
/// <list type="bullet">
/// <item><see cref="WindowTaper.Rectangular"/>: <c>np.corrcoef</c> of the last W frames. Kept as
/// running sums of (x − c) and cross-products of the window, with a per-ROI reference c (the window
/// mean at the last exact recompute) so that large offsets do not cancel; each frame adds the newest
/// and removes the oldest frame in O(R²). Drift bound: every
/// <see cref="SlidingWindowOptions.RecomputeInterval"/> frames (and at the first full window) the
/// references and all sums are recomputed exactly from the ring buffer, so the state is never more
/// than that many add/remove roundings (each ≤ 1 ulp of the largest (x−c)² term) away from exact;
/// tests hold it to 1e-9 of a from-scratch recompute over 10,000 frames at mean 1000.</item>
/// <item><see cref="WindowTaper.Gaussian"/>: weighted Pearson over the last W frames with the fixed
/// weights of <see cref="SlidingWindowOptions.TaperWeights"/>. A tapered window cannot add/remove, so
/// each frame centres the ring with the weighted means and computes the weighted cross-products
/// exactly: W·R(R−1)/2 multiply-adds (1.04 M at R = 400, W = 13), SIMD, no drift.</item>
/// <item><see cref="WindowTaper.Exponential"/>: weighted Pearson over ALL frames so far, frame k of n
/// weighted λ^(n−1−k), λ = 2^(−1/half-life); exact recursive update of the weighted means and
/// centred co-moments (West's weighted Welford form), O(R²) per frame, errors decay with λ.
/// Output starts after <see cref="SlidingWindowOptions.FramesToReady"/> frames.</item>
/// </list>
/// <para>Degenerate ROIs: a ROI whose values in the window are all equal (zero variance), or that has
/// a non-finite value in the window (exponential taper: at the current frame), has correlation 0 with
/// every other ROI (never NaN) and is counted in <see cref="DegenerateRoiCount"/>. For the
/// exponential taper a non-finite value is taken as the ROI's current weighted mean (it adds nothing
/// to its co-moments). Every r is clamped to [−1, 1]. Fisher z = atanh(r) after clipping |r| to
/// 1 − <see cref="SlidingWindowOptions.FisherClip"/>.</para>
/// <para>Fisher z is computed in SIMD lanes by <see cref="EdgeTransforms"/> (within 1e−12 relative of
/// <see cref="Math.Atanh(double)"/>). No output before <see cref="IsReady"/>. All state is allocated in the
/// constructor; <see cref="Push"/> does not allocate, also when it uses two cores (<see cref="Parallelism"/>).</para>
/// </remarks>
public sealed unsafe class SlidingWindowCorrelation : IDisposable
{
    /// <summary>Edge count from which <see cref="Parallelism"/> defaults to two parts (on a machine with two or more cores).</summary>
    public const int ParallelEdgeThreshold = 150_000;

    private readonly SlidingWindowOptions _opt;
    private readonly int _r;
    private readonly int _w;
    private readonly int _ready;
    // Ring of the last W raw frames, row-major [slot][roi]; slot = frame index mod W.
    private readonly double[] _ring;
    private int _head;
    private long _frames;
    private readonly int[] _nonFinite;   // non-finite values of each ROI in the window
    private readonly int[] _run;         // consecutive frames equal to the previous one
    private readonly double[] _prev;

    private readonly double[] _cross;    // upper triangle of cross-products (rect, exp)
    private readonly double[] _diag;     // Σ of squares (rect: about the reference; gauss, exp: centred)
    private readonly double[] _sum;      // rect: Σ (x − c)
    private readonly double[] _shift;    // rect: reference c
    private readonly double[] _a;        // rect: newest (x − c); exp: δ
    private readonly double[] _b;        // rect: oldest (x − c)
    private readonly double[] _mean;
    private readonly double[] _invSd;
    private readonly double[] _z;        // [W][R] centred block (gauss; rect recompute)
    private readonly double[] _sqrtWeight;
    private readonly double[] _weight;
    private readonly double _weightSum;
    private readonly Vector<double>[] _coef;
    private readonly double _lambda;
    private readonly double _fisherHi;
    private double _expWeight;
    // Parallel row passes: rows [_bounds[k], _bounds[k+1]) are part k, with about equal edge counts.
    private int[] _bounds = [];
    private PartitionedWork? _work;
    private RowPass _pass;
    private bool _update;
    private bool _output;
    private double* _out;

    private enum RowPass { Rectangular, Exponential, Scale }

    /// <summary>Creates the kernel for <paramref name="roiCount"/> ROIs.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 ROIs, or invalid options (W &lt; 2, …).</exception>
    public SlidingWindowCorrelation(int roiCount, SlidingWindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (roiCount < 2)
            throw new ArgumentOutOfRangeException(nameof(roiCount), roiCount, "Correlation needs at least 2 ROIs.");
        options.Validate();
        _opt = options;
        _r = roiCount;
        _w = options.Window;
        _ready = options.FramesToReady;
        EdgeCount = EdgeLayout.EdgeCount(roiCount);
        _ring = new double[_w * _r];
        _nonFinite = new int[_r];
        _run = new int[_r];
        _prev = new double[_r];
        _cross = options.Taper == WindowTaper.Gaussian ? [] : new double[EdgeCount];
        _diag = new double[_r];
        _sum = new double[_r];
        _shift = new double[_r];
        _a = new double[_r];
        _b = new double[_r];
        _mean = new double[_r];
        _invSd = new double[_r];
        _z = options.Taper == WindowTaper.Exponential ? [] : new double[_w * _r];
        _weight = options.TaperWeights();
        _sqrtWeight = _weight.Select(Math.Sqrt).ToArray();
        _weightSum = _weight.Sum();
        _coef = new Vector<double>[_w];
        _lambda = Math.Pow(2, -1 / options.EffectiveHalfLife);
        _fisherHi = 1 - options.FisherClip;
        Parallelism = EdgeCount >= ParallelEdgeThreshold && Environment.ProcessorCount >= 2 ? 2 : 1;
    }

    /// <summary>
    /// Threads an O(R²) row pass uses (the incremental update and output of the rectangular and exponential
    /// tapers, the scaling of the Gaussian taper): the upper triangle is cut into this many blocks of whole
    /// rows with about equal edge counts; block 0 runs on the caller's thread, the others on preallocated
    /// thread-pool work items, so <see cref="Push"/> still allocates nothing. Every edge is computed by the
    /// same arithmetic whatever the split, so the output is bit-identical for every value. Default: 2 from
    /// <see cref="ParallelEdgeThreshold"/> edges on a machine with 2 or more cores (R = 1,000: 499,500 edges,
    /// where the pass is long enough for a second core to pay), else 1.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int Parallelism
    {
        get => _bounds.Length - 1;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            int parts = Math.Min(value, _r - 1);
            var bounds = new int[parts + 1];
            bounds[parts] = _r - 1;
            for (int k = 1, i = 0; k < parts; k++)
            {
                long target = (long)EdgeCount * k / parts;
                while (i < _r - 1 && RowStart(i + 1) <= target) i++;
                bounds[k] = Math.Max(i, bounds[k - 1]);
            }

            _work?.Dispose();
            _bounds = bounds;
            _work = parts > 1 ? new PartitionedWork(parts, RowsPart) : null;
        }
    }

    /// <summary>Releases the events of the parallel work items (nothing else holds resources).</summary>
    public void Dispose()
    {
        _work?.Dispose();
        _work = null;
        _bounds = [0, _r - 1];
    }

    // Output position of the first edge of row i.
    private long RowStart(int i) => EdgeLayout.RowStart(i, _r);

    // Runs one row pass over all rows, split into the parts of Parallelism.
    private void Rows(RowPass pass, bool update, bool output, Span<double> edges)
    {
        fixed (double* p = edges)
        {
            _pass = pass;
            _update = update;
            _output = output;
            _out = p;
            try
            {
                if (_work is null) RowsPart(0);
                else _work.Run();
            }
            finally
            {
                _out = null;
            }
        }
    }

    private void RowsPart(int part)
    {
        int i0 = _bounds[part], i1 = _bounds[part + 1];
        ref double outp = ref Unsafe.AsRef<double>(_out);
        switch (_pass)
        {
            case RowPass.Rectangular: RectangularRows(i0, i1, _update, _output, ref outp); break;
            case RowPass.Exponential: ExponentialRows(i0, i1, _output, ref outp); break;
            default: ScaleRows(i0, i1, ref outp); break;
        }
    }

    /// <summary>The options in force.</summary>
    public SlidingWindowOptions Options => _opt;

    /// <summary>Number of ROIs R.</summary>
    public int RoiCount => _r;

    /// <summary>Output length R(R−1)/2.</summary>
    public int EdgeCount { get; }

    /// <summary>Frames pushed since construction or <see cref="Reset"/>.</summary>
    public long FrameCount => _frames;

    /// <summary>Whether enough frames have been seen to produce output (W, or the exponential warm-up).</summary>
    public bool IsReady => _frames >= _ready;

    /// <summary>Degenerate ROIs (zero variance or non-finite in the window) in the last output; their edges are 0.</summary>
    public int DegenerateRoiCount { get; private set; }

    /// <summary>Sum of <see cref="DegenerateRoiCount"/> over all outputs since construction or <see cref="Reset"/>.</summary>
    public long DegenerateRoiTotal { get; private set; }

    /// <summary>Forgets all frames.</summary>
    public void Reset()
    {
        _frames = 0;
        _head = 0;
        _expWeight = 0;
        Array.Clear(_ring);
        Array.Clear(_nonFinite);
        Array.Clear(_run);
        Array.Clear(_cross);
        Array.Clear(_diag);
        Array.Clear(_sum);
        DegenerateRoiCount = 0;
        DegenerateRoiTotal = 0;
    }

    /// <summary>
    /// Adds one frame (one value per ROI). When <see cref="IsReady"/> after it, writes the window's
    /// correlations into <paramref name="edges"/> and returns true; otherwise leaves
    /// <paramref name="edges"/> untouched and returns false.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="frame"/> is not R long or <paramref name="edges"/> not R(R−1)/2.</exception>
    public bool Push(ReadOnlySpan<double> frame, Span<double> edges)
    {
        if (frame.Length != _r)
            throw new ArgumentException($"The frame has {frame.Length} values, the kernel was built for {_r} ROIs.", nameof(frame));
        if (edges.Length != EdgeCount)
            throw new ArgumentException($"The output span has {edges.Length} elements, {_r} ROIs have {EdgeCount} edges.", nameof(edges));
        bool ready = _opt.Taper switch
        {
            WindowTaper.Rectangular => PushRectangular(frame, edges),
            WindowTaper.Gaussian => PushGaussian(frame, edges),
            _ => PushExponential(frame, edges),
        };
        return ready;
    }

    // Stores the frame in the ring; returns the slot written. Tracks non-finite and constant runs.
    private int Store(ReadOnlySpan<double> frame)
    {
        int slot = _head;
        var row = _ring.AsSpan(slot * _r, _r);
        bool full = _frames >= _w;
        for (int i = 0; i < _r; i++)
        {
            double x = frame[i];
            if (full && !double.IsFinite(row[i])) _nonFinite[i]--;
            bool finite = double.IsFinite(x);
            if (!finite) _nonFinite[i]++;
            _run[i] = finite && _frames > 0 && x == _prev[i] ? _run[i] + 1 : 0;
            _prev[i] = x;
            row[i] = x;
        }
        _head = slot + 1 == _w ? 0 : slot + 1;
        _frames++;
        return slot;
    }

    private bool IsConstantOrMissing(int i) => _nonFinite[i] > 0 || _run[i] >= _w - 1;

    private bool PushRectangular(ReadOnlySpan<double> frame, Span<double> edges)
    {
        bool full = _frames >= _w;
        int slot = _head;
        if (_frames == 0)
            for (int i = 0; i < _r; i++) _shift[i] = double.IsFinite(frame[i]) ? frame[i] : 0;
        var oldRow = _ring.AsSpan(slot * _r, _r);
        for (int i = 0; i < _r; i++)
        {
            double x = frame[i];
            _a[i] = double.IsFinite(x) ? x - _shift[i] : 0;
            double o = oldRow[i];
            _b[i] = full && double.IsFinite(o) ? o - _shift[i] : 0;
        }
        Store(frame);
        bool ready = _frames >= _w;
        bool recompute = ready && (_frames - _w) % _opt.RecomputeInterval == 0;
        if (recompute)
        {
            RecomputeRectangular();
        }
        else
        {
            for (int i = 0; i < _r; i++)
            {
                double a = _a[i], b = _b[i];
                _sum[i] += a - b;
                _diag[i] += a * a - b * b;
            }
        }
        if (ready)
        {
            int degenerate = 0;
            double invW = 1.0 / _w;
            for (int i = 0; i < _r; i++)
            {
                double m = _sum[i] * invW;
                double v = _diag[i] - _sum[i] * m;
                _mean[i] = m;
                if (IsConstantOrMissing(i) || !(v > 0)) { _invSd[i] = 0; degenerate++; }
                else _invSd[i] = 1 / Math.Sqrt(v);
            }
            Count(degenerate);
        }
        Rows(RowPass.Rectangular, update: !recompute, output: ready, edges);
        return ready;
    }

    // Exact state from the ring: references c = window means of the finite values, then Σ(x−c),
    // Σ(x−c)² and the cross-products of (x−c) from scratch.
    private void RecomputeRectangular()
    {
        Array.Clear(_shift);
        Array.Clear(_sum);
        for (int k = 0; k < _w; k++)
        {
            var row = _ring.AsSpan(k * _r, _r);
            for (int i = 0; i < _r; i++)
                if (double.IsFinite(row[i])) { _shift[i] += row[i]; _sum[i]++; }
        }
        for (int i = 0; i < _r; i++) _shift[i] = _sum[i] > 0 ? _shift[i] / _sum[i] : 0;
        Array.Clear(_sum);
        for (int k = 0; k < _w; k++)
        {
            var row = _ring.AsSpan(k * _r, _r);
            var z = _z.AsSpan(k * _r, _r);
            for (int i = 0; i < _r; i++)
            {
                double d = double.IsFinite(row[i]) ? row[i] - _shift[i] : 0;
                z[i] = d;
                _sum[i] += d;
            }
        }
        CrossProducts.UpperTriangle(_z, _w, _r, _cross, _diag, _coef);
    }

    // Rows [i0, i1): cross[i,j] += a_i a_j − b_i b_j (update), then r = (cross − s_i·m_j)·isd_i·isd_j (output).
    private void RectangularRows(int i0, int i1, bool update, bool output, ref double outp)
    {
        int v = Vector<double>.Count;
        ref double cross = ref MemoryMarshal.GetArrayDataReference(_cross);
        ref double a = ref MemoryMarshal.GetArrayDataReference(_a);
        ref double b = ref MemoryMarshal.GetArrayDataReference(_b);
        ref double mean = ref MemoryMarshal.GetArrayDataReference(_mean);
        ref double isd = ref MemoryMarshal.GetArrayDataReference(_invSd);
        long pos = RowStart(i0);
        for (int i = i0; i < i1; i++)
        {
            int j0 = i + 1, len = _r - j0;
            double ai = _a[i], bi = _b[i], si = _sum[i], isi = _invSd[i];
            var vai = new Vector<double>(ai);
            var vbi = new Vector<double>(bi);
            var vsi = new Vector<double>(si);
            var visi = new Vector<double>(isi);
            int m = 0;
            for (; m <= len - v; m += v)
            {
                nuint jo = (nuint)(j0 + m), po = (nuint)(pos + m);
                var c = Vector.LoadUnsafe(ref cross, po);
                if (update)
                {
                    c = Vector.FusedMultiplyAdd(vai, Vector.LoadUnsafe(ref a, jo), c);
                    c = Vector.FusedMultiplyAdd(-vbi, Vector.LoadUnsafe(ref b, jo), c);
                    c.StoreUnsafe(ref cross, po);
                }
                if (output)
                    Final((c - vsi * Vector.LoadUnsafe(ref mean, jo)) * (visi * Vector.LoadUnsafe(ref isd, jo))).StoreUnsafe(ref outp, po);
            }
            for (; m < len; m++)
            {
                int j = j0 + m;
                nint p = (nint)(pos + m);
                double c = Unsafe.Add(ref cross, p);
                if (update)
                {
                    c = Math.FusedMultiplyAdd(ai, _a[j], c);
                    c = Math.FusedMultiplyAdd(-bi, _b[j], c);
                    Unsafe.Add(ref cross, p) = c;
                }
                if (output) Unsafe.Add(ref outp, p) = Final((c - si * _mean[j]) * (isi * _invSd[j]));
            }
            pos += len;
        }
    }

    private bool PushGaussian(ReadOnlySpan<double> frame, Span<double> edges)
    {
        Store(frame);
        if (_frames < _w) return false;
        // After Store, _head is the oldest slot: the k-th oldest frame is slot (_head + k) mod W.
        Array.Clear(_mean);
        for (int k = 0; k < _w; k++)
        {
            var row = _ring.AsSpan(((_head + k) % _w) * _r, _r);
            double wk = _weight[k];
            for (int i = 0; i < _r; i++)
                if (double.IsFinite(row[i])) _mean[i] += wk * row[i];
        }
        double inv = 1 / _weightSum;
        for (int i = 0; i < _r; i++) _mean[i] *= inv;
        for (int k = 0; k < _w; k++)
        {
            var row = _ring.AsSpan(((_head + k) % _w) * _r, _r);
            var z = _z.AsSpan(k * _r, _r);
            double sw = _sqrtWeight[k];
            for (int i = 0; i < _r; i++)
                z[i] = double.IsFinite(row[i]) ? sw * (row[i] - _mean[i]) : 0;
        }
        CrossProducts.UpperTriangle(_z, _w, _r, edges, _diag, _coef);
        int degenerate = 0;
        for (int i = 0; i < _r; i++)
        {
            double d = _diag[i];
            if (IsConstantOrMissing(i) || !(d > 0)) { _invSd[i] = 0; degenerate++; }
            else _invSd[i] = 1 / Math.Sqrt(d);
        }
        Count(degenerate);
        Rows(RowPass.Scale, false, true, edges);
        return true;
    }

    // Rows [i0, i1): edges[i,j] = final(edges[i,j]·isd_i·isd_j).
    private void ScaleRows(int i0, int i1, ref double outp)
    {
        int v = Vector<double>.Count;
        ref double isd = ref MemoryMarshal.GetArrayDataReference(_invSd);
        long pos = RowStart(i0);
        for (int i = i0; i < i1; i++)
        {
            int j0 = i + 1, len = _r - j0;
            double isi = _invSd[i];
            var visi = new Vector<double>(isi);
            int m = 0;
            for (; m <= len - v; m += v)
            {
                nuint jo = (nuint)(j0 + m), po = (nuint)(pos + m);
                Final(Vector.LoadUnsafe(ref outp, po) * (visi * Vector.LoadUnsafe(ref isd, jo))).StoreUnsafe(ref outp, po);
            }
            for (; m < len; m++)
            {
                ref double e = ref Unsafe.Add(ref outp, (nint)(pos + m));
                e = Final(e * (isi * _invSd[j0 + m]));
            }
            pos += len;
        }
    }

    private bool PushExponential(ReadOnlySpan<double> frame, Span<double> edges)
    {
        if (_frames == 0)
        {
            for (int i = 0; i < _r; i++) _mean[i] = double.IsFinite(frame[i]) ? frame[i] : double.NaN;
            _expWeight = 1;
            _frames = 1;
            return false;                    // the warm-up is at least 2 frames
        }
        // W_n = λW_{n−1} + 1; δ = x − μ_{n−1}; μ_n = μ_{n−1} + δ/W_n;
        // C_n = λC_{n−1} + (λW_{n−1}/W_n)·δδᵀ  (centred weighted co-moments, exact).
        double wNew = _lambda * _expWeight + 1;
        double f = _lambda * _expWeight / wNew;
        for (int i = 0; i < _r; i++)
        {
            double x = frame[i];
            double d = 0;
            if (double.IsFinite(x))
            {
                if (double.IsNaN(_mean[i])) _mean[i] = x;
                else { d = x - _mean[i]; _mean[i] += d / wNew; }
            }
            _a[i] = d;
            _b[i] = f * d;
            _diag[i] = _lambda * _diag[i] + f * d * d;
        }
        _expWeight = wNew;
        _frames++;
        bool ready = _frames >= _ready;
        if (ready)
        {
            int degenerate = 0;
            for (int i = 0; i < _r; i++)
            {
                double d = _diag[i];
                if (!double.IsFinite(frame[i]) || !(d > 0)) { _invSd[i] = 0; degenerate++; }
                else _invSd[i] = 1 / Math.Sqrt(d);
            }
            Count(degenerate);
        }
        Rows(RowPass.Exponential, false, ready, edges);
        return ready;
    }

    // Rows [i0, i1): cross = λ·cross + (f δ_i)·δ_j, then r = cross·isd_i·isd_j.
    private void ExponentialRows(int i0, int i1, bool output, ref double outp)
    {
        int v = Vector<double>.Count;
        ref double cross = ref MemoryMarshal.GetArrayDataReference(_cross);
        ref double a = ref MemoryMarshal.GetArrayDataReference(_a);
        ref double isd = ref MemoryMarshal.GetArrayDataReference(_invSd);
        var vl = new Vector<double>(_lambda);
        long pos = RowStart(i0);
        for (int i = i0; i < i1; i++)
        {
            int j0 = i + 1, len = _r - j0;
            double fi = _b[i], isi = _invSd[i];
            var vfi = new Vector<double>(fi);
            var visi = new Vector<double>(isi);
            int m = 0;
            for (; m <= len - v; m += v)
            {
                nuint jo = (nuint)(j0 + m), po = (nuint)(pos + m);
                var c = Vector.FusedMultiplyAdd(vfi, Vector.LoadUnsafe(ref a, jo), vl * Vector.LoadUnsafe(ref cross, po));
                c.StoreUnsafe(ref cross, po);
                if (output) Final(c * (visi * Vector.LoadUnsafe(ref isd, jo))).StoreUnsafe(ref outp, po);
            }
            for (; m < len; m++)
            {
                int j = j0 + m;
                nint p = (nint)(pos + m);
                double c = Math.FusedMultiplyAdd(fi, _a[j], _lambda * Unsafe.Add(ref cross, p));
                Unsafe.Add(ref cross, p) = c;
                if (output) Unsafe.Add(ref outp, p) = Final(c * (isi * _invSd[j]));
            }
            pos += len;
        }
    }

    private void Count(int degenerate)
    {
        DegenerateRoiCount = degenerate;
        DegenerateRoiTotal += degenerate;
    }

    // Final value of an edge: r clamped to [−1, 1], or Fisher z = atanh(r) after clipping |r| ≤ 1 − clip
    // (EdgeTransforms: within 1e−12 relative of Math.Atanh). Applied in the same pass that computes r,
    // while the value is in a register: a separate pass over the edges would cost a second trip to memory.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector<double> Final(Vector<double> r) =>
        _opt.FisherZ ? EdgeTransforms.FisherZ(r, new Vector<double>(_fisherHi)) : EdgeTransforms.ClampR(r);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double Final(double r) => _opt.FisherZ ? EdgeTransforms.FisherZ(r, _fisherHi) : Math.Clamp(r, -1, 1);

    /// <summary>
    /// Batch form used offline: runs <paramref name="series"/> (row-major, rows = volumes,
    /// <paramref name="roiCount"/> columns) through a fresh kernel and returns the outputs row-major,
    /// one row of <see cref="EdgeCount"/> values per frame from frame
    /// <see cref="SlidingWindowOptions.FramesToReady"/> − 1 on (row r is the window ending at frame
    /// FramesToReady − 1 + r); empty when the series is shorter.
    /// </summary>
    public static double[] ComputeAll(ReadOnlySpan<double> series, int roiCount, SlidingWindowOptions options)
    {
        using var k = new SlidingWindowCorrelation(roiCount, options);
        if (series.Length % roiCount != 0)
            throw new ArgumentException($"{series.Length} values are not a whole number of {roiCount}-ROI frames.", nameof(series));
        int frames = series.Length / roiCount;
        int rows = Math.Max(0, frames - options.FramesToReady + 1);
        var result = new double[checked((long)rows * k.EdgeCount)];
        // Before the first output Push leaves its span untouched, so row 0 can take those frames.
        var scratch = rows == 0 ? new double[k.EdgeCount] : null;
        int row = 0;
        for (int t = 0; t < frames; t++)
        {
            var dest = scratch ?? result.AsSpan(row * k.EdgeCount, k.EdgeCount);
            if (k.Push(series.Slice(t * roiCount, roiCount), dest)) row++;
        }
        return result;
    }

    /// <summary>
    /// Batch form on an ROI table: the result has <c>volume</c> = the last volume of each window and
    /// one column per edge named <c>&lt;roiA&gt;~&lt;roiB&gt;</c> in output order.
    /// </summary>
    public static NumericTable ComputeAll(NumericTable roiTable, SlidingWindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(roiTable);
        ArgumentNullException.ThrowIfNull(options);
        int r = roiTable.ColumnCount;
        var values = ComputeAll(roiTable.Values, r, options);
        var names = EdgeLayout.Names(roiTable.Columns);
        int rows = names.Length == 0 ? 0 : values.Length / names.Length;
        var volumes = new int[rows];
        for (int t = 0; t < rows; t++) volumes[t] = roiTable.Volumes[options.FramesToReady - 1 + t];
        return new NumericTable(names, volumes, values);
    }
}
