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
/// The explanation recovers the synthetic session's ground truth: each emotion couples a known
/// network pair (synth.json "networks"), and the network-pair ranking of a ridge decoder's Haufe
/// patterns puts that pair first.
/// </summary>
public sealed class SyntheticExplanationTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rtd-explain-" + Guid.NewGuid().ToString("N"));

    /// <remarks>
    /// 21 parcels (3 per network) give one carrier per network end, so each emotion's true pair block
    /// holds one informative edge among 9 (3 for a within-network pair); 1500 volumes keep the
    /// noise of the block means below that edge's share. The story's emotions co-occur, and Haufe
    /// patterns show it: an emotion's pattern also carries the edges of emotions correlated with it,
    /// which can lift a small block (Default–Default, 3 edges, trust's) above the true one.
    /// </remarks>
    [Fact]
    public void Explain_SyntheticSessionWithData_RanksTrueNetworkPairFirstForMostEmotions()
    {
        var session = SyntheticSession.Write(_root, new SynthOptions { Nx = 16, Ny = 18, Nz = 14, Parcels = 21, Runs = 1, Volumes = 1500, Seed = 1 });
        var atlas = Atlas.Load(session.Atlas, session.Labels);
        var settings = new FeatureSettings { Kind = FeatureKind.Dfc };
        var features = FeatureTables.FromRun(BoldRun.Open(session.Runs[0]), atlas, settings);

        var truth = NumericTable.Read(session.Truth[0]);
        var targets = WindowMeans(truth, features.Volumes, settings.Window.Window);
        var emotions = truth.Columns;
        var x = new RowMajorMatrix((double[])features.Values.Clone(), features.RowCount, features.ColumnCount);
        var y = new RowMajorMatrix(targets, features.RowCount, emotions.Count);
        var model = EstimatorFactory.Fit(EstimatorKind.Ridge, new EstimatorOptions { Alpha = 1000, Standardize = true }, x, y, emotions);
        var package = new ModelPackage(model, settings.ToSpec(atlas.LabelCount, atlas.Sha256));
        var labels = RoiLabels.Read(session.Labels, atlas.LabelCount);
        var data = new ExplainData(features.Values, targets, features.RowCount, features.Volumes);

        var explanation = ModelExplainer.Explain(package, labels, data);

        Assert.Equal(ImportanceSource.HaufePatterns, explanation.Source);

        
        var synth = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "synth.json")))!;
        int hits = 0, edgeHits = 0;
        foreach (var e in synth["emotions"]!.AsArray())
        {
            string name = e!["name"]!.GetValue<string>();
            var nets = e["networks"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
            var target = explanation.Targets.Single(t => t.Name == name);
            var first = target.NetworkPairs[0];
            int rank = target.NetworkPairs.First(p => (p.NetworkA == nets[0] && p.NetworkB == nets[1]) || (p.NetworkA == nets[1] && p.NetworkB == nets[0])).Rank;
            bool hit = rank == 1;
            hits += hit ? 1 : 0;
            var carriers = e["carrier_rois"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
            var top = ModelExplainer.TopEdges(target.Importance!, atlas.LabelCount, 600);
            edgeHits += carriers.Contains(top[0].RoiA) && carriers.Contains(top[0].RoiB) ? 1 : 0;
            var carrierRanks = top.Where(t => carriers.Contains(t.RoiA) && carriers.Contains(t.RoiB)).Select(t => t.Rank);
            output.WriteLine($"  carriers {string.Join(",", carriers)} edge ranks {string.Join(",", carrierRanks)}; pairs {string.Join(" ", target.NetworkPairs.Take(4).Select(p => $"{p.NetworkA}-{p.NetworkB}:{p.Score:G3}"))}");
            output.WriteLine($"{name}: truth {nets[0]}–{nets[1]} ranked {rank}; first {first.NetworkA}–{first.NetworkB}");
        }

        output.WriteLine($"{hits} of 8 emotions have their true network pair ranked first");
        output.WriteLine($"{edgeHits} of 8 emotions have an edge between two of their carriers as the top edge");
        Assert.True(edgeHits >= 6, $"only {edgeHits} of 8 emotions have a carrier edge as the top edge");
        Assert.True(hits >= 6, $"only {hits} of 8 emotions rank their true network pair first");
    }

    /// <remarks>
    /// A session shaped like the bundled one (100 parcels, one 372-volume run of the story). An emotion's
    /// latent source couples all of its carriers: those at the two ends of its network pair and, within
    /// each end, with each other. So the blocks that carry an emotion are the pairs among its networks
    /// (A–B, A–A and B–B), and the strongest network pair of its Haufe pattern must be one of them.
    /// </remarks>
    [Fact]
    public void Explain_BundledShapedSession_StrongestNetworkPairIsAmongTheEmotionsNetworks()
    {
        var session = SyntheticSession.Write(_root, new SynthOptions { Nx = 20, Ny = 24, Nz = 18, Parcels = 100, Runs = 1, Seed = 3 });
        var atlas = Atlas.Load(session.Atlas, session.Labels);
        var settings = new FeatureSettings { Kind = FeatureKind.Dfc };
        var features = FeatureTables.FromRun(BoldRun.Open(session.Runs[0]), atlas, settings);
        var truth = NumericTable.Read(session.Truth[0]);
        var targets = WindowMeans(truth, features.Volumes, settings.Window.Window);
        var x = new RowMajorMatrix((double[])features.Values.Clone(), features.RowCount, features.ColumnCount);
        var y = new RowMajorMatrix(targets, features.RowCount, truth.ColumnCount);
        var model = EstimatorFactory.Fit(EstimatorKind.Ridge, new EstimatorOptions { Alpha = 100, Standardize = true }, x, y, truth.Columns);
        var package = new ModelPackage(model, settings.ToSpec(atlas.LabelCount, atlas.Sha256));
        var explanation = ModelExplainer.Explain(package, RoiLabels.Read(session.Labels, atlas.LabelCount),
            new ExplainData(features.Values, targets, features.RowCount, features.Volumes));

        var synth = JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "synth.json")))!;
        int hits = 0;
        foreach (var e in synth["emotions"]!.AsArray())
        {
            string name = e!["name"]!.GetValue<string>();
            var nets = e["networks"]!.AsArray().Select(n => n!.GetValue<string>()).ToHashSet();
            var first = explanation.Targets.Single(t => t.Name == name).NetworkPairs[0];
            bool hit = nets.Contains(first.NetworkA) && nets.Contains(first.NetworkB);
            hits += hit ? 1 : 0;
            output.WriteLine($"{name}: networks {string.Join("+", nets)}; strongest pair {first.NetworkA}–{first.NetworkB}{(hit ? "" : "  (miss)")}");
        }
        Assert.True(hits >= 7, $"only {hits} of 8 emotions have their strongest network pair among their own networks");
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
