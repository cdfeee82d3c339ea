using RealtimeDecode.Engine.Connectivity;
using BenchmarkDotNet.Attributes;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Training.Explanations;
using RealtimeDecode.Engine.Networks;

namespace RealtimeDecode.Benchmarks.Explanations;

/// <summary>
/// <c>explain</c>'s core at the published size (400 ROIs, 79,800 edges, 8 targets, standardised
/// linear model, 7 networks): with data (Haufe patterns on 200 rows) and outputs written, and
/// without; the live per-volume network-pair decomposition; and a kernel model (rbf kernel ridge on
/// 1,000 float32 rows) explained by block permutation on the 200 rows, 10 permutations per block.
/// </summary>
[MemoryDiagnoser]
public class ModelExplainerBenchmarks
{
    private const int Rois = 400;
    private const int Targets = 8;
    private const int Rows = 200;
    private ModelPackage _package = null!;
    private RoiLabels _labels = null!;
    private ExplainData _data = null!;
    private NetworkContributions _contributions = null!;
    private ModelPackage _kernelPackage = null!;
    private double[] _features = [];
    private string _out = "";

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        int p = EdgeLayout.EdgeCount(Rois);
        var w = new double[Targets * p];
        for (int k = 0; k < w.Length; k++) w[k] = rng.NextDouble() * 2 - 1;
        var mean = Enumerable.Range(0, p).Select(_ => rng.NextDouble() * 0.2).ToArray();
        var scale = Enumerable.Range(0, p).Select(_ => 0.2 + rng.NextDouble() * 0.3).ToArray();
        var names = Enumerable.Range(0, Targets).Select(t => $"t{t}").ToArray();
        var model = new DecodingModel(EstimatorKind.Ridge, null, new StandardScaler(mean, scale), new LinearRegressor(names, p, w, new double[Targets]));
        _package = new ModelPackage(model, new FeatureSpec(new FeatureSettings(), Rois));
        var networks = Enumerable.Range(0, Rois).Select(i => $"net{i * 7 / Rois}").ToArray();
        _labels = new RoiLabels(Enumerable.Range(0, Rois).Select(i => $"roi{i}").ToArray(), networks);
        var x = new double[Rows * p];
        for (int k = 0; k < x.Length; k++) x[k] = rng.NextDouble() - 0.5;
        var y = new double[Rows * Targets];
        for (int k = 0; k < y.Length; k++) y[k] = rng.NextDouble();
        _data = new ExplainData(x, y, Rows, Enumerable.Range(0, Rows).ToArray());
        _contributions = new NetworkContributions(model, networks);
        const int kernelRows = 1000;
        var rows = new float[(long)kernelRows * p];
        for (long k = 0; k < rows.LongLength; k++) rows[k] = (float)(rng.NextDouble() - 0.5);
        var dual = Enumerable.Range(0, Targets * kernelRows).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var kernel = new KernelFunction(KernelKind.Rbf, 1.0 / p);
        var kernelModel = new DecodingModel(EstimatorKind.KernelRidge, null, new StandardScaler(mean, scale),
            new KernelExpansionRegressor(names, p, kernel, rows, dual, new double[Targets]));
        _kernelPackage = new ModelPackage(kernelModel, new FeatureSpec(new FeatureSettings(), Rois));
        _features = x.AsSpan(0, p).ToArray();
        _out = Path.Combine(Path.GetTempPath(), "rtd-explain-bench");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (Directory.Exists(_out)) Directory.Delete(_out, recursive: true);
    }

    [Benchmark]
    public int ExplainWithDataAndWrite()
    {
        var e = ModelExplainer.Explain(_package, _labels, _data);
        return ExplanationWriter.Write(e, _out).Count;
    }

    [Benchmark]
    public ModelExplanation ExplainCoefficients() => ModelExplainer.Explain(_package, _labels);

    [Benchmark]
    public ModelExplanation ExplainKernelByPermutation() => ModelExplainer.Explain(_kernelPackage, _labels, _data);

    [Benchmark]
    public double NetworkContributionsPerVolume() => _contributions.Compute(_features)[0];
}
