using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Host.Dashboard;

namespace RealtimeDecode.Host.Tests.Dashboard;

/// <summary>The encoder against straightforward full-matrix computations written here.</summary>
public sealed class ConnectivityEncoderTests
{
    private static double[] RandomEdges(int rois, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, rois * (rois - 1) / 2).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
    }

    private static sbyte[] Bytes(ConnectivityMessage m) => m.Values.Select(b => unchecked((sbyte)b)).ToArray();

    [Fact]
    public void Encode_FullMatrix_QuantisesToMaxMagnitudeScale()
    {
        var edges = RandomEdges(12, 1);
        edges[5] = double.NaN;
        var enc = new ConnectivityEncoder(12, Enumerable.Range(0, 12).ToArray(), null, null, 400);
        var m = enc.Encode(3, edges);
        double max = edges.Where(double.IsFinite).Max(Math.Abs);
        Assert.Equal(max, m.Scale);
        Assert.Equal(12, m.RoiCount);
        var q = Bytes(m);
        Assert.Equal(edges.Length, q.Length);
        for (int k = 0; k < edges.Length; k++)
        {
            if (k == 5) { Assert.Equal(0, q[k]); continue; }
            Assert.InRange(q[k] / 127.0 * m.Scale - edges[k], -m.Scale / 254 - 1e-12, m.Scale / 254 + 1e-12);
        }
        Assert.Contains(q, b => Math.Abs((int)b) == 127);
        Assert.Null(m.Contributions);
    }

    [Fact]
    public void Encode_FixedScale_ClipsBeyondScale()
    {
        var edges = new[] { 3.0, -0.75, 0.375 };
        var m = new ConnectivityEncoder(3, [0, 1, 2], null, null, 400, fixedScale: 1.5).Encode(0, edges);
        Assert.Equal(1.5, m.Scale);
        Assert.Equal(new sbyte[] { 127, -64, 32 }, Bytes(m)); // -0.75/1.5*127 = -63.5 rounds to even: -64
    }

    [Fact]
    public void Encode_MoreRoisThanMaxSize_AveragesBlocksInNetworkOrder()
    {
        const int r = 10, size = 4;
        int[] order = [9, 1, 3, 5, 7, 0, 2, 4, 6, 8];
        var nets = Enumerable.Range(0, r).Select(i => i % 2 == 1 || i == 9 ? "Odd" : "Even").ToArray();
        var edges = RandomEdges(r, 2);
        var enc = new ConnectivityEncoder(r, order, nets, null, size);
        var m = enc.Encode(7, edges);
        Assert.Equal(size, m.RoiCount);
        Assert.True(enc.IsDownsampled);

        var full = new double[r, r];
        for (int i = 0, k = 0; i < r; i++) for (int j = i + 1; j < r; j++, k++) full[i, j] = full[j, i] = edges[k];
        int Block(int roi) => Array.IndexOf(order, roi) * size / r;
        var expected = new List<double>();
        for (int a = 0; a < size; a++)
            for (int b = a + 1; b < size; b++)
            {
                var vals = new List<double>();
                for (int i = 0; i < r; i++) for (int j = 0; j < r; j++) if (i < j && ((Block(i) == a && Block(j) == b) || (Block(i) == b && Block(j) == a))) vals.Add(full[i, j]);
                expected.Add(vals.Average());
            }
        double scale = expected.Max(Math.Abs);
        Assert.Equal(scale, m.Scale, 12);
        Assert.Equal(expected.Select(v => (sbyte)Math.Round(v / scale * 127)), Bytes(m));
        Assert.Equal(["Odd", "Odd", "Even", "Even"], m.BlockNetworks!);
    }

    [Fact]
    public void Encode_LinearModel_ContributionPerNetworkPairIsCentredWeightTimesEdgeSumAddingUpToTheEstimate()
    {
        const int r = 9, targets = 3;
        var nets = Enumerable.Range(0, r).Select(i => new[] { "C", "A", "B" }[i % 3]).ToArray();
        var edges = RandomEdges(r, 3);
        edges[4] = double.NaN;
        int e = edges.Length;
        var rng = new Random(4);
        var w = Enumerable.Range(0, targets * e).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var mean = Enumerable.Range(0, e).Select(_ => rng.NextDouble() * 0.4).ToArray();
        var scale = Enumerable.Range(0, e).Select(_ => 0.5 + rng.NextDouble()).ToArray();
        double[] intercept = [0.1, -0.2, 0.3];
        var model = new DecodingModel(EstimatorKind.Ridge, new JsonObject(), new StandardScaler(mean, scale),
            new LinearRegressor(["t0", "t1", "t2"], e, w, intercept));

        var m = new ConnectivityEncoder(r, Enumerable.Range(0, r).ToArray(), nets, model, 400).Encode(0, edges);

        Assert.NotNull(m.Contributions);
        Assert.Equal(6, m.Contributions!.Length);
        foreach (var c in m.Contributions)
            for (int t = 0; t < targets; t++)
            {
                double sum = 0;
                for (int i = 0, k = 0; i < r; i++)
                    for (int j = i + 1; j < r; j++, k++)
                    {
                        var pair = string.CompareOrdinal(nets[i], nets[j]) <= 0 ? (nets[i], nets[j]) : (nets[j], nets[i]);
                        var named = string.CompareOrdinal(c.NetworkA, c.NetworkB) <= 0 ? (c.NetworkA, c.NetworkB) : (c.NetworkB, c.NetworkA);
                        if (pair == named && k != 4) sum += w[t * e + k] / scale[k] * (edges[k] - mean[k]);
                    }
                Assert.Equal(sum, c.Values[t], 12);
            }

        // With the NaN edge at its mean, the pairs and the intercept give the model's estimate.
        var filled = (double[])edges.Clone();
        filled[4] = mean[4];
        var estimate = new double[targets];
        model.Predict(filled, estimate);
        for (int t = 0; t < targets; t++)
            Assert.Equal(estimate[t], intercept[t] + m.Contributions.Sum(c => c.Values[t]), 12);
    }

    [Fact]
    public void Encode_WrongEdgeCount_Throws()
    {
        var enc = new ConnectivityEncoder(5, [0, 1, 2, 3, 4], null, null, 400);
        Assert.Throws<ArgumentException>(() => enc.Encode(0, new double[9]));
    }
}
