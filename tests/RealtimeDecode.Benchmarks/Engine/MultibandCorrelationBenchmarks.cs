using BenchmarkDotNet.Attributes;
using RealtimeDecode.Engine.Connectivity;

namespace RealtimeDecode.Benchmarks.Engine;

/// <summary>
/// One frame update of the sliding-window correlation at multiband scale: R = 1,000 ROIs (499,500 edges),
/// W = 13, rectangular, Fisher z, on one core and split over two (<see cref="SlidingWindowCorrelation.Parallelism"/>).
/// Each invocation pushes 64 frames (one full recompute period), as <see cref="SlidingWindowCorrelationBenchmarks"/>.
/// </summary>
[MemoryDiagnoser, MinColumn, MedianColumn]
public class MultibandCorrelationBenchmarks
{
    private const int Rois = 1000;
    private const int FramesPerInvoke = 64;
    private SlidingWindowCorrelation _kernel = null!;
    private double[] _frames = null!;
    private double[] _edges = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(13);
        _frames = new double[FramesPerInvoke * Rois];
        for (int i = 0; i < _frames.Length; i++) _frames[i] = 1000 + rng.NextDouble() * 10;
        _kernel = new SlidingWindowCorrelation(Rois, new SlidingWindowOptions { Window = 13, FisherZ = true }) { Parallelism = Threads };
        _edges = new double[_kernel.EdgeCount];
        for (int t = 0; t < FramesPerInvoke; t++) _kernel.Push(_frames.AsSpan(t * Rois, Rois), _edges);
    }

    [GlobalCleanup]
    public void Cleanup() => _kernel.Dispose();

    [Benchmark(OperationsPerInvoke = FramesPerInvoke)]
    public bool PushFrame()
    {
        bool ready = false;
        for (int t = 0; t < FramesPerInvoke; t++) ready = _kernel.Push(_frames.AsSpan(t * Rois, Rois), _edges);
        return ready;
    }
}
