using BenchmarkDotNet.Attributes;
using RealtimeDecode.Training.Fitting;

namespace RealtimeDecode.Benchmarks.Decoding;

/// <summary>
/// Ridge training at the published scale: 2,000 windows × 79,800 features × 8 targets, dual form
/// (K = XXᵀ by the blocked float64 GEMM, Cholesky of K + αI). Run with <c>--job dry</c> (one iteration).
/// </summary>
[MemoryDiagnoser]
public class RidgeTrainingBenchmarks
{
    private RowMajorMatrix _x = null!;
    private RowMajorMatrix _y = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(2);
        _x = new RowMajorMatrix(2_000, 79_800);
        for (long i = 0; i < _x.Data.LongLength; i++)
        {
            _x.Data[i] = rng.NextDouble() - 0.5;
        }

        _y = new RowMajorMatrix(2_000, 8);
        for (int i = 0; i < _y.Data.Length; i++)
        {
            _y.Data[i] = rng.NextDouble();
        }
    }

    [Benchmark]
    public double RidgeFitDual()
    {
        var (w, b) = RidgeFitter.Fit(_x, _y, 10.0);
        return w[0] + b[0];
    }
}
