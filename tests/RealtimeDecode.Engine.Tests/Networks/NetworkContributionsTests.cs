using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Networks;
using RealtimeDecode.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Networks;

public sealed class NetworkContributionsTests
{
    // A standardised linear model on the edges of `rois` ROIs with random weights, means and scales.
    private static DecodingModel Model(int rois, int targets, int seed)
    {
        var rng = new Random(seed);
        int p = EdgeLayout.EdgeCount(rois);
        double[] Draw(int n, double lo, double hi) => [.. Enumerable.Range(0, n).Select(_ => lo + (hi - lo) * rng.NextDouble())];
        var lin = new LinearRegressor([.. Enumerable.Range(0, targets).Select(t => $"t{t}")], p, Draw(targets * p, -1, 1), Draw(targets, -2, 2));
        return new DecodingModel(EstimatorKind.Ridge, null, new StandardScaler(Draw(p, -0.5, 0.5), Draw(p, 0.2, 3)), lin);
    }

    [Fact]
    public void Compute_LinearModel_BlocksSumToPredictionWithoutAllocating()
    {
        int rois = 12, n = 30;
        var networks = Enumerable.Range(0, rois).Select(i => $"N{i % 4}").ToArray();
        int p = EdgeLayout.EdgeCount(rois);
        var model = Model(rois, 2, seed: 3);
        var rng = new Random(4);
        var x = Enumerable.Range(0, n * p).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var contributions = new NetworkContributions(model, networks);
        var pairs = new NetworkPairs(networks);
        var raw = LinearCoefficients.Raw(model);
        var pred = new double[2];

        Assert.Equal(10, contributions.Pairs.Count);
        Assert.Equal(0, Allocations.SteadyState(() => { for (int i = 0; i < n; i++) contributions.Compute(x.AsSpan(i * p, p)); }));

        var row = x.AsSpan(7 * p, p);
        var values = contributions.Compute(row).ToArray();
        model.Predict(row, pred);
        for (int t = 0; t < 2; t++)
        {
            double sum = contributions.Offset[t];
            for (int q = 0; q < contributions.Pairs.Count; q++) sum += values[q * 2 + t];
            Assert.Equal(pred[t], sum, 9);
        }

        // One pair checked edge by edge: N1–N3.
        int pair = pairs.PairOf(1, 3);
        Assert.Equal(("N1", "N3"), contributions.Pairs[pair]);
        double expected = 0;
        for (int e = 0; e < p; e++)
            if (pairs.PairOfEdge(e) == pair) expected += raw[p + e] * (row[e] - model.Scaler!.Mean[e]);
        Assert.Equal(expected, values[pair * 2 + 1], 12);
    }

    [Fact]
    public void Compute_NonFiniteEdge_ContributesNothing()
    {
        int rois = 6;
        var networks = new[] { "A", "A", "B", "B", "C", "C" };
        int p = EdgeLayout.EdgeCount(rois);
        var model = Model(rois, 1, seed: 8);
        var contributions = new NetworkContributions(model, networks);
        var pairs = new NetworkPairs(networks);
        var x = new double[p];
        Array.Copy(model.Scaler!.Mean, x, p);
        int edge = EdgeLayout.Index(0, 2, rois);
        x[edge] = 5;
        var withEdge = contributions.Compute(x).ToArray();
        x[edge] = double.NaN;
        var withoutEdge = contributions.Compute(x).ToArray();

        int pair = pairs.PairOfEdge(edge);
        Assert.Equal(LinearCoefficients.Raw(model)[edge] * (5 - model.Scaler.Mean[edge]), withEdge[pair], 12);
        Assert.All(withoutEdge, v => Assert.Equal(0, v));
    }

    [Fact]
    public void Constructor_FeatureCountNotEdgesOfRois_Throws()
    {
        var model = Model(5, 1, seed: 1);
        Assert.Throws<ArgumentException>(() => new NetworkContributions(model, ["A", "A", "B", "B"]));
        var contributions = new NetworkContributions(model, ["A", "A", "B", "B", "C"]);
        Assert.Throws<ArgumentException>(() => contributions.Compute(new double[3]));
    }
}
