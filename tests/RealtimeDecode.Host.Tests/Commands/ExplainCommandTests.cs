using RealtimeDecode.Engine.Connectivity;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Training.Explanations;
using RealtimeDecode.Training.Fitting;

namespace RealtimeDecode.Host.Tests.Commands;

[Collection(ConsoleCollection.Name)]
public sealed class ExplainCommandTests : IDisposable
{
    private const int Rois = 8;
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Explain_MissingModel_OneLineExit2()
    {
        var r = CliRunner.Run("explain", "--model", _dir.File("nope"), "--out", _dir.File("out"));

        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Error.Trim().Split('\n'));
        Assert.Contains("nope: file not found", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_LabelsCountMismatch_OneLineExit2()
    {
        var (model, _, _) = Write(EstimatorKind.Ridge);
        File.WriteAllText(_dir.File("labels.tsv"), "index\tname\tnetwork\n1\ta\tA\n2\tb\tB\n");

        var r = CliRunner.Run("explain", "--model", model, "--labels", _dir.File("labels.tsv"), "--out", _dir.File("out"));

        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Error.Trim().Split('\n'));
        Assert.Contains($"labels.tsv: 2 ROIs are listed but the model has {Rois}", r.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--pair-edges", "0", "--pair-edges must be 1 or more, got 0")]
    [InlineData("--top", "-1", "--top must be 0 or more, got -1")]
    [InlineData("--repeats", "0", "--repeats must be 1 or more, got 0")]
    public void Explain_BadCount_OneLineExit2(string option, string value, string message)
    {
        var (model, _, _) = Write(EstimatorKind.Ridge);

        var r = CliRunner.Run("explain", "--model", model, option, value, "--out", _dir.File("out"));

        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Error.Trim().Split('\n'));
        Assert.Contains(message, r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_DataWithWrongFeatureCount_OneLineExit2NamingTheFile()
    {
        var (model, _, targets) = Write(EstimatorKind.Ridge);
        string features = _dir.File("narrow.tsv");
        new NumericTable(["e0", "e1"], [20, 21, 22], [1, 2, 3, 4, 5, 6]).Write(features);

        var r = CliRunner.Run("explain", "--model", model, "--data", features, "--targets", targets, "--out", _dir.File("out"));

        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Error.Trim().Split('\n'));
        Assert.Contains($"narrow.tsv: has 2 feature columns, the model {model} expects 28", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_DataWhoseSidecarStatesAnotherWindow_OneLineExit2NamingTheSidecar()
    {
        var (model, features, targets) = Write(EstimatorKind.Ridge);
        var table = NumericTable.Read(features);
        string named = _dir.File("dfc.tsv");
        new NumericTable(EdgeLayout.Names(Enumerable.Range(0, Rois).Select(i => $"roi{i}").ToArray()), table.Volumes, table.Values).Write(named);
        File.WriteAllText(ConnectivityTableSidecar.PathFor(named),
            new ConnectivityTableSidecar(new SlidingWindowOptions { Window = 21 }, Enumerable.Range(0, Rois).Select(i => $"roi{i}").ToArray(), null).ToJsonText());

        var r = CliRunner.Run("explain", "--model", model, "--data", named, "--targets", targets, "--out", _dir.File("out"));

        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Error.Trim().Split('\n'));
        Assert.Contains(ConnectivityTableSidecar.PathFor(named), line, StringComparison.Ordinal);
        Assert.Contains("W=21", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.File("out")));
    }

    [Fact]
    public void Explain_KernelModelWithoutData_OneLineExit2()
    {
        var (model, _, _) = Write(EstimatorKind.KernelRidge);

        var r = CliRunner.Run("explain", "--model", model, "--out", _dir.File("out"));

        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Error.Trim().Split('\n'));
        Assert.Contains("kernel model", r.Error, StringComparison.Ordinal);
        Assert.Contains("--data", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_LinearModelWithData_WritesHaufeExplanationRankingTheInformativePair()
    {
        var (model, features, targets) = Write(EstimatorKind.Ridge);
        string labels = Labels();
        string output = _dir.File("out");

        var r = CliRunner.Run("explain", "--model", model, "--labels", labels, "--data", features, "--targets", targets, "--out", output);

        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Error}");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "explain.json")))!;
        Assert.Equal("haufe_patterns", json["importance_source"]!.GetValue<string>());
        var target = json["targets"]![0]!;
        Assert.Equal("y", target["name"]!.GetValue<string>());
        Assert.Equal(Rois - 1, target["mst_edges"]!.AsArray().Count);
        var best = target["network_pairs"]![0]!;
        Assert.Equal(("A", "B"), (best["network_a"]!.GetValue<string>(), best["network_b"]!.GetValue<string>()));
        var halves = target["split_half"]!;
        Assert.InRange(halves["pattern_r"]!.GetValue<double>(), 0.5, 1.0);
        Assert.Equal("A–B", halves["top_pair_first_half"]!.GetValue<string>());
        Assert.Equal("A–B", halves["top_pair_second_half"]!.GetValue<string>());
        foreach (var f in new[] { "top_edges.tsv", "network_pairs.tsv", "node_metrics.tsv", "index.html", "importance_y.png", "jaccard.png" })
            Assert.True(File.Exists(Path.Combine(output, f)), f);
    }

    [Fact]
    public void Explain_KernelModelWithData_RanksTheInformativePairByPermutation()
    {
        var (model, features, targets) = Write(EstimatorKind.KernelRidge);
        string output = _dir.File("out");

        var r = CliRunner.Run("explain", "--model", model, "--labels", Labels(), "--data", features, "--targets", targets, "--out", output, "--seed", "3");

        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Error}");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "explain.json")))!;
        Assert.Equal("permutation_r2_drop", json["importance_source"]!.GetValue<string>());
        var best = json["targets"]![0]!["network_pairs"]![0]!;
        Assert.Equal(("A", "B"), (best["network_a"]!.GetValue<string>(), best["network_b"]!.GetValue<string>()));
        Assert.Null(json["jaccard"]);
    }

    [Fact]
    public void Explain_LinearModelWithoutData_UsesStoredPatternsElseRawCoefficients()
    {
        var (model, _, _) = Write(EstimatorKind.Ridge);
        var package = ModelPackage.Load(model);
        var raw = LinearCoefficients.Raw(package.Model);
        var stored = raw.Select((v, i) => v * 3 + i * 1e-3).ToArray();
        string withPatterns = _dir.File("with-patterns");
        new ModelPackage(package.Model, package.Features) { Patterns = stored, PatternRows = 150 }.Save(withPatterns);

        var plain = CliRunner.Run("explain", "--model", model, "--labels", Labels(), "--out", _dir.File("plain"));
        var patterned = CliRunner.Run("explain", "--model", withPatterns, "--labels", Labels(), "--out", _dir.File("patterned"));

        Assert.True(plain.ExitCode == 0, plain.Error);
        Assert.True(patterned.ExitCode == 0, patterned.Error);
        var j1 = JsonNode.Parse(File.ReadAllText(_dir.File("plain/explain.json")))!;
        var j2 = JsonNode.Parse(File.ReadAllText(_dir.File("patterned/explain.json")))!;
        Assert.Equal("coefficients", j1["importance_source"]!.GetValue<string>());
        Assert.Equal("haufe_patterns", j2["importance_source"]!.GetValue<string>());
        Assert.Equal(150, j2["data_rows"]!.GetValue<int>());
        Assert.Contains("training samples", patterned.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("plain/patterns.npy")));
        Assert.Equal(raw, NpyArray.Read(_dir.File("plain/coefficients.npy")).ToFloat64());
        Assert.Equal(raw, NpyArray.Read(_dir.File("patterned/coefficients.npy")).ToFloat64());
        Assert.Equal(stored, NpyArray.Read(_dir.File("patterned/patterns.npy")).ToFloat64());
    }

    /// <remarks>
    /// The bundled model, as shipped: its package holds the Haufe patterns of its training run, so
    /// <c>explain</c> needs no data. Ground truth from the bundled synth.json: the network pairs holding
    /// edges between two of an emotion's carrier ROIs must be its first-ranked pairs, for all 8 emotions.
    /// </remarks>
    [Fact]
    public void Explain_BundledModel_RanksEachEmotionsCarrierBlocksFirst()
    {
        string root = RealtimeDecode.Host.Configuration.RepositoryPaths.Root ?? throw new InvalidOperationException("no folder with replay-data/ and configs/ found");
        string session = Path.Combine(root, "replay-data", "session");
        string output = _dir.File("bundled");

        var r = CliRunner.Run("explain", "--model", Path.Combine(root, "replay-data", "models", "default"),
            "--labels", Path.Combine(session, "atlas", "atlas-Synth100Parcels7Networks_dseg.tsv"), "--out", output);

        Assert.True(r.ExitCode == 0, r.Error);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "explain.json")))!;
        Assert.Equal("haufe_patterns", json["importance_source"]!.GetValue<string>());
        var synth = JsonNode.Parse(File.ReadAllText(Path.Combine(session, "synth.json")))!;
        static string Block(string a, string b) => string.CompareOrdinal(a, b) <= 0 ? $"{a}–{b}" : $"{b}–{a}";
        var misses = new List<string>();
        foreach (var e in synth["emotions"]!.AsArray())
        {
            string name = e!["name"]!.GetValue<string>();
            var truth = e["network_pairs"]!.AsArray().Select(b => b!["networks"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray())
                .Select(n => Block(n[0], n[1])).ToHashSet();
            var ranked = json["targets"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == name)!["network_pairs"]!.AsArray()
                .Select(p => Block(p!["network_a"]!.GetValue<string>(), p["network_b"]!.GetValue<string>())).ToArray();
            if (!ranked.Take(truth.Count).All(truth.Contains))
                misses.Add($"{name}: truth {string.Join(" ", truth)}, ranked {string.Join(" ", ranked.Take(truth.Count + 1))}");
        }

        Assert.True(misses.Count == 0, string.Join("; ", misses));
    }

    /// <summary>ROIs 0–3 in network A, 4–7 in B; the targets (y, z) depend on edges 0–4 and 1–5 (A–B).</summary>
    private (string Model, string Features, string Targets) Write(EstimatorKind kind)
    {
        int p = EdgeLayout.EdgeCount(Rois), n = 150;
        var rng = new Random(11);
        var x = new double[n * p];
        for (int k = 0; k < x.Length; k++) x[k] = rng.NextDouble() * 2 - 1;
        int e1 = EdgeLayout.Index(0, 4, Rois), e2 = EdgeLayout.Index(1, 5, Rois);
        var y = new double[n * 2];
        for (int i = 0; i < n; i++)
        {
            y[i * 2] = 2 * x[i * p + e1] + x[i * p + e2] + 0.05 * rng.NextDouble();
            y[i * 2 + 1] = x[i * p + e2] - x[i * p + e1] + 0.05 * rng.NextDouble();
        }

        var options = kind == EstimatorKind.Ridge
            ? new EstimatorOptions { Alpha = 1, Standardize = true }
            : new EstimatorOptions { Alpha = 0.01, Kernel = KernelKind.Rbf, Gamma = 0.02, Standardize = true };
        var model = EstimatorFactory.Fit(kind, options, new RowMajorMatrix(x, n, p), new RowMajorMatrix(y, n, 2), ["y", "z"]);
        string dir = _dir.File("model-" + kind);
        // The targets belong to each row's own volume: trained with --align last.
        new ModelPackage(model, new FeatureSpec(new FeatureSettings(), Rois),
            new JsonObject { ["target_alignment"] = "last" }).Save(dir);
        var volumes = Enumerable.Range(20, n).ToArray();
        string features = _dir.File("features.tsv"), targets = _dir.File("targets.tsv");
        new NumericTable(Enumerable.Range(0, p).Select(k => $"e{k}").ToArray(), volumes, x).Write(features);
        new NumericTable(["z", "y"], volumes, Enumerable.Range(0, n).SelectMany(i => new[] { y[i * 2 + 1], y[i * 2] }).ToArray()).Write(targets);
        return (dir, features, targets);
    }

    private string Labels()
    {
        string path = _dir.File("labels.tsv");
        File.WriteAllText(path, "index\tname\tnetwork\n" + string.Concat(Enumerable.Range(0, Rois).Select(i => $"{i + 1}\troi{i}\t{(i < 4 ? "A" : "B")}\n")));
        return path;
    }
}
