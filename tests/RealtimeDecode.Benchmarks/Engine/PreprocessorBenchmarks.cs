using BenchmarkDotNet.Attributes;
using RealtimeDecode.Engine.Preprocessing;

namespace RealtimeDecode.Benchmarks.Engine;

/// <summary>One frame through the preprocessing chain at R = 400: quadratic detrend + 6 nuisances (one GLM), then z-score.</summary>
[MemoryDiagnoser, MinColumn, MedianColumn]
public class PreprocessorBenchmarks
{
    private const int Rois = 400;
    private const int FramesPerInvoke = 64;
    private Preprocessor _chain = null!;
    private double[] _frames = null!;
    private double[] _nuisance = null!;
    private double[] _out = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(6);
        _frames = new double[FramesPerInvoke * Rois];
        _nuisance = new double[FramesPerInvoke * 6];
        for (int i = 0; i < _frames.Length; i++) _frames[i] = 1000 + rng.NextDouble() * 10;
        for (int i = 0; i < _nuisance.Length; i++) _nuisance[i] = 500 + rng.NextDouble() * 10;
        _chain = new Preprocessor(Rois, new PreprocessingOptions(DetrendOrder: 2, ZScore: true, NuisanceCount: 6));
        _out = new double[Rois];
        PushFrame();
    }

    [Benchmark(OperationsPerInvoke = FramesPerInvoke)]
    public void PushFrame()
    {
        for (int t = 0; t < FramesPerInvoke; t++)
            _chain.Push(_frames.AsSpan(t * Rois, Rois), _nuisance.AsSpan(t * 6, 6), _out);
    }
}
