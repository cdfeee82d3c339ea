using System.Numerics;
using RealtimeDecode.Engine.Compute;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RealtimeDecode.Engine.Connectivity;

/// <summary>
/// <see cref="WindowTaper.Gaussian"/>: weighted Pearson over the last W frames with the fixed weights of
/// <see cref="SlidingWindowOptions.TaperWeights"/> (oldest frame first).
/// </summary>
/// <remarks>
/// A tapered window cannot add/remove, so each frame centres the ring with the weighted means and
/// computes the weighted cross-products exactly: W·R(R−1)/2 multiply-adds (1.04 M at R = 400, W = 13),
/// SIMD, no drift. Non-finite values count as the weighted mean; their ROI is degenerate while they are
/// in the window.
/// </remarks>
internal sealed class GaussianWindowCorrelation : CorrelationKernel
{
    private readonly int _w;
    private readonly FrameRing _ring;
    private readonly double[] _diag;     // Σ w (x − μ)²
    private readonly double[] _mean;     // weighted means
    private readonly double[] _z;        // [W][R] block of √w (x − μ), oldest frame first
    private readonly double[] _sqrtWeight;
    private readonly double[] _weight;
    private readonly double _weightSum;
    private readonly Vector<double>[] _coef;

    public GaussianWindowCorrelation(int roiCount, SlidingWindowOptions options)
        : base(roiCount, options)
    {
        _w = options.Window;
        _ring = new FrameRing(_w, roiCount);
        _diag = new double[roiCount];
        _mean = new double[roiCount];
        _z = new double[_w * roiCount];
        _weight = options.TaperWeights();
        _sqrtWeight = _weight.Select(Math.Sqrt).ToArray();
        _weightSum = _weight.Sum();
        _coef = new Vector<double>[_w];
    }

    public override long FrameCount => _ring.Count;

    public override void Reset()
    {
        _ring.Reset();
        Array.Clear(_diag);
        base.Reset();
    }

    public override bool Push(ReadOnlySpan<double> frame, Span<double> edges)
    {
        _ring.Store(frame);
        if (_ring.Count < _w) return false;
        // After Store, Head is the oldest slot: the k-th oldest frame is slot (Head + k) mod W.
        int head = _ring.Head;
        Array.Clear(_mean);
        for (int k = 0; k < _w; k++)
        {
            var row = _ring.Row((head + k) % _w);
            double wk = _weight[k];
            for (int i = 0; i < R; i++)
                if (double.IsFinite(row[i])) _mean[i] += wk * row[i];
        }
        double inv = 1 / _weightSum;
        for (int i = 0; i < R; i++) _mean[i] *= inv;
        for (int k = 0; k < _w; k++)
        {
            var row = _ring.Row((head + k) % _w);
            var z = _z.AsSpan(k * R, R);
            double sw = _sqrtWeight[k];
            for (int i = 0; i < R; i++)
                z[i] = double.IsFinite(row[i]) ? sw * (row[i] - _mean[i]) : 0;
        }
        CrossProducts.UpperTriangle(_z, _w, R, edges, _diag, _coef);
        int degenerate = 0;
        for (int i = 0; i < R; i++)
        {
            double d = _diag[i];
            if (_ring.IsConstantOrMissing(i) || !(d > 0)) { InvSd[i] = 0; degenerate++; }
            else InvSd[i] = 1 / Math.Sqrt(d);
        }
        Count(degenerate);
        Rows(update: false, output: true, edges);
        return true;
    }

    // Rows [i0, i1): edges[i,j] = final(edges[i,j]·isd_i·isd_j); the cross-products are already in place.
    protected override void RowPass<TL, TV>(int i0, int i1, bool update, bool output, ref double outp)
    {
        int v = TL.Count;
        double[] invSd = InvSd;
        ref double isd = ref MemoryMarshal.GetArrayDataReference(invSd);
        long pos = RowStart(i0);
        for (int i = i0; i < i1; i++)
        {
            int j0 = i + 1, len = R - j0;
            double isi = invSd[i];
            var visi = TL.Splat(isi);
            int m = 0;
            for (; m <= len - v; m += v)
            {
                nuint jo = (nuint)(j0 + m), po = (nuint)(pos + m);
                TL.Store(Final<TL, TV>(TL.Multiply(TL.Load(ref outp, po), TL.Multiply(visi, TL.Load(ref isd, jo)))), ref outp, po);
            }

            for (; m < len; m++)
            {
                ref double e = ref Unsafe.Add(ref outp, (nint)(pos + m));
                e = Final(e * (isi * invSd[j0 + m]));
            }

            pos += len;
        }
    }
}
