using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Tests.Support;
using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using System.Text;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Explanations;
using RealtimeDecode.Training.Fitting;
using RealtimeDecode.Engine.Networks;

namespace RealtimeDecode.Training.Tests.Explanations;

public sealed class ModelExplainerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rtd-explainer-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void HaufePatterns_SmallCase_EqualsExplicitFormula()
    {
        var rng = new Random(5);
        int n = 23, p = 6, t = 3;
        var x = Enumerable.Range(0, n * p).Select(_ => rng.NextDouble() * 4 - 1).ToArray();
        var w = Enumerable.Range(0, t * p).Select(_ => rng.NextDouble() - 0.5).ToArray();

        var a = EdgeImportance.HaufePatterns(x, n, w, t);

        var xm = Matrix<double>.Build.Dense(n, p, (i, j) => x[i * p + j]);
        var wm = Matrix<double>.Build.Dense(t, p, (k, j) => w[k * p + j]);
        var mean = xm.ColumnSums() / n;
        var xc = Matrix<double>.Build.Dense(n, p, (i, j) => xm[i, j] - mean[j]);
        var cov = xc.TransposeThisAndMultiply(xc) / (n - 1);
        var s = xc * wm.Transpose();
        var expected = cov * wm.Transpose() * (s.TransposeThisAndMultiply(s) / (n - 1)).Inverse(); // p × t
        for (int k = 0; k < t; k++)
            for (int j = 0; j < p; j++)
                Assert.Equal(expected[j, k], a[k * p + j], 12);
    }

    /// <remarks>
    /// Noise-free data X = S·Aᵀ from three strongly correlated sources and the exact decoder W = A⁺
    /// (so ŝ = S): the patterns are the forward model A itself, column by column. Cov(X)·Wᵀ alone would
    /// be A·Cov(S), each target's pattern mixed with the others'.
    /// </remarks>
    [Fact]
    public void HaufePatterns_CorrelatedTargets_RecoverTheForwardModel()
    {
        var rng = new Random(11);
        int n = 200, p = 9, t = 3;
        var mixing = Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, 0.8, 0.6 }, { 0, 0.6, 0.5 }, { 0, 0, 0.6 } });
        var sources = Matrix<double>.Build.Dense(n, t, (_, _) => rng.NextDouble() - 0.5) * mixing;
        var forward = Matrix<double>.Build.Dense(p, t, (_, _) => rng.NextDouble() * 2 - 1);
        var xm = sources * forward.Transpose();
        var decoder = forward.PseudoInverse(); // t × p, decoder·forward = I
        var x = Enumerable.Range(0, n * p).Select(q => xm[q / p, q % p]).ToArray();
        var w = Enumerable.Range(0, t * p).Select(q => decoder[q / p, q % p]).ToArray();
        var sc = sources.Subtract(Matrix<double>.Build.Dense(n, t, (_, k) => sources.Column(k).Average()));
        Assert.True((sc.TransposeThisAndMultiply(sc) / (n - 1)).ToArray()[0, 1] > 0.01, "the sources should co-vary");

        var a = EdgeImportance.HaufePatterns(x, n, w, t);

        for (int k = 0; k < t; k++)
            for (int j = 0; j < p; j++)
                Assert.Equal(forward[j, k], a[k * p + j], 9);
    }

    [Fact]
    public void SplitHalf_OddRowCount_PatternsOfEachHalfAndTheirCorrelation()
    {
        var rng = new Random(8);
        int n = 41, p = 7, t = 2;
        var x = Enumerable.Range(0, n * p).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var w = Enumerable.Range(0, t * p).Select(_ => rng.NextDouble() - 0.5).ToArray();

        var s = EdgeImportance.SplitHalf(x, n, w, t);

        Assert.Equal(EdgeImportance.HaufePatterns(x.AsSpan(0, 20 * p), 20, w, t), s.First);
        Assert.Equal(EdgeImportance.HaufePatterns(x.AsSpan(20 * p), 21, w, t), s.Second);
        for (int k = 0; k < t; k++)
        {
            var a = s.First.Skip(k * p).Take(p).ToArray();
            var b = s.Second.Skip(k * p).Take(p).ToArray();
            double ma = a.Average(), mb = b.Average();
            double r = a.Zip(b).Sum(z => (z.First - ma) * (z.Second - mb)) / Math.Sqrt(a.Sum(v => (v - ma) * (v - ma)) * b.Sum(v => (v - mb) * (v - mb)));
            Assert.Equal(r, s.R[k], 12);
        }
    }

    [Fact]
    public void HaufePatterns_TargetWithConstantOutput_GetsZeroPatternOthersUnchanged()
    {
        var rng = new Random(3);
        int n = 30, p = 4;
        var x = Enumerable.Range(0, n * p).Select(_ => rng.NextDouble()).ToArray();
        var w1 = Enumerable.Range(0, p).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var both = w1.Concat(new double[p]).ToArray();

        var single = EdgeImportance.HaufePatterns(x, n, w1, 1);
        var pair = EdgeImportance.HaufePatterns(x, n, both, 2);

        for (int j = 0; j < p; j++)
        {
            Assert.Equal(single[j], pair[j], 12);
            Assert.Equal(0.0, pair[p + j]);
        }
    }

    [Fact]
    public void HaufePatterns_SmallCase_MatchesNumpy()
    {
        var rng = new Random(9);
        int n = 17, p = 5, t = 2;
        var x = Enumerable.Range(0, n * p).Select(_ => rng.NextDouble() * 3 - 1).ToArray();
        var w = Enumerable.Range(0, t * p).Select(_ => rng.NextDouble() - 0.5).ToArray();
        string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var stdin = new StringBuilder();
        stdin.AppendLine(string.Join(" ", x.Select(R))).AppendLine(string.Join(" ", w.Select(R)));
        string script = $"""
            import sys, numpy as np
            lines = sys.stdin.read().split("\n")
            X = np.array(lines[0].split(), float).reshape({n}, {p})
            W = np.array(lines[1].split(), float).reshape({t}, {p})
            S = (X - X.mean(axis=0)) @ W.T
            A = (np.cov(X, rowvar=False) @ W.T @ np.linalg.inv(np.cov(S, rowvar=False))).T
            print(" ".join(repr(float(v)) for v in A.ravel()))
            """;

        var expected = ReferencePython.Run(script, stdin.ToString()).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var a = EdgeImportance.HaufePatterns(x, n, w, t);

        Assert.Equal(expected.Length, a.Length);
        for (int k = 0; k < a.Length; k++) Assert.Equal(expected[k], a[k], 12);
    }

    [Theory]
    [InlineData(KernelKind.Linear, false, 1e-10)]
    [InlineData(KernelKind.Rbf, false, 1e-10)]
    [InlineData(KernelKind.Polynomial, false, 1e-10)]
    [InlineData(KernelKind.Laplacian, false, 1e-10)]
    [InlineData(KernelKind.Rbf, true, 1e-5)]
    public void Permutation_KernelModel_FastPathEqualsPredictingEveryPermutation(KernelKind kernel, bool float32Rows, double tolerance)
    {
        int n = 60, p = 12, t = 2;
        var (x, y, _, _) = Toy(seed: 4, rows: n, features: p, informative: [1, 6], targets: t);
        var options = new EstimatorOptions { Alpha = 0.5, Kernel = kernel, GammaMode = GammaMode.Value, Gamma = 0.05, Degree = 2, Coef0 = 1, Standardize = true, RowsAsFloat32 = float32Rows };
        var model = EstimatorFactory.Fit(EstimatorKind.KernelRidge, options, new RowMajorMatrix((double[])x.Clone(), n, p), new RowMajorMatrix(y, n, t), ["a", "b"]);
        int[][] blocks = [[0, 1, 2], [3, 4], [5, 6, 7, 8], [10, 11]]; // column 9 in no block

        var fast = EdgeImportance.Permutation(model, x, y, blocks, seed: 7, repeats: 2);
        var slow = EdgeImportance.PermutationByPrediction(model, x, y, blocks, seed: 7, repeats: 2);

        for (int k = 0; k < t; k++) Assert.Equal(slow.BaselineR2[k], fast.BaselineR2[k], tolerance);
        for (int q = 0; q < slow.DropR2.Length; q++)
        {
            Assert.Equal(slow.DropR2[q], fast.DropR2[q], tolerance);
            Assert.Equal(slow.DropR[q], fast.DropR[q], tolerance);
        }
        Assert.True(fast.DropR2[0 * t] > 0.05, "block 0 holds informative feature 1: permuting it must cost R²");
    }

    [Fact]
    public void RawCoefficients_StandardizedModel_DivideByScaleAndReproducePredictions()
    {
        var (x, y, n, p) = Toy(seed: 2, rows: 40, features: 6, informative: [1, 4]);
        var model = EstimatorFactory.Fit(EstimatorKind.Ridge, new EstimatorOptions { Alpha = 1, Standardize = true }, new RowMajorMatrix(x, n, p), new RowMajorMatrix(y, n, 1), ["y"]);
        var lin = (LinearRegressor)model.Estimator;

        var raw = LinearCoefficients.Raw(model);

        for (int j = 0; j < p; j++) Assert.Equal(lin.Coefficients[j] / model.Scaler!.Scale[j], raw[j], 14);
        Assert.Contains(model.Scaler!.Scale, s => Math.Abs(s - 1) > 0.1);
        var pred = new double[1];
        for (int i = 0; i < n; i++)
        {
            model.Predict(x.AsSpan(i * p, p), pred);
            double manual = lin.Intercept[0];
            for (int j = 0; j < p; j++) manual += raw[j] * (x[i * p + j] - model.Scaler.Mean[j]);
            Assert.Equal(pred[0], manual, 10);
        }
    }

    [Fact]
    public void Permutation_ToyKernelModel_InformativeBlockDropsMost()
    {
        var (x, y, n, p) = Toy(seed: 4, rows: 120, features: 9, informative: [3, 4, 5]);
        var model = EstimatorFactory.Fit(EstimatorKind.KernelRidge, new EstimatorOptions { Alpha = 0.1, Kernel = KernelKind.Rbf, Gamma = 0.05, Standardize = true },
            new RowMajorMatrix(x, n, p), new RowMajorMatrix(y, n, 1), ["y"]);
        int[][] blocks = [[0, 1, 2], [3, 4, 5], [6, 7, 8]];

        var r = EdgeImportance.Permutation(model, x, y, blocks, seed: 7, repeats: 2);

        Assert.True(r.BaselineR2[0] > 0.8, $"baseline R² {r.BaselineR2[0]}");
        Assert.True(r.DropR2[1] > 0.5, $"informative block drop {r.DropR2[1]}");
        Assert.True(r.DropR2[1] > 5 * Math.Max(Math.Abs(r.DropR2[0]), Math.Abs(r.DropR2[2])), $"drops {string.Join(", ", r.DropR2)}");
        Assert.True(r.DropR[1] > r.DropR[0] && r.DropR[1] > r.DropR[2]);
        var again = EdgeImportance.Permutation(model, x, y, blocks, seed: 7, repeats: 2);
        Assert.Equal(r.DropR2, again.DropR2);
    }

    [Fact]
    public void Explain_LinearDfcWithoutData_UsesCoefficientsAndWritesOutputs()
    {
        int rois = 10;
        var networks = Enumerable.Range(0, rois).Select(i => i < 5 ? "A" : "B").ToArray();
        int p = EdgeLayout.EdgeCount(rois);
        // Target "ab" reads only between-network edges, "aa" only within A.
        var w = new double[2 * p];
        for (int i = 0; i < rois; i++)
            for (int j = i + 1; j < rois; j++)
            {
                int e = EdgeLayout.Index(i, j, rois);
                w[e] = networks[i] != networks[j] ? 1 + 0.01 * e : 0.001;
                w[p + e] = networks[i] == "A" && networks[j] == "A" ? -2 : 0.001;
            }

        var model = new DecodingModel(EstimatorKind.Ridge, null, null, new LinearRegressor(["ab", "aa"], p, w, [0, 0]));
        var package = new ModelPackage(model, new FeatureSpec(new FeatureSettings(), rois));
        var labels = new RoiLabels(Enumerable.Range(0, rois).Select(i => $"roi{i}").ToArray(), networks);

        var e2 = ModelExplainer.Explain(package, labels);
        var written = ExplanationWriter.Write(e2, _dir);

        Assert.Equal(ImportanceSource.Coefficients, e2.Source);
        Assert.Equal(("A", "B"), (e2.Targets[0].NetworkPairs[0].NetworkA, e2.Targets[0].NetworkPairs[0].NetworkB));
        Assert.Equal(("A", "A"), (e2.Targets[1].NetworkPairs[0].NetworkA, e2.Targets[1].NetworkPairs[0].NetworkB));
        Assert.All(e2.Targets[1].Graph!.MstEdges.Take(4), edge => Assert.True(edge.I < 5 && edge.J < 5));
        Assert.Equal((4, 9), (e2.Targets[0].TopEdges[0].RoiA, e2.Targets[0].TopEdges[0].RoiB));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "explain.json")))!;
        Assert.Equal("coefficients", json["importance_source"]!.GetValue<string>());
        Assert.Equal(rois - 1, json["targets"]![0]!["mst_edges"]!.AsArray().Count);
        Assert.Equal(rois, json["targets"]![1]!["degree"]!.AsArray().Count);
        Assert.Equal(0.0, json["jaccard"]![1]![1]!.GetValue<double>());
        Assert.True(json["jaccard"]![0]![1]!.GetValue<double>() > 0.5);
        foreach (var f in new[] { "top_edges.tsv", "network_pairs.tsv", "node_metrics.tsv", "jaccard.png", "degree_by_network.png", "importance_ab.png", "network_pairs_aa.png", "index.html" })
            Assert.Contains(Path.Combine(_dir, f), written);
        Assert.All(written, f => Assert.True(new FileInfo(f).Length > 100, f));
        Assert.Contains("jaccard.png", File.ReadAllText(Path.Combine(_dir, "index.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_RoiModel_ReportsPerRoiImportanceAndSkipsGraph()
    {
        var w = new double[] { 0.1, -3, 0.2, 0.1, 2, 0.1 };
        var model = new DecodingModel(EstimatorKind.Ridge, null, null, new LinearRegressor(["y"], 6, w, [0]));
        var package = new ModelPackage(model, new FeatureSpec(new FeatureSettings { Kind = FeatureKind.Roi }, 6));
        var labels = new RoiLabels(["a", "b", "c", "d", "e", "f"], ["X", "Y", "X", "X", "Y", "X"]);

        var e = ModelExplainer.Explain(package, labels);
        ExplanationWriter.Write(e, _dir);

        Assert.Null(e.Targets[0].Graph);
        Assert.Null(e.Jaccard);
        Assert.Contains(e.Notes, n => n.Contains("graph metrics are skipped", StringComparison.Ordinal));
        Assert.Equal("Y", e.Targets[0].NetworkMeans.MaxBy(kv => kv.Value).Key);
        Assert.Equal(2.5, e.Targets[0].NetworkMeans.Single(kv => kv.Key == "Y").Value, 12);
        Assert.True(File.Exists(Path.Combine(_dir, "roi_importance.tsv")));
        Assert.False(File.Exists(Path.Combine(_dir, "node_metrics.tsv")));
    }

    [Fact]
    public void Explain_KernelModelWithoutData_ThrowsInputDataException()
    {
        var (x, y, n, p) = Toy(seed: 1, rows: 20, features: 3, informative: [0]);
        var model = EstimatorFactory.Fit(EstimatorKind.KernelRidge, new EstimatorOptions { Kernel = KernelKind.Rbf, Gamma = 0.1 }, new RowMajorMatrix(x, n, p), new RowMajorMatrix(y, n, 1), ["y"]);
        var package = new ModelPackage(model, new FeatureSpec(new FeatureSettings(), 3));

        var ex = Assert.Throws<InputDataException>(() => ModelExplainer.Explain(package, RoiLabels.Numbered(3)));
        Assert.Contains("--data", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RoiLabelsRead_CountMismatch_ThrowsInputDataException()
    {
        Directory.CreateDirectory(_dir);
        string path = Path.Combine(_dir, "labels.tsv");
        File.WriteAllText(path, "index\tname\tnetwork\n2\tb\tN2\n1\ta\tN1\n3\tc\tN1\n");

        var ok = RoiLabels.Read(path, 3);
        var ex = Assert.Throws<InputDataException>(() => RoiLabels.Read(path, 4));

        Assert.Equal(["a", "b", "c"], ok.Names);
        Assert.Equal(["N1", "N2", "N1"], ok.Networks!);
        Assert.Contains("3 ROIs are listed but the model has 4", ex.Message, StringComparison.Ordinal);
    }

    private static (double[] X, double[] Y, int N, int P) Toy(int seed, int rows, int features, int[] informative, int targets = 1)
    {
        var rng = new Random(seed);
        var x = new double[rows * features];
        for (int k = 0; k < x.Length; k++) x[k] = (rng.NextDouble() * 2 - 1) * (1 + k % features);
        var y = new double[rows * targets];
        for (int i = 0; i < rows; i++)
            for (int t = 0; t < targets; t++)
            {
                double s = 0;
                foreach (int j in informative) s += Math.Sin(x[i * features + j] / (1 + j % features) * 2) * (t + 1);
                y[i * targets + t] = s + 0.05 * (rng.NextDouble() - 0.5);
            }

        return (x, y, rows, features);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
