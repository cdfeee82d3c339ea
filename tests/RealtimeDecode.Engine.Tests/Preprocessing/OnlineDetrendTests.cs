using RealtimeDecode.Engine.Preprocessing;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Preprocessing;

public class OnlineDetrendTests
{
    [Theory]
    [InlineData(1, "pre_detrend1.csv")]
    [InlineData(2, "pre_detrend2.csv")]
    public void Push_GoldenSeries_MatchesNumpyPolyfitOnDataSoFar(int order, string fixture)
    {
        var y = GoldenCsv.Read("pre_series.csv");
        var expected = GoldenCsv.Read(fixture);
        var d = new OnlineDetrend(y[0].Length, order);
        var o = new double[y[0].Length];
        for (int t = 0; t < y.Length; t++)
        {
            d.Push(y[t], o);
            Approx.Equal(expected[t], o, 1e-9, $"order {order} frame {t}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Push_10000FramesWithOffsetAndTrend_EqualsBatchRefit(int order)
    {
        const int c = 4, n = 10_000;
        var rng = new Random(100 + order);
        var data = new double[n * c];
        for (int t = 0; t < n; t++)
            for (int ch = 0; ch < c; ch++)
                data[t * c + ch] = 1000 + 0.01 * t * (ch + 1) - 1e-6 * t * t + Math.Sin(t / 40.0 + ch) + rng.NextDouble();
        var d = new OnlineDetrend(c, order);
        var o = new double[c];
        for (int t = 0; t < n; t++)
        {
            d.Push(data.AsSpan(t * c, c), o);
            if (t > 12 && t % 1009 != 0 && t < n - 2) continue;
            for (int ch = 0; ch < c; ch++)
            {
                // Reference: QR on a centred, scaled time basis (same polynomial space, well conditioned).
                double mid = t / 2.0, half = Math.Max(t / 2.0, 1);
                int col = ch, last = t;
                double expected = Reference.LastResidual(
                    r => Enumerable.Range(0, order + 1).Select(k => Math.Pow((r - mid) / half, k)).ToArray(),
                    r => data[r * c + col], last);
                Assert.True(Math.Abs(expected - o[ch]) <= 1e-9, $"order {order} frame {t} channel {ch}: {expected:R} vs {o[ch]:R}");
            }
        }
    }

    [Fact]
    public void Push_NaNSample_IsSkippedForThatChannelOnly()
    {
        double[] y0 = [1, 10], y1 = [double.NaN, 12], y2 = [5, 14], y3 = [6, 15];
        var d = new OnlineDetrend(2, 1);
        var o = new double[2];
        d.Push(y0, o);
        d.Push(y1, o);
        Assert.True(double.IsNaN(o[0]));
        Assert.Equal(0.0, o[1]);                 // two points on a line: exactly 0
        d.Push(y2, o);
        Assert.Equal(0.0, o[0]);                 // channel 0 has only t = 0 and t = 2
        d.Push(y3, o);
        // channel 0: points (0,1), (2,5), (3,6); fit y = a + b t by hand.
        double expected = Reference.LastResidual(r => new[] { 1.0, new[] { 0.0, 2, 3 }[r] }, r => new[] { 1.0, 5, 6 }[r], 2);
        Assert.Equal(expected, o[0], 12);
        Assert.NotEqual(0.0, o[0]);
    }

    [Fact]
    public void Constructor_OrderOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnlineDetrend(3, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnlineDetrend(3, OnlineDetrend.MaxOrder + 1));
        var ex = Assert.Throws<ArgumentException>(() => new OnlineDetrend(3, 1).Push(new double[4], new double[3]));
        Assert.Contains("4", ex.Message);
        Assert.Contains("3 channels", ex.Message);
    }

    [Fact]
    public void Reset_RestartsTimeAtZero()
    {
        var d = new OnlineDetrend(1, 1);
        var a = new double[1];
        var b = new double[1];
        double[] ys = [3, 1, 4, 1, 5];
        foreach (var y in ys) d.Push(new[] { y }, a);
        d.Reset();
        Assert.Equal(0, d.FrameCount);
        var fresh = new OnlineDetrend(1, 1);
        foreach (var y in ys) { d.Push(new[] { y }, a); fresh.Push(new[] { y }, b); }
        Assert.Equal(b[0], a[0]);
        Assert.NotEqual(0.0, a[0]);
    }
}
