using System.Numerics;
using RealtimeDecode.Engine.Compute;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RealtimeDecode.Engine.Connectivity;

/// <summary>
/// <see cref="WindowTaper.Exponential"/>: weighted Pearson over ALL frames so far, frame k of n weighted
/// λ^(n−1−k), λ = 2^(−1/<see cref="SlidingWindowOptions.EffectiveHalfLife"/>).
/// </summary>
/// <remarks>
/// Exact recursive update of the weighted means and centred co-moments (West's weighted Welford form),
/// O(R²) per frame; errors decay with λ. A non-finite value is taken as the ROI's current weighted mean
/// (it adds nothing to its co-moments) and makes the ROI degenerate for that frame's output.
/// Output starts after <see cref="SlidingWindowOptions.FramesToReady"/> frames (at least 2).
/// </remarks>
internal sealed class ExponentialCorrelation : CorrelationKernel
{
    private readonly double _lambda;
    private readonly double[] _cross;    // upper triangle of centred weighted co-moments
    private readonly double[] _diag;     // centred weighted second moments
    private readonly double[] _mean;     // weighted means (NaN until the ROI's first finite value)
    private readonly double[] _delta;    // δ = x − μ_{n−1}
    private readonly double[] _scaled;   // f·δ
    private double _weight;
    private long _frames;

    public ExponentialCorrelation(int roiCount, SlidingWindowOptions options)
        : base(roiCount, options)
    {
        _lambda = Math.Pow(2, -1 / options.EffectiveHalfLife);
        _cross = new double[EdgeCount];
        _diag = new double[roiCount];
        _mean = new double[roiCount];
        _delta = new double[roiCount];
        _scaled = new double[roiCount];
    }

    public override long FrameCount => _frames;

    public override void Reset()
    {
        _frames = 0;
        _weight = 0;
        Array.Clear(_cross);
        Array.Clear(_diag);
        base.Reset();
    }

    public override bool Push(ReadOnlySpan<double> frame, Span<double> edges)
    {
        if (_frames == 0)
        {
            for (int i = 0; i < R; i++) _mean[i] = double.IsFinite(frame[i]) ? frame[i] : double.NaN;
            _weight = 1;
            _frames = 1;
            return false;                    // the warm-up is at least 2 frames
        }
        // W_n = λW_{n−1} + 1; δ = x − μ_{n−1}; μ_n = μ_{n−1} + δ/W_n;
        // C_n = λC_{n−1} + (λW_{n−1}/W_n)·δδᵀ  (centred weighted co-moments, exact).
        double wNew = _lambda * _weight + 1;
        double f = _lambda * _weight / wNew;
        for (int i = 0; i < R; i++)
        {
            double x = frame[i];
            double d = 0;
            if (double.IsFinite(x))
            {
                if (double.IsNaN(_mean[i])) _mean[i] = x;
                else { d = x - _mean[i]; _mean[i] += d / wNew; }
            }
            _delta[i] = d;
            _scaled[i] = f * d;
            _diag[i] = _lambda * _diag[i] + f * d * d;
        }
        _weight = wNew;
        _frames++;
        bool ready = _frames >= Ready;
        if (ready)
        {
            int degenerate = 0;
            for (int i = 0; i < R; i++)
            {
                double d = _diag[i];
                if (!double.IsFinite(frame[i]) || !(d > 0)) { InvSd[i] = 0; degenerate++; }
                else InvSd[i] = 1 / Math.Sqrt(d);
            }
            Count(degenerate);
        }
        Rows(update: true, output: ready, edges);
        return ready;
    }

    // Rows [i0, i1): cross = λ·cross + (f δ_i)·δ_j, then r = cross·isd_i·isd_j. A row's last partial vector
    // is updated one edge at a time, then its output is the row's last whole vector again (the edges it
    // shares with the vector before get the values they already have).
    protected override void RowPass<TL, TV>(int i0, int i1, bool update, bool output, ref double outp)
    {
        int v = TL.Count;
        double[] invSd = InvSd;
        ref double cross = ref MemoryMarshal.GetArrayDataReference(_cross);
        ref double a = ref MemoryMarshal.GetArrayDataReference(_delta);
        ref double isd = ref MemoryMarshal.GetArrayDataReference(invSd);
        var vl = TL.Splat(_lambda);
        long pos = RowStart(i0);
        for (int i = i0; i < i1; i++)
        {
            int j0 = i + 1, len = R - j0;
            double fi = _scaled[i], isi = invSd[i];
            var vfi = TL.Splat(fi);
            var visi = TL.Splat(isi);
            int m = 0;
            for (; m <= len - v; m += v)
            {
                nuint jo = (nuint)(j0 + m), po = (nuint)(pos + m);
                var c = TL.MultiplyAdd(vfi, TL.Load(ref a, jo), TL.Multiply(vl, TL.Load(ref cross, po)));
                TL.Store(c, ref cross, po);
                if (output) TL.Store(Final<TL, TV>(TL.Multiply(c, TL.Multiply(visi, TL.Load(ref isd, jo)))), ref outp, po);
            }

            for (int k = m; k < len; k++)
            {
                ref double c = ref Unsafe.Add(ref cross, (nint)(pos + k));
                c = Math.FusedMultiplyAdd(fi, _delta[j0 + k], _lambda * c);
                if (output && len < v) Unsafe.Add(ref outp, (nint)(pos + k)) = Final(c * (isi * invSd[j0 + k]));
            }

            if (output && m < len && len >= v)
            {
                nuint jo = (nuint)(j0 + len - v), po = (nuint)(pos + len - v);
                TL.Store(Final<TL, TV>(TL.Multiply(TL.Load(ref cross, po), TL.Multiply(visi, TL.Load(ref isd, jo)))), ref outp, po);
            }

            pos += len;
        }
    }
}
