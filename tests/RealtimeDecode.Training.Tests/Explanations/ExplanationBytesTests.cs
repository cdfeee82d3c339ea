using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Training.Explanations;
using RealtimeDecode.Engine.Networks;

namespace RealtimeDecode.Training.Tests.Explanations;

/// <summary>
/// explain.json, the TSV tables and the .npy arrays of fixed explanations against the files committed in
/// Golden/Explanations, which the writer of explain format version 1 produced for the same explanations:
/// any change of layout, field order, number format, escaping or null handling fails here. The
/// explanations are built by hand so that every optional field of the format is exercised and no
/// numeric computation stands between the input and the bytes.
/// </summary>
public sealed class ExplanationBytesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rtd-explainbytes-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    public static TheoryData<string> Names => ["dfc_haufe", "roi_permutation"];

    private static ModelExplanation Build(string name)
    {
        if (name == "dfc_haufe")
        {
            string[] networks = ["Vis", "Default", "Vis", "Default"];
            var labels = new RoiLabels(["V1 left", "PCC \"core\"", "V2 é", "mPFC"], networks);
            var graph = new ImportanceGraphResult(
                4,
                [new WeightedEdge(0, 2, 0.75), new WeightedEdge(1, 3, 0.5), new WeightedEdge(0, 1, 1e-20)],
                1.25,
                [0.75, 0.5, 0.75, 0.5],
                [2.0 / 3, 2.0 / 3, 0, 0],
                [new NetworkSummary("Vis", 2, 0.75, 1.0 / 3), new NetworkSummary("Default", 2, 0.5, double.NaN)],
                [[0, 2], [1, 3]],
                [0, 1, 0, 1],
                0.4375,
                double.NaN,
                0.1 + 0.2,
                3);
            var t1 = new TargetExplanation("joy", [0.1, -0.2, 0.75, 0.3, 0.05, 0.5], graph,
                [new RankedEdge(1, 0, 2, 0.75), new RankedEdge(2, 1, 3, 0.5)],
                [new RankedNetworkPair(1, 0, "Vis", "Vis", 1, 0.75), new RankedNetworkPair(2, 2, "Default", "Default", 1, double.NaN)],
                [], double.NaN)
            {
                SplitHalfR = 0.875,
                SplitHalfPairR = -0.25,
                SplitHalfTopPairs = ("Vis–Vis", "Default–Vis"),
            };
            var t2 = new TargetExplanation("fear", [0, 0, 0, 0, 0, 0], null, [], [], [], 0.125) { SplitHalfR = double.NaN };
            return new ModelExplanation(FeatureKind.Dfc, EstimatorKind.Ridge, ImportanceSource.HaufePatterns, labels, new NetworkPairs(networks),
                [t1, t2], new double[,] { { 0, 0.625 }, { 0.625, double.NaN } }, 120, ["patterns of 120 rows", "a note with \t tab"])
            {
                Coefficients = [1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6],
                EdgesPerPair = 5,
            };
        }

        var roiLabels = new RoiLabels(["a", "b", "c"], null);
        var target = new TargetExplanation("y", [0.5, double.NaN, -1e-7], null, [], [],
            [new KeyValuePair<string, double>("X", 0.25), new KeyValuePair<string, double>("Y", double.PositiveInfinity)], 0.375);
        return new ModelExplanation(FeatureKind.Roi, EstimatorKind.Svr, ImportanceSource.PermutationR2Drop, roiLabels, null,
            [target], null, 0, []);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Write_GoldenExplanation_WritesTheGoldenJsonTablesAndArrays(string name)
    {
        string dir = Path.Combine(_dir, name);
        var written = ExplanationWriter.Write(Build(name), dir);

        string golden = Path.Combine(AppContext.BaseDirectory, "Golden", "Explanations", name);
        var expected = Directory.GetFiles(golden).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        var actual = written.Where(f => !f.EndsWith(".png", StringComparison.Ordinal) && !f.EndsWith(".html", StringComparison.Ordinal))
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, actual);
        foreach (var f in expected.Where(f => !f!.EndsWith(".npy", StringComparison.Ordinal)))
            Assert.Equal(File.ReadAllText(Path.Combine(golden, f!)), File.ReadAllText(Path.Combine(dir, f!)));
        foreach (var f in expected)
            Assert.True(File.ReadAllBytes(Path.Combine(golden, f!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir, f!))), f);
    }
}
