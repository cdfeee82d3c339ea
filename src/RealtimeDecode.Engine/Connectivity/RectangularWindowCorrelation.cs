using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RealtimeDecode.Engine.Connectivity;

/// <summary>
/// <see cref="WindowTaper.Rectangular"/>: <c>np.corrcoef</c> of the last W frames, kept as running sums
/// of (x − c) and cross-products of the window, with a per-ROI reference c (the window mean at the last
/// exact recompute) so that large offsets do not cancel; each frame adds the newest and removes the
/// oldest frame in O(R²).
/// </summary>
/// <remarks>
/// Drift bound: every <see cref="SlidingWindowOptions.RecomputeInterval"/> frames (and at the first full
/// window) the references and all sums are recomputed exactly from the ring, so the state is never more
/// than that many add/remove roundings (each ≤ 1 ulp of the largest (x−c)² term) away from exact.
/// Non-finite values count as c (they add nothing); their ROI is degenerate while they are in the window.
/// </remarks>
internal sealed class RectangularWindowCorrelation : CorrelationKernel
{
    private readonly int _w;
    private readonly int _recomputeInterval;
    private readonly FrameRing _ring;
    private readonly double[] _cross;    // upper triangle of Σ (x_i − c_i)(x_j − c_j)
    private readonly double[] _diag;     // Σ (x − c)²
    private readonly double[] _sum;      // Σ (x − c)
    private readonly double[] _shift;    // reference c
    private readonly double[] _a;        // newest (x − c)
    private readonly double[] _b;        // oldest (x − c)
    private readonly double[] _mean;     // window mean of (x − c)
    private readonly double[] _z;        // [W][R] block of (x − c) for the exact recompute
    private readonly Vector<double>[] _coef;

    public RectangularWindowCorrelation(int roiCount, SlidingWindowOptions options)
        : base(roiCount, options)
    {
        _w = options.Window;
        _recomputeInterval = options.RecomputeInterval;
        _ring = new FrameRing(_w, roiCount);
        _cross = new double[EdgeCount];
        _diag = new double[roiCount];
        _sum = new double[roiCount];
        _shift = new double[roiCount];
        _a = new double[roiCount];
        _b = new double[roiCount];
        _mean = new double[roiCount];
        _z = new double[_w * roiCount];
        _coef = new Vector<double>[_w];
    }

    public override long FrameCount => _ring.Count;

    public override void Reset()
    {
        _ring.Reset();
        Array.Clear(_cross);
        Array.Clear(_diag);
        Array.Clear(_sum);
        base.Reset();
    }

    public override bool Push(ReadOnlySpan<double> frame, Span<double> edges)
    {
        bool full = _ring.IsFull;
        if (_ring.Count == 0)
            for (int i = 0; i < R; i++) _shift[i] = double.IsFinite(frame[i]) ? frame[i] : 0;
        var oldRow = _ring.Row(_ring.Head);
        for (int i = 0; i < R; i++)
        {
            double x = frame[i];
            _a[i] = double.IsFinite(x) ? x - _shift[i] : 0;
            double o = oldRow[i];
            _b[i] = full && double.IsFinite(o) ? o - _shift[i] : 0;
        }
        _ring.Store(frame);
        bool ready = _ring.Count >= _w;
        bool recompute = ready && (_ring.Count - _w) % _recomputeInterval == 0;
        if (recompute)
        {
            Recompute();
        }
        else
        {
            for (int i = 0; i < R; i++)
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
            for (int i = 0; i < R; i++)
            {
                double m = _sum[i] * invW;
                double v = _diag[i] - _sum[i] * m;
                _mean[i] = m;
                if (_ring.IsConstantOrMissing(i) || !(v > 0)) { InvSd[i] = 0; degenerate++; }
                else InvSd[i] = 1 / Math.Sqrt(v);
            }
            Count(degenerate);
        }
        Rows(update: !recompute, output: ready, edges);
        return ready;
    }

    // Exact state from the ring: references c = window means of the finite values, then Σ(x−c),
    // Σ(x−c)² and the cross-products of (x−c) from scratch.
    private void Recompute()
    {
        Array.Clear(_shift);
        Array.Clear(_sum);
        for (int k = 0; k < _w; k++)
        {
            var row = _ring.Row(k);
            for (int i = 0; i < R; i++)
                if (double.IsFinite(row[i])) { _shift[i] += row[i]; _sum[i]++; }
        }
        for (int i = 0; i < R; i++) _shift[i] = _sum[i] > 0 ? _shift[i] / _sum[i] : 0;
        Array.Clear(_sum);
        for (int k = 0; k < _w; k++)
        {
            var row = _ring.Row(k);
            var z = _z.AsSpan(k * R, R);
            for (int i = 0; i < R; i++)
            {
                double d = double.IsFinite(row[i]) ? row[i] - _shift[i] : 0;
                z[i] = d;
                _sum[i] += d;
            }
        }
        CrossProducts.UpperTriangle(_z, _w, R, _cross, _diag, _coef);
    }

    // Rows [i0, i1): cross[i,j] += a_i a_j − b_i b_j (update), then r = (cross − s_i·m_j)·isd_i·isd_j (output).
    protected override void RowPass(int i0, int i1, bool update, bool output, ref double outp)
    {
        int v = Vector<double>.Count;
        double[] invSd = InvSd;
        ref double cross = ref MemoryMarshal.GetArrayDataReference(_cross);
        ref double a = ref MemoryMarshal.GetArrayDataReference(_a);
        ref double b = ref MemoryMarshal.GetArrayDataReference(_b);
        ref double mean = ref MemoryMarshal.GetArrayDataReference(_mean);
        ref double isd = ref MemoryMarshal.GetArrayDataReference(invSd);
        long pos = RowStart(i0);
        for (int i = i0; i < i1; i++)
        {
            int j0 = i + 1, len = R - j0;
            double ai = _a[i], bi = _b[i], si = _sum[i], isi = invSd[i];
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
                if (output) Unsafe.Add(ref outp, p) = Final((c - si * _mean[j]) * (isi * invSd[j]));
            }
            pos += len;
        }
    }
}
