using RealtimeDecode.Engine.Connectivity;
using BenchmarkDotNet.Attributes;
using RealtimeDecode.Training.Explanations;

namespace RealtimeDecode.Benchmarks.Explanations;

/// <summary>
/// One target's importance-graph analysis at the published size (400 Schaefer ROIs, 79,800 edges):
/// the full analysis, and its two dominant parts (the spanning tree and the greedy communities).
/// </summary>
[MemoryDiagnoser]
public class ImportanceGraphBenchmarks
{
    private const int Rois = 400;
    private double[] _coefficients = [];
    private double[] _weights = [];
    private ImportanceGraphAnalysis _analysis = null!;
    private MaximumSpanningTree _mst = null!;
    private WeightedGraph _tree = null!;
    private ImportanceGraphResult _a = null!;
    private ImportanceGraphResult _b = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        int edges = EdgeLayout.EdgeCount(Rois);
        _coefficients = new double[edges];
        for (int k = 0; k < edges; k++)
        {
            _coefficients[k] = rng.NextDouble() * 2 - 1;
        }

        _weights = _coefficients.Select(Math.Abs).ToArray();
        var labels = Enumerable.Range(0, Rois).Select(v => $"net{v * 7 / Rois}").ToArray();
        _analysis = new ImportanceGraphAnalysis(Rois, labels);
        _mst = new MaximumSpanningTree(Rois);
        _tree = _mst.Compute(_weights);
        _a = _analysis.Analyze(_coefficients);
        _b = _analysis.Analyze(_coefficients.Reverse().ToArray());
    }

    [Benchmark(Baseline = true)]
    public ImportanceGraphResult AnalyzeOneTarget() => _analysis.Analyze(_coefficients);

    [Benchmark]
    public WeightedGraph MaximumSpanningTree() => _mst.Compute(_weights);

    [Benchmark]
    public int[][] GreedyCommunitiesOnTree() => GreedyModularity.Communities(_tree);

    [Benchmark]
    public double JaccardBetweenTwoTargets() => ImportanceGraphAnalysis.Jaccard(_a, _b);
}
