using RealtimeDecode.Tests.Support;
using RealtimeDecode.Engine.Preprocessing;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Preprocessing;

public class PreprocessorTests
{
    [Fact]
    public void Push_DetrendZScoreNuisanceChain_MatchesNumpy()
    {
        var y = GoldenCsv.Read("pre_series.csv");
        var n = GoldenCsv.Read("pre_nuisance.csv");
        var expected = GoldenCsv.Read("pre_chain_d1_z_n2.csv");
        var p = new Preprocessor(y[0].Length, new PreprocessingOptions(DetrendOrder: 1, ZScore: true, NuisanceCount: 2));
        var o = new double[y[0].Length];
        for (int t = 0; t < y.Length; t++)
        {
            p.Push(y[t], n[t], o);
            Approx.Equal(expected[t], o, 1e-9, $"frame {t}");
        }
    }

    [Fact]
    public void Push_DetrendOnly_EqualsOnlineDetrend()
    {
        var y = GoldenCsv.Read("pre_series.csv");
        var p = new Preprocessor(y[0].Length, new PreprocessingOptions(DetrendOrder: 2));
        var d = new OnlineDetrend(y[0].Length, 2);
        var a = new double[y[0].Length];
        var b = new double[y[0].Length];
        foreach (var row in y)
        {
            p.Push(row, a);
            d.Push(row, b);
            Approx.Equal(b, a, 1e-12, "chain vs detrend");
        }
        Approx.Equal(GoldenCsv.Read("pre_detrend2.csv")[^1], a, 1e-9, "last frame");
    }

    [Fact]
    public void Push_NoSteps_PassesThroughAndMayAlias()
    {
        var p = new Preprocessor(3, PreprocessingOptions.None);
        double[] frame = [1, double.NaN, 3];
        var o = new double[3];
        p.Push(frame, o);
        Assert.Equal(frame, o);
        var z = new Preprocessor(3, new PreprocessingOptions(ZScore: true));
        double[] f1 = [1, 2, 3], f2 = [3, 2, 1];
        z.Push(f1, f1);
        z.Push(f2, f2);                                // output aliases the frame
        Approx.Equal(new[] { 1 / Math.Sqrt(2), 0, -1 / Math.Sqrt(2) }, f2, 1e-12, "aliased z");
    }

    [Fact]
    public void Run_WholeSeries_EqualsPushLoop()
    {
        var y = GoldenCsv.Read("pre_series.csv");
        var n = GoldenCsv.Read("pre_nuisance.csv");
        var opts = new PreprocessingOptions(DetrendOrder: 1, ZScore: true, NuisanceCount: 2);
        var batch = Preprocessor.Run(GoldenCsv.Flatten(y), y[0].Length, GoldenCsv.Flatten(n), opts);
        Approx.Equal(GoldenCsv.Flatten(GoldenCsv.Read("pre_chain_d1_z_n2.csv")), batch, 1e-9, "Run");
    }

    [Fact]
    public void Push_SteadyStateWithNaNChannel_AllocatesNothing()
    {
        const int c = 50, k = 3;
        var p = new Preprocessor(c, new PreprocessingOptions(DetrendOrder: 2, ZScore: true, NuisanceCount: k));
        var rng = new Random(1);
        var f = new double[c];
        var n = new double[k];
        var o = new double[c];
        void Step(int t)
        {
            for (int i = 0; i < c; i++) f[i] = 1000 + rng.NextDouble();
            for (int i = 0; i < k; i++) n[i] = rng.NextDouble();
            if (t % 5 == 0) f[3] = double.NaN;
            p.Push(f, n, o);
        }
        for (int t = 0; t < 20; t++) Step(t);
        int next = 20;
        Assert.Equal(0, Allocations.SteadyState(() => { for (int t = 0; t < 20; t++) Step(next++); }));
        Assert.All(o.Where((_, i) => i != 3), v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void Run_Tables_KeepsColumnsAndVolumesAndMatchesNumpy()
    {
        var y = GoldenCsv.Read("pre_series.csv");
        var n = GoldenCsv.Read("pre_nuisance.csv");
        var vols = Enumerable.Range(5, y.Length).ToArray();
        var roi = new NumericTable(["a", "b", "c", "d"], vols, GoldenCsv.Flatten(y));
        var nu = new NumericTable(["gs", "csf"], vols, GoldenCsv.Flatten(n));
        var opts = new PreprocessingOptions(DetrendOrder: 1, ZScore: true, NuisanceCount: 2);
        var result = Preprocessor.Run(roi, nu, opts);
        Assert.Equal(roi.Columns, result.Columns);
        Assert.Equal(vols, result.Volumes);
        Approx.Equal(GoldenCsv.Flatten(GoldenCsv.Read("pre_chain_d1_z_n2.csv")), result.Values, 1e-9, "table run");
        var shifted = new NumericTable(["gs", "csf"], vols.Select(v => v + 1).ToArray(), GoldenCsv.Flatten(n));
        Assert.Throws<ArgumentException>(() => Preprocessor.Run(roi, shifted, opts));
        Assert.Throws<ArgumentException>(() => Preprocessor.Run(roi, null, opts));
    }

    [Fact]
    public void Constructor_InvalidOptions_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Preprocessor(3, new PreprocessingOptions(DetrendOrder: -2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Preprocessor(3, new PreprocessingOptions(DetrendOrder: 6)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Preprocessor(3, new PreprocessingOptions(NuisanceCount: -1)));
        var p = new Preprocessor(3, new PreprocessingOptions(NuisanceCount: 2));
        var ex = Assert.Throws<ArgumentException>(() => p.Push(new double[3], new double[3]));
        Assert.Contains("0", ex.Message);
        Assert.Contains("2 nuisance", ex.Message);
        var ex2 = Assert.Throws<ArgumentException>(() => Preprocessor.Run(new double[6], 3, new double[3], new PreprocessingOptions(NuisanceCount: 2)));
        Assert.Contains("2 frames × 2 series need 4", ex2.Message);
    }
}
