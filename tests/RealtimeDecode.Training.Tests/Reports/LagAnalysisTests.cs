using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Training.Reports;

namespace RealtimeDecode.Training.Tests.Reports;

public sealed class LagAnalysisTests
{
    /// <summary>A smooth random truth: white noise through a 5-volume moving average, then an AR(1).</summary>
    private static double[] Truth(int n, int seed)
    {
        var rng = new Random(seed);
        var w = Enumerable.Range(0, n + 5).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var y = new double[n];
        double a = 0;
        for (int v = 0; v < n; v++) { a = 0.6 * a + w.Skip(v).Take(5).Sum(); y[v] = a; }
        return y;
    }

    private static LagRun Run(double[] truth, int first, Func<int, double> estimate)
    {
        int n = truth.Length;
        var last = Enumerable.Range(first, n - first).ToArray();
        var p = new double[last.Length, 1];
        for (int i = 0; i < last.Length; i++) p[i, 0] = estimate(last[i]);
        return new LagRun(last, p, new NumericTable(["joy"], Enumerable.Range(0, n).ToArray(), truth));
    }

    [Fact]
    public void Analyse_EstimateIsTruthFiveVolumesAgo_FindsFiveTrs()
    {
        var y = Truth(400, 1);

        var r = LagAnalysis.Analyse([Run(y, 5, v => y[v - 5])], tr: 1.5, window: 1);

        Assert.Equal(7.5, r.Peak[0], 1);          // a sharp peak: the band's centre is the peak
        Assert.Equal(7.5, r.Peak[1], 1);          // the mean over one target is that target
        Assert.True(r.PeakR[0] > 0.999);
        Assert.False(r.AtEdge[0]);
    }

    [Fact]
    public void Analyse_RectangularWindowMeanWithNoise_FindsTheWindowCentreWithinOneTr()
    {
        // The estimate of the window ending at v is the mean of the truth over v − 12 … v plus noise:
        // it describes the truth at the window's centre, (W − 1)/2 = 6 volumes = 12 s ago.
        var y = Truth(500, 2);
        var noise = new Random(3);
        const int W = 13;

        var r = LagAnalysis.Analyse([Run(y, W - 1, v => Enumerable.Range(v - W + 1, W).Average(u => y[u]) + 0.3 * (noise.NextDouble() - 0.5))], tr: 2, window: W);

        Assert.InRange(r.Peak[^1], 11, 13);
        Assert.InRange(r.StandardError[^1], 0, 2);
        Assert.True(r.Low95[^1] <= r.Peak[^1] && r.Peak[^1] <= r.High95[^1]);
    }

    [Fact]
    public void Analyse_TwoTargetsAtDifferentLags_ReportsEachAndTheMeanCurveBetween()
    {
        var a = Truth(400, 4);
        var b = Truth(400, 5);
        var truth = new double[800];
        for (int v = 0; v < 400; v++) { truth[2 * v] = a[v]; truth[2 * v + 1] = b[v]; }
        var last = Enumerable.Range(10, 390).ToArray();
        var p = new double[last.Length, 2];
        for (int i = 0; i < last.Length; i++) { p[i, 0] = a[last[i] - 2]; p[i, 1] = b[last[i] - 6]; }
        var run = new LagRun(last, p, new NumericTable(["joy", "fear"], Enumerable.Range(0, 400).ToArray(), truth));

        var r = LagAnalysis.Analyse([run], tr: 1, window: 10);

        Assert.Equal(2.0, r.Peak[0], 1);
        Assert.Equal(6.0, r.Peak[1], 1);
        Assert.InRange(r.Peak[2], 2.0, 6.0);
        Assert.Equal(3, r.Curves.Length);
    }

    [Fact]
    public void Analyse_RunTooShortForTheSearchedLags_Throws()
    {
        var y = Truth(20, 6);

        Assert.Throws<ArgumentException>(() => LagAnalysis.Analyse([Run(y, 0, v => y[v])], tr: 2, window: 13));
    }
}
