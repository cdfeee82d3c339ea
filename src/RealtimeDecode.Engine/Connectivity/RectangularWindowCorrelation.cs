using System.Numerics;
using RealtimeDecode.Engine.Compute;
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
    // Compiled fully optimized at its first call and never again: run once every RecomputeInterval frames, it
    // reached the runtime's last tier only at its 33rd call, some 2,000 volumes into a session (over an hour at
    // TR 2 s), and that compilation ran on the pipeline's thread in the middle of a volume (7–11 ms against 0.5 ms).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    // A row's last partial vector is updated one edge at a time, then its output is the row's last whole
    // vector again: the edges it shares with the vector before are rewritten with the values they have.
    protected override void RowPass<TL, TV>(int i0, int i1, bool update, bool output, ref double outp)
    {
        int v = TL.Count;
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
            double ai = _a[i], nbi = -_b[i];
            var vai = TL.Splat(ai);
            var vnbi = TL.Splat(nbi);
            var vsi = TL.Splat(_sum[i]);
            var visi = TL.Splat(invSd[i]);
            int m = 0;
            for (; m <= len - v; m += v)
            {
                nuint jo = (nuint)(j0 + m), po = (nuint)(pos + m);
                var c = TL.Load(ref cross, po);
                if (update)
                {
                    c = TL.MultiplyAdd(vnbi, TL.Load(ref b, jo), TL.MultiplyAdd(vai, TL.Load(ref a, jo), c));
                    TL.Store(c, ref cross, po);
                }

                if (output) TL.Store(Edge<TL, TV>(c, vsi, visi, ref mean, ref isd, jo), ref outp, po);
            }

            if (m < len)
            {
                if (update)
                {
                    for (int k = m; k < len; k++)
                    {
                        ref double c = ref Unsafe.Add(ref cross, (nint)(pos + k));
                        c = Math.FusedMultiplyAdd(nbi, _b[j0 + k], Math.FusedMultiplyAdd(ai, _a[j0 + k], c));
                    }
                }

                if (output && len >= v)
                {
                    nuint jo = (nuint)(j0 + len - v), po = (nuint)(pos + len - v);
                    TL.Store(Edge<TL, TV>(TL.Load(ref cross, po), vsi, visi, ref mean, ref isd, jo), ref outp, po);
                }
                else if (output)
                {
                    for (int k = m; k < len; k++)
                    {
                        int j = j0 + k;
                        Unsafe.Add(ref outp, (nint)(pos + k)) = Final((Unsafe.Add(ref cross, (nint)(pos + k)) - _sum[i] * _mean[j]) * (invSd[i] * invSd[j]));
                    }
                }
            }

            pos += len;
        }
    }

    // The final value of the edges j = jo … jo + lanes − 1 of a row from their cross-products c.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TV Edge<TL, TV>(TV c, TV si, TV isi, ref double mean, ref double isd, nuint jo)
        where TL : struct, ILanes<TV>
        where TV : struct =>
        Final<TL, TV>(TL.Multiply(TL.Subtract(c, TL.Multiply(si, TL.Load(ref mean, jo))), TL.Multiply(isi, TL.Load(ref isd, jo))));
}
