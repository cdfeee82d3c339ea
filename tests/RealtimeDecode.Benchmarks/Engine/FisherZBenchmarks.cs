using BenchmarkDotNet.Attributes;
using RealtimeDecode.Engine.Connectivity;

namespace RealtimeDecode.Benchmarks.Engine;

/// <summary>
/// The Fisher z transform of one window's edges alone: the scalar loop (Math.Atanh of the clipped r, as
/// the correlation kernel computed it before) against <see cref="EdgeTransforms.FisherZ(ReadOnlySpan{double}, Span{double}, double)"/>
/// in SIMD lanes; r uniform in (−1, 1), clip 1e−7, at the published (79,800 edges) and multiband
/// (499,500 edges) scales.
/// </summary>
[MemoryDiagnoser, MinColumn, MedianColumn]
public class FisherZBenchmarks
{
    private double[] _r = null!;
    private double[] _z = null!;

    [Params(79_800, 499_500)]
    public int Edges { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(5);
        _r = new double[Edges];
        for (int i = 0; i < _r.Length; i++) _r[i] = rng.NextDouble() * 2 - 1;
        _z = new double[Edges];
    }

    [Benchmark(Baseline = true)]
    public double Scalar()
    {
        const double hi = 1 - 1e-7;
        var r = _r;
        var z = _z;
        for (int i = 0; i < r.Length; i++) z[i] = Math.Atanh(Math.Clamp(r[i], -hi, hi));
        return z[^1];
    }

    [Benchmark]
    public double Vectorised()
    {
        EdgeTransforms.FisherZ(_r, _z, 1e-7);
        return _z[^1];
    }
}
