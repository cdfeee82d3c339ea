using BenchmarkDotNet.Attributes;
using RealtimeDecode.Engine.Connectivity;

namespace RealtimeDecode.Benchmarks.Engine;

/// <summary>
/// One frame update of the sliding-window correlation at the published scale: R = 400 ROIs
/// (79,800 edges), W = 13, with and without Fisher z. Each invocation pushes 64 frames (one full rectangular
/// recompute period), so the figure is the mean per frame including the periodic exact recompute.
/// </summary>
[MemoryDiagnoser, MinColumn, MedianColumn]
public class SlidingWindowCorrelationBenchmarks
{
    private const int Rois = 400;
    private const int FramesPerInvoke = 64;
    private SlidingWindowCorrelation _kernel = null!;
    private double[] _frames = null!;
    private double[] _edges = null!;

    [Params(WindowTaper.Rectangular, WindowTaper.Gaussian, WindowTaper.Exponential)]
    public WindowTaper Taper { get; set; }

    [Params(false, true)]
    public bool FisherZ { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(13);
        _frames = new double[FramesPerInvoke * Rois];
        for (int i = 0; i < _frames.Length; i++) _frames[i] = 1000 + rng.NextDouble() * 10;
        _kernel = new SlidingWindowCorrelation(Rois, new SlidingWindowOptions { Window = 13, Taper = Taper, FisherZ = FisherZ });
        _edges = new double[_kernel.EdgeCount];
        for (int t = 0; t < FramesPerInvoke; t++) _kernel.Push(_frames.AsSpan(t * Rois, Rois), _edges);
    }

    [Benchmark(OperationsPerInvoke = FramesPerInvoke)]
    public bool PushFrame()
    {
        bool ready = false;
        for (int t = 0; t < FramesPerInvoke; t++) ready = _kernel.Push(_frames.AsSpan(t * Rois, Rois), _edges);
        return ready;
    }
}
