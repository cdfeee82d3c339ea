using RealtimeDecode.Engine.Preprocessing;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Preprocessing;

public class NuisanceRegressionTests
{
    [Fact]
    public void Push_GoldenSeries_MatchesNumpyLstsqOnDataSoFar()
    {
        var y = GoldenCsv.Read("pre_series.csv");
        var n = GoldenCsv.Read("pre_nuisance.csv");
        var expected = GoldenCsv.Read("pre_nuisance_resid.csv");
        var g = new NuisanceRegression(y[0].Length, n[0].Length);
        var o = new double[y[0].Length];
        for (int t = 0; t < y.Length; t++)
        {
            g.Push(y[t], n[t], o);
            Approx.Equal(expected[t], o, 1e-9, $"frame {t}");
        }
    }

    [Fact]
    public void Push_10000FramesCorrelatedNuisances_EqualsBatchLstsq()
    {
        const int c = 5, k = 3, n = 10_000;
        var rng = new Random(5);
        var nu = new double[n * k];
        var y = new double[n * c];
        double walk = 0;
        for (int t = 0; t < n; t++)
        {
            walk += rng.NextDouble() - 0.5;
            double gs = 1000 + walk + rng.NextDouble();
            nu[t * k] = gs;
            nu[t * k + 1] = 0.8 * gs + 200 + rng.NextDouble();      // correlated with the global signal
            nu[t * k + 2] = 300 + 5 * Math.Sin(t / 7.0);
            for (int ch = 0; ch < c; ch++)
                y[t * c + ch] = 500 * (ch + 1) + 0.5 * nu[t * k] - 0.2 * nu[t * k + 2] + rng.NextDouble();
        }
        var g = new NuisanceRegression(c, k);
        var o = new double[c];
        for (int t = 0; t < n; t++)
        {
            g.Push(y.AsSpan(t * c, c), nu.AsSpan(t * k, k), o);
            if (t > 10 && t % 1013 != 0 && t < n - 2) continue;
            for (int ch = 0; ch < c; ch++)
            {
                int col = ch;
                double expected = Reference.LastResidual(r => new[] { 1.0, nu[r * k], nu[r * k + 1], nu[r * k + 2] }, r => y[r * c + col], t);
                Assert.True(Math.Abs(expected - o[ch]) <= 1e-9, $"frame {t} channel {ch}: {expected:R} vs {o[ch]:R}");
            }
        }
    }

    [Fact]
    public void Push_DuplicateAndConstantNuisance_SameResidualAsWithout()
    {
        var rng = new Random(3);
        var full = new NuisanceRegression(2, 3);
        var reduced = new NuisanceRegression(2, 1);
        var a = new double[2];
        var b = new double[2];
        for (int t = 0; t < 50; t++)
        {
            double gs = 100 + rng.NextDouble();
            double[] y = [rng.NextDouble() + gs, 3 * gs + rng.NextDouble()];
            full.Push(y, new[] { gs, gs, 7.0 }, a);      // gs twice, and a constant (collinear with the intercept)
            reduced.Push(y, new[] { gs }, b);
            Approx.Equal(b, a, 1e-9, $"frame {t}");
        }
        Assert.NotEqual(0.0, a[0]);
    }

    [Fact]
    public void Push_NonFiniteNuisance_GivesNaNAndSkipsFrame()
    {
        var g = new NuisanceRegression(2, 1);
        var reference = new NuisanceRegression(2, 1);
        var o = new double[2];
        var r = new double[2];
        double[][] ys = [[1, 2], [2, 5], [4, 1], [3, 3]];
        double[] ns = [0.5, 1.5, 0.2, 0.9];
        for (int t = 0; t < ys.Length; t++)
        {
            if (t == 2)
            {
                g.Push(ys[t], new[] { double.NaN }, o);
                Assert.All(o, v => Assert.True(double.IsNaN(v)));
                continue;
            }
            g.Push(ys[t], new[] { ns[t] }, o);
            reference.Push(ys[t], new[] { ns[t] }, r);
        }
        Assert.Equal(r, o);
    }

    [Fact]
    public void Push_WrongNuisanceLength_ThrowsNamingBothSizes()
    {
        var g = new NuisanceRegression(4, 2);
        var ex = Assert.Throws<ArgumentException>(() => g.Push(new double[4], new double[3], new double[4]));
        Assert.Contains("3", ex.Message);
        Assert.Contains("2 nuisance", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new NuisanceRegression(4, -1));
    }

    [Fact]
    public void Push_NaNsInSomeChannels_OthersUnaffectedAndNaNChannelsFitTheirOwnSamples()
    {
        const int c = 4, k = 2, n = 300;
        var rng = new Random(8);
        var nu = new double[n * k];
        var y = new double[n * c];
        for (int t = 0; t < n; t++)
        {
            nu[t * k] = 800 + rng.NextDouble() * 5;
            nu[t * k + 1] = 0.01 * t + rng.NextDouble();
            for (int ch = 0; ch < c; ch++) y[t * c + ch] = 100 * ch + nu[t * k] * 0.3 + rng.NextDouble();
            if (t % 7 == 3) y[t * c + 0] = double.NaN;              // channel 0: NaN now and then
            if (t >= 50 && t % 11 == 0) y[t * c + 2] = double.NaN;  // channel 2: from frame 50 on
        }
        var all = new NuisanceRegression(c, k);
        var clean = new NuisanceRegression(2, k);                   // channels 1 and 3 alone
        var o = new double[c];
        var oc = new double[2];
        for (int t = 0; t < n; t++)
        {
            all.Push(y.AsSpan(t * c, c), nu.AsSpan(t * k, k), o);
            clean.Push(new[] { y[t * c + 1], y[t * c + 3] }, nu.AsSpan(t * k, k), oc);
            Assert.Equal(oc[0], o[1], 9);
            Assert.Equal(oc[1], o[3], 9);
            foreach (int ch in new[] { 0, 2 })
            {
                if (double.IsNaN(y[t * c + ch])) { Assert.True(double.IsNaN(o[ch])); continue; }
                var rows = Enumerable.Range(0, t + 1).Where(s => !double.IsNaN(y[s * c + ch])).ToArray();
                int col = ch;
                double expected = Reference.LastResidual(r => new[] { 1.0, nu[rows[r] * k], nu[rows[r] * k + 1] }, r => y[rows[r] * c + col], rows.Length - 1);
                Assert.True(Math.Abs(expected - o[ch]) <= 1e-9, $"frame {t} channel {ch}: {expected:R} vs {o[ch]:R}");
            }
        }
    }
}
