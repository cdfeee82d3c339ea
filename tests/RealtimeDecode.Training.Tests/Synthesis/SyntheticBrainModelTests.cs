using RealtimeDecode.Training.Synthesis;

namespace RealtimeDecode.Training.Tests.Synthesis;

public class SyntheticBrainModelTests
{
    [Fact]
    public void ParcelSignals_CarrierCorrelation_FollowsDriveWhileVarianceStaysConstant()
    {
        var atlas = SyntheticAtlas.Create(20, 24, 18, 42, seed: 1);
        var model = new SyntheticBrainModel(atlas, 8, new BrainModelOptions(), seed: 2);
        int t = 4000;
        var drive = new double[t, 8];
        for (int v = 0; v < t; v++) drive[v, 0] = v < t / 2 ? 0 : 1; // anticipation off, then fully on
        var x = model.ParcelSignals(drive, seed: 3);
        var c = model.Carriers[0];
        Assert.True(c.Length >= 2);
        double Corr(int from, int to) => Stats(x, c[0], c[^1], from, to).Corr;
        double Var(int from, int to) => Stats(x, c[0], c[^1], from, to).VarA;
        // κ·c/(1+β) = 1/1.1 ≈ 0.91 when on; only the network background remains when off.
        Assert.InRange(Corr(t / 2, t), 0.82, 0.97);
        Assert.InRange(Corr(0, t / 2), -0.1, 0.3);
        Assert.InRange(Var(t / 2, t) / Var(0, t / 2), 0.85, 1.15);
    }

    [Fact]
    public void Create_EveryParcelHasVoxelsAndANetwork()
    {
        var atlas = SyntheticAtlas.Create(24, 28, 20, 100, seed: 4);
        var counts = new int[101];
        foreach (var l in atlas.Labels) counts[l]++;
        Assert.All(Enumerable.Range(1, 100), p => Assert.True(counts[p] > 0));
        Assert.Equal(SyntheticAtlas.Yeo7, atlas.Networks.Distinct().ToArray());
        Assert.StartsWith("7Networks_", atlas.Names[0]);
    }

    private static (double Corr, double VarA) Stats(double[,] x, int a, int b, int from, int to)
    {
        double ma = 0, mb = 0; int n = to - from;
        for (int v = from; v < to; v++) { ma += x[v, a]; mb += x[v, b]; }
        ma /= n; mb /= n;
        double sab = 0, saa = 0, sbb = 0;
        for (int v = from; v < to; v++) { sab += (x[v, a] - ma) * (x[v, b] - mb); saa += (x[v, a] - ma) * (x[v, a] - ma); sbb += (x[v, b] - mb) * (x[v, b] - mb); }
        return (sab / Math.Sqrt(saa * sbb), saa / (n - 1));
    }
}
