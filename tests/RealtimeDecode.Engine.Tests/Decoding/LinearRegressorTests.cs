using RealtimeDecode.Engine.Decoding;

namespace RealtimeDecode.Engine.Tests.Decoding;

public sealed class LinearRegressorTests
{
    private static double[] Random(int n, int seed, double scale = 1)
    {
        var r = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => (r.NextDouble() - 0.5) * scale)];
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(37, 1)]
    [InlineData(LinearRegressor.BlockSize * 3 + 17, 1)]
    [InlineData(LinearRegressor.BlockSize * 3 + 17, 2)]
    [InlineData(LinearRegressor.BlockSize * 5, 3)]
    [InlineData(LinearRegressor.BlockSize - 1, 2)]
    public void Predict_OnePassBlockedAndSplit_EqualsScalarSum(int p, int parallelism)
    {
        const int t = 8;
        var w = Random(t * p, 1);
        var b = Random(t, 2, 10);
        var x = Random(p, 3, 4);
        var est = new LinearRegressor([.. Enumerable.Range(0, t).Select(i => $"t{i}")], p, w, b) { Parallelism = parallelism };
        var y = new double[t];
        est.Predict(x, y);
        for (int k = 0; k < t; k++)
        {
            double s = b[k], mag = Math.Abs(b[k]);
            for (int j = 0; j < p; j++)
            {
                s += w[(k * p) + j] * x[j];
                mag += Math.Abs(w[(k * p) + j] * x[j]);
            }

            Assert.True(Math.Abs(y[k] - s) <= 1e-12 * mag, $"target {k}: {y[k]:R} vs scalar {s:R}");
        }
    }

    [Fact]
    public void Predict_TwoThreads_SameAsOneThreadToRoundingAndRepeatable()
    {
        int p = 250_000, t = 8;
        var w = Random(t * p, 4);
        var x = Random(p, 5);
        var names = Enumerable.Range(0, t).Select(i => $"t{i}").ToArray();
        var one = new LinearRegressor(names, p, w, new double[t]) { Parallelism = 1 };
        var two = new LinearRegressor(names, p, w, new double[t]);
        Assert.Equal(Environment.ProcessorCount >= 2 ? 2 : 1, two.Parallelism);
        two.Parallelism = 2;
        var a = new double[t];
        var c = new double[t];
        var d = new double[t];
        one.Predict(x, a);
        two.Predict(x, c);
        two.Predict(x, d);
        // Eight targets on two threads: each target summed as on one thread, bit for bit.
        Assert.Equal(a.Select(BitConverter.DoubleToInt64Bits), c.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(c, d);

        Assert.Equal(1, new LinearRegressor(names, 1000, new double[t * 1000], new double[t]).Parallelism);
        Assert.Throws<ArgumentOutOfRangeException>(() => one.Parallelism = 0);
        Assert.Throws<ArgumentException>(() => one.Predict(x, new double[t - 1]));
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(8, 3)]
    [InlineData(5, 5)]
    public void Predict_TargetsSplitOverThreads_BitIdenticalToOneThread(int targets, int parallelism)
    {
        int p = LinearRegressor.BlockSize * 2 + 333;
        var w = Random(targets * p, 6);
        var b = Random(targets, 7, 3);
        var x = Random(p, 8);
        var names = Enumerable.Range(0, targets).Select(i => $"t{i}").ToArray();
        var one = new LinearRegressor(names, p, w, b) { Parallelism = 1 };
        var many = new LinearRegressor(names, p, w, b) { Parallelism = parallelism };
        var a = new double[targets];
        var c = new double[targets];
        one.Predict(x, a);
        many.Predict(x, c);
        Assert.Equal(a.Select(BitConverter.DoubleToInt64Bits), c.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Constructor_PublishedScale_TargetsSplitOverTwoThreadsOneTargetOnOne()
    {
        // Eight targets of 79,800 edges: each target a part that a free thread takes (no allocation per call).
        // One target would need the block split, whose task bookkeeping costs more than it saves at this size.
        var names = Enumerable.Range(0, 8).Select(i => $"t{i}").ToArray();
        Assert.Equal(Environment.ProcessorCount >= 2 ? 2 : 1, new LinearRegressor(names, 79_800, new double[8 * 79_800], new double[8]).Parallelism);
        Assert.Equal(1, new LinearRegressor(names, 39_999, new double[8 * 39_999], new double[8]).Parallelism);
        Assert.Equal(1, new LinearRegressor(["y"], 79_800, new double[79_800], new double[1]).Parallelism);
    }

    [Fact]
    public void Predict_TargetSplitSteadyState_AllocatesNothing()
    {
        int p = 50_000, t = 8;
        var names = Enumerable.Range(0, t).Select(i => $"t{i}").ToArray();
        var est = new LinearRegressor(names, p, Random(t * p, 9), Random(t, 10)) { Parallelism = 2 };
        var x = Random(p, 11);
        var y = new double[t];
        for (int k = 0; k < 20; k++) est.Predict(x, y);
        Assert.Equal(0, RealtimeDecode.Tests.Support.Allocations.SteadyState(() => { for (int k = 0; k < 20; k++) est.Predict(x, y); }));
    }

    [Fact]
    public void Predict_ConcurrentCallers_EachGetsItsOwnBitIdenticalResult()
    {
        // Predict is thread-safe: a caller that finds the split in use sums on its own thread, bit for bit the same.
        int p = 45_000, t = 8;
        var names = Enumerable.Range(0, t).Select(i => $"t{i}").ToArray();
        var w = Random(t * p, 12);
        var est = new LinearRegressor(names, p, w, Random(t, 13)) { Parallelism = 2 };
        var one = new LinearRegressor(names, p, w, est.Intercept) { Parallelism = 1 };
        var inputs = Enumerable.Range(0, 4).Select(i => Random(p, 20 + i)).ToArray();
        var expected = inputs.Select(x => { var y = new double[t]; one.Predict(x, y); return y; }).ToArray();
        Parallel.For(0, 4, i =>
        {
            var y = new double[t];
            for (int k = 0; k < 200; k++)
            {
                est.Predict(inputs[i], y);
                Assert.Equal(expected[i].Select(BitConverter.DoubleToInt64Bits), y.Select(BitConverter.DoubleToInt64Bits));
            }
        });
    }

    [Fact]
    public void Predict_OneTargetTwoThreads_BlocksSplitEqualsOneThreadToRounding()
    {
        int p = (LinearRegressor.BlockSize * 6) + 5;
        var w = Random(p, 9);
        var x = Random(p, 10);
        var one = new LinearRegressor(["y"], p, w, [0.25]) { Parallelism = 1 };
        var two = new LinearRegressor(["y"], p, w, [0.25]) { Parallelism = 2 };
        var a = new double[1];
        var c = new double[1];
        one.Predict(x, a);
        two.Predict(x, c);
        double mag = 0.25;
        for (int j = 0; j < p; j++) mag += Math.Abs(w[j] * x[j]);
        Assert.True(Math.Abs(a[0] - c[0]) <= 1e-12 * mag, $"{c[0]:R} vs one thread {a[0]:R}");
    }
}
