using RealtimeDecode.Engine.Preprocessing;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Preprocessing;

public class RunningZScoreTests
{
    [Fact]
    public void Push_GoldenSeries_MatchesNumpyRunningZScore()
    {
        var y = GoldenCsv.Read("pre_series.csv");
        var expected = GoldenCsv.Read("pre_zscore.csv");
        var z = new RunningZScore(y[0].Length);
        var o = new double[y[0].Length];
        for (int t = 0; t < y.Length; t++)
        {
            z.Push(y[t], o);
            Approx.Equal(expected[t], o, 1e-9, $"frame {t}");
        }
    }

    [Fact]
    public void Push_10000FramesAtMean1000_EqualsBatchZScore()
    {
        const int c = 6, n = 10_000;
        var rng = new Random(11);
        var data = new double[n * c];
        for (int i = 0; i < data.Length; i++) data[i] = 1000 + (i % c) * 50 + rng.NextDouble() * 3;
        var z = new RunningZScore(c);
        var o = new double[c];
        for (int t = 0; t < n; t++)
        {
            z.Push(data.AsSpan(t * c, c), o);
            if (t % 397 != 0 && t < n - 3) continue;
            for (int ch = 0; ch < c; ch++)
            {
                double mean = 0;
                for (int k = 0; k <= t; k++) mean += data[k * c + ch];
                mean /= t + 1;
                double ss = 0;
                for (int k = 0; k <= t; k++) ss += Math.Pow(data[k * c + ch] - mean, 2);
                double expected = t == 0 ? 0 : (data[t * c + ch] - mean) / Math.Sqrt(ss / t);
                Assert.True(Math.Abs(expected - o[ch]) <= 1e-9, $"frame {t} channel {ch}: {expected} vs {o[ch]}");
            }
        }
    }

    [Fact]
    public void Push_ConstantChannelAndFirstSample_GiveZero()
    {
        var z = new RunningZScore(2);
        var o = new double[2];
        z.Push(new[] { 5.0, 1.0 }, o);
        Assert.Equal(new[] { 0.0, 0.0 }, o);           // N < 2
        z.Push(new[] { 5.0, 3.0 }, o);
        Assert.Equal(0.0, o[0]);                        // variance exactly 0
        Assert.Equal(1 / Math.Sqrt(2), o[1], 12);       // (3 − 2) / sqrt(2)
    }

    [Fact]
    public void Push_NaN_GivesNaNAndIsNotCounted()
    {
        var z = new RunningZScore(1);
        var o = new double[1];
        z.Push(new[] { 1.0 }, o);
        z.Push(new[] { double.NaN }, o);
        Assert.True(double.IsNaN(o[0]));
        Assert.Equal(1, z.Count(0));
        z.Push(new[] { 3.0 }, o);
        Assert.Equal(2, z.Count(0));
        Assert.Equal(2.0, z.Variance(0), 12);
        Assert.Equal(1 / Math.Sqrt(2), o[0], 12);
    }

    [Fact]
    public void Reset_AfterData_StartsOver()
    {
        var z = new RunningZScore(1);
        var o = new double[1];
        z.Push(new[] { 1.0 }, o);
        z.Push(new[] { 9.0 }, o);
        z.Reset();
        Assert.Equal(0, z.Count(0));
        z.Push(new[] { 4.0 }, o);
        Assert.Equal(0.0, o[0]);
        Assert.Equal(4.0, z.Mean(0));
    }

    [Fact]
    public void Push_WrongLength_ThrowsNamingBothSizes()
    {
        var z = new RunningZScore(3);
        var ex = Assert.Throws<ArgumentException>(() => z.Push(new double[2], new double[3]));
        Assert.Contains("2", ex.Message);
        Assert.Contains("3 channels", ex.Message);
        Assert.Throws<ArgumentException>(() => z.Push(new double[3], new double[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RunningZScore(0));
    }
}
