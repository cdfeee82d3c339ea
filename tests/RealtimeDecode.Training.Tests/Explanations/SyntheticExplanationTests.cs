using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Explanations;
using RealtimeDecode.Training.Fitting;
using RealtimeDecode.Training.Synthesis;
using Xunit.Abstractions;

namespace RealtimeDecode.Training.Tests.Explanations;

/// <summary>
/// The explanation recovers the synthetic session's ground truth. Each emotion's latent source couples
/// its carrier ROIs (synth.json "carrier_rois"), which sit in a known pair of networks; the connectivity
/// blocks holding edges between two carriers are listed in synth.json "network_pairs" (A–B, and with
/// two or more carriers per end A–A and B–B too). The network-pair ranking of a ridge decoder's Haufe
/// patterns must put exactly those blocks first, for every emotion.
/// </summary>
public sealed class SyntheticExplanationTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rtd-explain-" + Guid.NewGuid().ToString("N"));

    /// <remarks>
    /// Shaped like the bundled session: 100 parcels, one 372-volume run of the story, 4 carriers per
    /// network end, so each emotion's truth is 3 blocks (1 for trust, within Default). The story's
    /// emotions co-occur; the full Haufe patterns hold the other estimates fixed, so an emotion's
    /// pattern does not borrow the blocks of the emotions correlated with it.
    /// </remarks>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Explain_BundledShapedSession_RanksEachEmotionsCarrierBlocksFirst(int seed)
    {
        var session = SyntheticSession.Write(_root, new SynthOptions { Nx = 20, Ny = 24, Nz = 18, Parcels = 100, Runs = 1, Seed = seed });

        var (explanation, _) = ExplainRidge(session, alpha: 100);

        Assert.Equal(ImportanceSource.HaufePatterns, explanation.Source);
        var misses = Misses(explanation);
        Assert.True(misses.Count == 0, "carrier blocks not ranked first: " + string.Join("; ", misses));
    }

    /// <remarks>
    /// 21 parcels (3 per network) give one carrier per network end: each emotion is one informative edge
    /// in a block of 9 (trust: 1 of 3 within Default), and the one block must rank first. 1500 volumes
    /// keep the noise below that edge.
    /// </remarks>
    [Fact]
    public void Explain_OneCarrierPerEnd_RanksTheCarrierBlockFirstAndTheCarrierEdgeOnTop()
    {
        var session = SyntheticSession.Write(_root, new SynthOptions { Nx = 16, Ny = 18, Nz = 14, Parcels = 21, Runs = 1, Volumes = 1500, Seed = 1 });

        var (explanation, roiCount) = ExplainRidge(session, alpha: 1000);

        var misses = Misses(explanation);
        Assert.True(misses.Count == 0, "carrier blocks not ranked first: " + string.Join("; ", misses));
        foreach (var e in Emotions())
        {
            var top = ModelExplainer.TopEdges(explanation.Targets.Single(t => t.Name == e.Name).Importance!, roiCount, 1)[0];
            Assert.True(e.Carriers.Contains(top.RoiA) && e.Carriers.Contains(top.RoiB),
                $"{e.Name}: top edge {top.RoiA}–{top.RoiB} is not between two of its carriers {string.Join(",", e.Carriers)}");
        }
    }

    /// <remarks>
    /// A kernel model has no coefficients: its network pairs are ranked by the drop in R² when a pair's
    /// block of edges is permuted across windows. Each emotion's first pair must be one of its carrier blocks.
    /// </remarks>
    [Theory]
    [InlineData(KernelKind.Rbf, 1.0)]
    [InlineData(KernelKind.Rbf, 0.1)]
    [InlineData(KernelKind.Linear, 100.0)]
    [InlineData(KernelKind.Linear, 1000.0)]
    public void Explain_KernelRidgeBundledShapedSession_PermutationRanksACarrierBlockFirst(KernelKind kernelKind, double alpha)
    {
        var session = SyntheticSession.Write(_root, new SynthOptions { Nx = 20, Ny = 24, Nz = 18, Parcels = 100, Runs = 1, Seed = 1 });
        var atlas = Atlas.Load(session.Atlas, session.Labels);
        var settings = new FeatureSettings { Kind = FeatureKind.Dfc };
        var features = FeatureTables.FromRun(BoldRun.Open(session.Runs[0]), atlas, settings);
        var truth = NumericTable.Read(session.Truth[0]);
        var targets = WindowMeans(truth, features.Volumes, settings.Window.Window);
        var model = EstimatorFactory.Fit(EstimatorKind.KernelRidge, new EstimatorOptions { Alpha = alpha, Kernel = kernelKind, Standardize = true },
            new RowMajorMatrix((double[])features.Values.Clone(), features.RowCount, features.ColumnCount), new RowMajorMatrix(targets, features.RowCount, truth.ColumnCount), truth.Columns);

        var explanation = ModelExplainer.Explain(new ModelPackage(model, new FeatureSpec(settings, atlas.LabelCount, atlas.Sha256)), RoiLabels.Read(session.Labels, atlas.LabelCount),
            new ExplainData(features.Values, targets, features.RowCount, features.Volumes), new ExplainOptions { Seed = 1 });

        Assert.Equal(ImportanceSource.PermutationR2Drop, explanation.Source);
        var misses = new List<string>();
        foreach (var e in Emotions())
        {
            var first = explanation.Targets.Single(t => t.Name == e.Name).NetworkPairs[0];
            output.WriteLine($"{e.Name}: truth {string.Join(" ", e.Blocks)}; first {first.NetworkA}–{first.NetworkB} (R² drop {first.Score:G3})");
            if (!e.Blocks.Contains(Block(first.NetworkA, first.NetworkB))) misses.Add($"{e.Name} ({first.NetworkA}–{first.NetworkB})");
        }

        Assert.True(misses.Count == 0, "first pair not a carrier block: " + string.Join("; ", misses));
    }

    /// <summary>Fits a ridge DFC decoder on the session's only run and explains it with Haufe patterns on the same data.</summary>
    private static (ModelExplanation Explanation, int RoiCount) ExplainRidge(SynthResult session, double alpha)
    {
        var atlas = Atlas.Load(session.Atlas, session.Labels);
        var settings = new FeatureSettings { Kind = FeatureKind.Dfc };
        var features = FeatureTables.FromRun(BoldRun.Open(session.Runs[0]), atlas, settings);
        var truth = NumericTable.Read(session.Truth[0]);
        var targets = WindowMeans(truth, features.Volumes, settings.Window.Window);
        var x = new RowMajorMatrix((double[])features.Values.Clone(), features.RowCount, features.ColumnCount);
        var y = new RowMajorMatrix(targets, features.RowCount, truth.ColumnCount);
        var model = EstimatorFactory.Fit(EstimatorKind.Ridge, new EstimatorOptions { Alpha = alpha, Standardize = true }, x, y, truth.Columns);
        var package = new ModelPackage(model, new FeatureSpec(settings, atlas.LabelCount, atlas.Sha256));
        var explanation = ModelExplainer.Explain(package, RoiLabels.Read(session.Labels, atlas.LabelCount),
            new ExplainData(features.Values, targets, features.RowCount, features.Volumes));
        return (explanation, atlas.LabelCount);
    }

    private sealed record TrueEmotion(string Name, int[] Carriers, HashSet<string> Blocks);

    private static string Block(string a, string b) => string.CompareOrdinal(a, b) <= 0 ? $"{a}–{b}" : $"{b}–{a}";

    private List<TrueEmotion> Emotions()
    {
        var synth = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "synth.json")))!;
        return synth["emotions"]!.AsArray().Select(e => new TrueEmotion(
            e!["name"]!.GetValue<string>(),
            e["carrier_rois"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray(),
            e["network_pairs"]!.AsArray().Select(b => b!["networks"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray())
                .Select(n => Block(n[0], n[1])).ToHashSet())).ToList();
    }

    /// <summary>Emotions whose first |truth| ranked pairs are not exactly their carrier blocks, described.</summary>
    private List<string> Misses(ModelExplanation explanation)
    {
        var misses = new List<string>();
        foreach (var e in Emotions())
        {
            var ranked = explanation.Targets.Single(t => t.Name == e.Name).NetworkPairs;
            var first = ranked.Take(e.Blocks.Count).Select(p => Block(p.NetworkA, p.NetworkB)).ToArray();
            bool hit = first.All(e.Blocks.Contains);
            output.WriteLine($"{e.Name}: truth {string.Join(" ", e.Blocks)}; ranked {string.Join(" ", ranked.Take(e.Blocks.Count + 2).Select(p => $"{Block(p.NetworkA, p.NetworkB)}:{p.Score:G3}"))}{(hit ? "" : "  MISS")}");
            if (!hit) misses.Add($"{e.Name} (truth {string.Join(" ", e.Blocks)}, first {string.Join(" ", first)})");
        }

        return misses;
    }

    /// <summary>Mean of each truth column over the volumes of the window ending at each feature volume.</summary>
    internal static double[] WindowMeans(NumericTable truth, int[] windowEnds, int window)
    {
        int c = truth.ColumnCount;
        var rowOf = new Dictionary<int, int>();
        for (int i = 0; i < truth.RowCount; i++) rowOf[truth.Volumes[i]] = i;
        var y = new double[windowEnds.Length * c];
        for (int r = 0; r < windowEnds.Length; r++)
        {
            for (int v = windowEnds[r] - window + 1; v <= windowEnds[r]; v++)
            {
                var row = truth.Row(rowOf[v]);
                for (int k = 0; k < c; k++) y[r * c + k] += row[k] / window;
            }
        }

        return y;
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
