using BenchmarkDotNet.Attributes;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Benchmarks.Pipeline;

/// <summary>
/// Per-volume cost of the whole numeric chain in steady state (window full, estimates every volume):
/// decode a single-volume int16 NIfTI from its file bytes → ROI means → online detrend + z-score →
/// sliding-window DFC (W = 13, Fisher z) → ridge predict for 8 targets, with the stages the session
/// runner builds (<see cref="PipelineFixture.CreateStages"/>). Published scale: 64×64×36, 400 labels,
/// 79,800 edges (target ≤ 25 ms p99 file-complete to estimate); bundled scale: 32×38×28, 100 labels,
/// 4,950 edges (target ≤ 10 ms p99). The p99 over real arrivals comes from the latency tool
/// (<c>-- latency</c>); this measures the mean/median work per volume and its allocations.
/// </summary>
[MemoryDiagnoser, MinColumn, MedianColumn]
public class PipelineVolumeBenchmarks
{
    private PipelineFixture _fixture = null!;
    private PipelineStages _stages = null!;
    private int _next;

    [Params(PipelineScale.Published, PipelineScale.Bundled)]
    public PipelineScale Scale { get; set; }

    [Params(false, true)]
    public bool Gzip { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fixture = new PipelineFixture(Scale, distinctVolumes: 16, compress: Gzip);
        string name = Gzip ? "vol.nii.gz" : "vol.nii";
        _stages = _fixture.CreateStages(arrival =>
        {
            using var reader = NiftiReader.Open(_fixture.VolumeBytes[arrival.Index % _fixture.VolumeBytes.Length], name);
            return reader.ReadVolume(0);
        });
        for (int i = 0; i < 32; i++) Volume();
        if (Volume() is null) throw new InvalidOperationException("the window is not full after 32 volumes");
    }

    [Benchmark(Description = "file bytes → estimates (one volume)")]
    public double[]? Volume()
    {
        var arrival = new VolumeArrival(_next++, null, 0);
        Volume v = _stages.Read(arrival);
        var edges = _stages.Connectivity(_stages.Clean(_stages.Roi(v)));
        return edges is null ? null : _stages.Decode(edges);
    }

    [GlobalCleanup]
    public void Cleanup() => _fixture.Dispose();
}
