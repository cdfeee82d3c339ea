using RealtimeDecode.Tests.Support;
using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Connectivity;

public class SlidingWindowCorrelationTests
{
    private static SlidingWindowOptions Opts(WindowTaper taper, int window = 13, bool fisher = false) =>
        new() { Window = window, Taper = taper, FisherZ = fisher };

    [Theory]
    [InlineData(WindowTaper.Rectangular, false, "conn_rect_w13.csv")]
    [InlineData(WindowTaper.Rectangular, true, "conn_rect_w13_fisher.csv")]
    [InlineData(WindowTaper.Gaussian, false, "conn_gauss_w13.csv")]
    [InlineData(WindowTaper.Exponential, false, "conn_exp_w13.csv")]
    public void Push_GoldenSeries_MatchesNumpy(WindowTaper taper, bool fisher, string fixture)
    {
        var x = GoldenCsv.Read("conn_series.csv");
        var expected = GoldenCsv.Read(fixture);
        int r = x[0].Length;
        var k = new SlidingWindowCorrelation(r, Opts(taper, fisher: fisher));
        var edges = new double[k.EdgeCount];
        int row = 0;
        for (int t = 0; t < x.Length; t++)
        {
            bool ready = k.Push(x[t], edges);
            Assert.Equal(t >= 12, ready);
            Assert.Equal(ready, k.IsReady);
            if (ready) Approx.Equal(expected[row++], edges, 1e-9, $"{taper} frame {t}");
        }
        Assert.Equal(expected.Length, row);
        Assert.Equal(0, k.DegenerateRoiTotal);
    }

    [Fact]
    public void TaperWeights_Gaussian_MatchesNumpyConvolution()
    {
        var expected = GoldenCsv.Read("conn_gauss_w13_weights.csv")[0];
        Approx.Equal(expected, Opts(WindowTaper.Gaussian).TaperWeights(), 1e-12, "taper");
        Assert.All(Opts(WindowTaper.Rectangular, 5).TaperWeights(), w => Assert.Equal(1.0, w));
    }

    public static TheoryData<WindowTaper, double> LongRuns => new()
    {
        { WindowTaper.Rectangular, 0 },
        { WindowTaper.Rectangular, 1000 },
        { WindowTaper.Gaussian, 1000 },
        { WindowTaper.Exponential, 0 },
        { WindowTaper.Exponential, 1000 },
    };

    [Theory]
    [MemberData(nameof(LongRuns))]
    public void Push_10000Frames_MatchesFromScratchRecomputeOfEveryWindow(WindowTaper taper, double offset)
    {
        const int r = 7, n = 10_000, w = 13;
        var rng = new Random(42);
        var series = new double[n * r];
        for (int t = 0; t < n; t++)
        {
            double common = rng.NextDouble() - 0.5;
            for (int i = 0; i < r; i++)
                series[t * r + i] = offset * (1 + 0.1 * i) + 0.002 * t + (i % 3) * common + rng.NextDouble() - 0.5;
        }
        var opts = Opts(taper, w);
        var k = new SlidingWindowCorrelation(r, opts);
        var edges = new double[k.EdgeCount];
        var weights = opts.TaperWeights();
        double lambda = Math.Pow(2, -1 / opts.EffectiveHalfLife);
        int checkedFrames = 0;
        for (int t = 0; t < n; t++)
        {
            if (!k.Push(series.AsSpan(t * r, r), edges)) continue;
            double[] expected;
            if (taper == WindowTaper.Exponential)
            {
                // All frames so far: O(n) per check, so check a sample of frames plus the last ones.
                if (t % 499 != 0 && t < n - 3 && t > 40) continue;
                int last = t;
                expected = Reference.WeightedCorrelation(series, r, 0, t + 1, s => Math.Pow(lambda, last - s));
            }
            else
            {
                int start = t - w + 1;
                expected = Reference.WeightedCorrelation(series, r, start, t + 1, s => weights[s - start]);
            }
            Approx.Equal(expected, edges, 1e-9, $"{taper} offset {offset} frame {t}");
            checkedFrames++;
        }
        Assert.True(checkedFrames >= 50);
    }

    [Fact]
    public void Push_RecomputeEveryFrameOrRarely_SameResultWithin1e12()
    {
        var rng = new Random(9);
        const int r = 6, n = 2000;
        var a = new SlidingWindowCorrelation(r, new SlidingWindowOptions { RecomputeInterval = 1 });
        var b = new SlidingWindowCorrelation(r, new SlidingWindowOptions { RecomputeInterval = 100_000 });
        var ea = new double[a.EdgeCount];
        var eb = new double[b.EdgeCount];
        var f = new double[r];
        for (int t = 0; t < n; t++)
        {
            for (int i = 0; i < r; i++) f[i] = 1000 + rng.NextDouble();
            Assert.Equal(a.Push(f, ea), b.Push(f, eb));
            if (a.IsReady) Approx.Equal(ea, eb, 1e-10, $"frame {t}");
        }
    }

    [Theory]
    [InlineData(WindowTaper.Rectangular)]
    [InlineData(WindowTaper.Gaussian)]
    [InlineData(WindowTaper.Exponential)]
    public void Push_ZeroVarianceRoi_EdgesZeroAndCounted(WindowTaper taper)
    {
        var rng = new Random(1);
        var k = new SlidingWindowCorrelation(4, Opts(taper, 5));
        var edges = new double[k.EdgeCount];
        for (int t = 0; t < 20; t++)
        {
            double[] f = [rng.NextDouble(), 1234.5, rng.NextDouble(), rng.NextDouble() + 1000];
            if (!k.Push(f, edges)) continue;
            Assert.Equal(1, k.DegenerateRoiCount);
            for (int j = 0; j < 4; j++)
                if (j != 1) Assert.Equal(0.0, edges[EdgeLayout.Index(Math.Min(1, j), Math.Max(1, j), 4)]);
            Assert.NotEqual(0.0, edges[EdgeLayout.Index(0, 2, 4)]);
            Assert.All(edges, e => Assert.False(double.IsNaN(e)));
        }
        Assert.Equal(16, k.DegenerateRoiTotal);
    }

    [Fact]
    public void Push_NaNInWindow_EdgesZeroUntilItLeaves()
    {
        var rng = new Random(2);
        var k = new SlidingWindowCorrelation(3, Opts(WindowTaper.Rectangular, 4));
        var edges = new double[3];
        var data = new List<double[]>();
        for (int t = 0; t < 30; t++)
        {
            double[] f = [rng.NextDouble(), rng.NextDouble(), rng.NextDouble()];
            if (t == 10) f[2] = double.NaN;
            data.Add(f);
            if (!k.Push(f, edges)) continue;
            bool inWindow = t >= 10 && t <= 13;
            Assert.Equal(inWindow ? 1 : 0, k.DegenerateRoiCount);
            Assert.NotEqual(0.0, edges[0]);
            if (inWindow) { Assert.Equal(0.0, edges[1]); Assert.Equal(0.0, edges[2]); }
            else
            {
                var flat = data.Skip(t - 3).SelectMany(v => v).ToArray();
                Approx.Equal(Reference.WeightedCorrelation(flat, 3, 0, 4, _ => 1), edges, 1e-9, $"frame {t}");
            }
        }
    }

    [Theory]
    [InlineData(WindowTaper.Rectangular, 6)]
    [InlineData(WindowTaper.Gaussian, 6)]
    [InlineData(WindowTaper.Exponential, 1)]
    public void Push_OneNaNValue_ZeroEdgesWhileInWindowNeverNaN(WindowTaper taper, int framesAffected)
    {
        var rng = new Random(12);
        var k = new SlidingWindowCorrelation(4, Opts(taper, 6));
        var edges = new double[k.EdgeCount];
        int affected = 0;
        for (int t = 0; t < 40; t++)
        {
            double[] f = [rng.NextDouble(), rng.NextDouble(), rng.NextDouble(), 1000 + rng.NextDouble()];
            if (t == 20) f[3] = double.NaN;
            if (!k.Push(f, edges)) continue;
            Assert.All(edges, e => Assert.True(double.IsFinite(e)));
            if (k.DegenerateRoiCount == 0) continue;
            affected++;
            Assert.Equal(1, k.DegenerateRoiCount);
            Assert.Equal(0.0, edges[EdgeLayout.Index(0, 3, 4)]);
            Assert.Equal(0.0, edges[EdgeLayout.Index(2, 3, 4)]);
        }
        Assert.Equal(framesAffected, affected);
        Assert.Equal(framesAffected, k.DegenerateRoiTotal);
    }

    [Fact]
    public void Push_BeforeWindowFull_ReturnsFalseAndLeavesOutputUntouched()
    {
        var k = new SlidingWindowCorrelation(3, Opts(WindowTaper.Rectangular, 3));
        var edges = new[] { 7.0, 7.0, 7.0 };
        Assert.False(k.Push(new[] { 1.0, 2, 3 }, edges));
        Assert.False(k.Push(new[] { 2.0, 1, 5 }, edges));
        Assert.False(k.IsReady);
        Assert.Equal(new[] { 7.0, 7.0, 7.0 }, edges);
        Assert.True(k.Push(new[] { 3.0, 3, 4 }, edges));
        Assert.True(k.IsReady);
        Assert.Equal(0.5, edges[0], 12);          // corr([1,2,3],[2,1,3])
        var e = new SlidingWindowCorrelation(3, new SlidingWindowOptions { Window = 3, Taper = WindowTaper.Exponential, WarmUp = 5 });
        for (int t = 0; t < 4; t++) Assert.False(e.Push(new[] { t, t * t, 1.0 / (t + 1) }, edges));
        Assert.True(e.Push(new[] { 4.0, 16, 0.2 }, edges));
    }

    [Fact]
    public void Push_FisherZ_IsAtanhOfClippedR()
    {
        var plain = new SlidingWindowCorrelation(3, Opts(WindowTaper.Rectangular, 3));
        var fisher = new SlidingWindowCorrelation(3, Opts(WindowTaper.Rectangular, 3, fisher: true));
        double[][] frames = [[1, 2, 3], [2, 4, 1], [3, 6, 2]];   // ROI 0 and 1 perfectly correlated
        var r = new double[3];
        var z = new double[3];
        foreach (var f in frames) { plain.Push(f, r); fisher.Push(f, z); }
        Assert.Equal(1.0, r[0], 12);
        Assert.Equal(Math.Atanh(1 - 1e-7), z[0], 9);
        Assert.Equal(Math.Atanh(r[1]), z[1], 12);
        Assert.Equal(Math.Atanh(r[2]), z[2], 12);
    }

    [Theory]
    [InlineData(WindowTaper.Rectangular)]
    [InlineData(WindowTaper.Gaussian)]
    [InlineData(WindowTaper.Exponential)]
    public void Push_FisherZEveryTaper_EqualsAtanhOfPlainOutput(WindowTaper taper)
    {
        const int r = 37;
        var rng = new Random(21);
        var plain = new SlidingWindowCorrelation(r, Opts(taper, 6));
        var fisher = new SlidingWindowCorrelation(r, Opts(taper, 6, fisher: true));
        var er = new double[plain.EdgeCount];
        var ez = new double[plain.EdgeCount];
        var f = new double[r];
        for (int t = 0; t < 80; t++)
        {
            double common = rng.NextDouble();
            for (int i = 0; i < r; i++) f[i] = 500 + (i % 4) * common + 0.3 * rng.NextDouble();
            f[5] = f[4] * 2 + 1;                                  // an exactly collinear pair: r = 1, clipped
            if (!plain.Push(f, er) | !fisher.Push(f, ez)) continue;
            for (int e = 0; e < er.Length; e++)
            {
                double expected = Math.Atanh(Math.Clamp(er[e], -(1 - 1e-7), 1 - 1e-7));
                Assert.True(Math.Abs(expected - ez[e]) <= 1e-9, $"frame {t} edge {e}: {expected:R} vs {ez[e]:R}");
            }
        }
    }

    [Fact]
    public void Invalid_WindowRoisOrSpans_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingWindowCorrelation(5, new SlidingWindowOptions { Window = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingWindowCorrelation(1, new SlidingWindowOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingWindowCorrelation(5, new SlidingWindowOptions { GaussianSigma = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingWindowCorrelation(5, new SlidingWindowOptions { FisherClip = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingWindowCorrelation(5, new SlidingWindowOptions { RecomputeInterval = 0 }));
        var k = new SlidingWindowCorrelation(5, new SlidingWindowOptions());
        var ex = Assert.Throws<ArgumentException>(() => k.Push(new double[4], new double[10]));
        Assert.Contains("4", ex.Message);
        Assert.Contains("5 ROIs", ex.Message);
        var ex2 = Assert.Throws<ArgumentException>(() => k.Push(new double[5], new double[9]));
        Assert.Contains("9", ex2.Message);
        Assert.Contains("10 edges", ex2.Message);
    }

    [Theory]
    [InlineData(WindowTaper.Rectangular)]
    [InlineData(WindowTaper.Gaussian)]
    [InlineData(WindowTaper.Exponential)]
    public void ComputeAll_Series_EqualsPushLoop(WindowTaper taper)
    {
        var x = GoldenCsv.Read("conn_series.csv");
        int r = x[0].Length;
        var opts = Opts(taper, fisher: true);
        var all = SlidingWindowCorrelation.ComputeAll(GoldenCsv.Flatten(x), r, opts);
        var k = new SlidingWindowCorrelation(r, opts);
        var e = new double[k.EdgeCount];
        var rows = new List<double>();
        foreach (var f in x) if (k.Push(f, e)) rows.AddRange(e);
        Assert.Equal(rows.ToArray(), all);
        Assert.Equal((x.Length - 12) * k.EdgeCount, all.Length);
    }

    [Fact]
    public void ComputeAll_Table_NamesEdgesAndUsesLastVolumeOfWindow()
    {
        var x = GoldenCsv.Read("conn_series.csv");
        var cols = new[] { "A", "B", "C", "D", "E" };
        var vols = Enumerable.Range(100, x.Length).ToArray();
        var table = new NumericTable(cols, vols, GoldenCsv.Flatten(x));
        var result = SlidingWindowCorrelation.ComputeAll(table, new SlidingWindowOptions());
        Assert.Equal(10, result.ColumnCount);
        Assert.Equal("A~B", result.Columns[0]);
        Assert.Equal("A~E", result.Columns[3]);
        Assert.Equal("B~C", result.Columns[4]);
        Assert.Equal("D~E", result.Columns[9]);
        Assert.Equal(112, result.Volumes[0]);
        Assert.Equal(vols[^1], result.Volumes[^1]);
        Approx.Equal(GoldenCsv.Read("conn_rect_w13.csv")[0], result.Row(0), 1e-9, "first window");
        Assert.Empty(SlidingWindowCorrelation.ComputeAll(new double[5 * 4], 5, new SlidingWindowOptions()));
    }

    [Theory]
    [InlineData(WindowTaper.Rectangular)]
    [InlineData(WindowTaper.Gaussian)]
    [InlineData(WindowTaper.Exponential)]
    public void Push_SteadyState_AllocatesNothing(WindowTaper taper)
    {
        const int r = 40;
        var k = new SlidingWindowCorrelation(r, Opts(taper, fisher: true) with { RecomputeInterval = 7 });
        var e = new double[k.EdgeCount];
        var f = new double[r];
        var rng = new Random(4);
        for (int t = 0; t < 30; t++) { for (int i = 0; i < r; i++) f[i] = rng.NextDouble(); k.Push(f, e); }
        Assert.Equal(0, Allocations.SteadyState(() => { for (int t = 0; t < 100; t++) { f[t % r] += 1; k.Push(f, e); } }));
    }

    [Fact]
    public void Reset_AfterFrames_BehavesAsNew()
    {
        var x = GoldenCsv.Read("conn_series.csv");
        var k = new SlidingWindowCorrelation(5, new SlidingWindowOptions());
        var e = new double[10];
        foreach (var f in x.Take(20)) k.Push(f, e);
        k.Reset();
        Assert.False(k.IsReady);
        Assert.Equal(0, k.FrameCount);
        foreach (var f in x.Take(13)) k.Push(f, e);
        Approx.Equal(GoldenCsv.Read("conn_rect_w13.csv")[0], e, 1e-9, "after reset");
    }
}
