using RealtimeDecode.Tests.Support;
using RealtimeDecode.Engine.Decoding;

namespace RealtimeDecode.Engine.Tests.Decoding;

public sealed class PredictorTests
{
    private static double[] Random(int n, int seed)
    {
        var r = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => r.NextDouble() - 0.5)];
    }

    [Theory]
    [InlineData(KernelKind.Rbf)]
    [InlineData(KernelKind.Linear)]
    [InlineData(KernelKind.Polynomial)]
    [InlineData(KernelKind.Laplacian)]
    public void Predict_KernelExpansion_EqualsDirectSum(KernelKind kind)
    {
        int p = 37, n = 11, t = 3;
        var rows = Random(n * p, 1);
        var coef = Random(t * n, 2);
        var kernel = new KernelFunction(kind, 0.05, 0.7, 2);
        var est = new KernelExpansionRegressor(["a", "b", "c"], p, kernel, rows, coef, [1, 2, 3]);
        var x = Random(p, 3);
        var y = new double[t];
        est.Predict(x, y);
        for (int k = 0; k < t; k++)
        {
            double s = k + 1;
            for (int i = 0; i < n; i++)
            {
                s += coef[(k * n) + i] * kernel.Evaluate(x, rows.AsSpan(i * p, p));
            }

            Assert.Equal(s, y[k], 1e-12);
        }
    }

    [Fact]
    public void Predict_ScaledKernelAndLinear_AllocatesNothing()
    {
        int p = 500, n = 40;
        var scaler = new StandardScaler(Random(p, 4), [.. Random(p, 5).Select(v => 1 + Math.Abs(v))]);
        var kernel = new DecodingModel(EstimatorKind.Svr, null, scaler,
            new KernelExpansionRegressor(["a", "b"], p, new KernelFunction(KernelKind.Rbf, 1.0 / p), [.. Random(n * p, 6).Select(v => (float)v)], Random(2 * n, 7), [0, 1]));
        var lin = new DecodingModel(EstimatorKind.Ridge, null, scaler, new LinearRegressor(["a", "b"], p, Random(2 * p, 8), [0, 1]));
        var x = Random(p, 9);
        var y = new double[2];
        Assert.Equal(0, Allocations.SteadyState(() =>
        {
            for (int i = 0; i < 10; i++)
            {
                kernel.Predict(x, y);
                lin.Predict(x, y);
            }
        }));
    }

    [Fact]
    public void Predict_Float32Rows_CloseToFloat64Rows()
    {
        int p = 2000, n = 30;
        var rows = Random(n * p, 10);
        var coef = Random(n, 11);
        var kernel = new KernelFunction(KernelKind.Rbf, 1.0 / p);
        var a = new KernelExpansionRegressor(["y"], p, kernel, rows, coef, [0]);
        var b = new KernelExpansionRegressor(["y"], p, kernel, [.. rows.Select(v => (float)v)], coef, [0]);
        var x = Random(p, 12);
        var ya = new double[1];
        var yb = new double[1];
        a.Predict(x, ya);
        b.Predict(x, yb);
        Assert.True(Math.Abs(ya[0] - yb[0]) < 1e-5 * Math.Max(1, Math.Abs(ya[0])), $"{ya[0]} vs {yb[0]}");
    }

    [Theory]
    [InlineData(KernelKind.Rbf)]
    [InlineData(KernelKind.Laplacian)]
    [InlineData(KernelKind.Polynomial)]
    public void Predict_Float16Rows_CloseToFloat64OnStandardisedFeatures(KernelKind kind)
    {
        int p = 4000, n = 25;
        var r = new Random(13);
        double Gauss() => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
        var rows = Enumerable.Range(0, n * p).Select(_ => Gauss()).ToArray();
        var coef = Random(2 * n, 14);
        var kernel = new KernelFunction(kind, kind == KernelKind.Laplacian ? 0.3 / p : 1.0 / p, 1, 2);
        var a = new KernelExpansionRegressor(["y", "z"], p, kernel, rows, coef, [0.1, 0.2]);
        var h = a.WithPrecision(RowPrecision.Float16);
        Assert.Equal(RowPrecision.Float16, h.Precision);
        var x = Enumerable.Range(0, p).Select(_ => Gauss()).ToArray();
        var ya = new double[2];
        var yh = new double[2];
        a.Predict(x, ya);
        h.Predict(x, yh);
        Assert.Equal(0, Allocations.SteadyState(() => h.Predict(x, yh)));
        double scale = coef.Sum(Math.Abs);
        for (int t = 0; t < 2; t++)
        {
            Assert.True(Math.Abs(ya[t] - yh[t]) < 1e-4 * scale, $"{kind}: {ya[t]} vs {yh[t]}");
        }
    }

    [Theory]
    [InlineData(RowPrecision.Float64, KernelKind.Rbf)]
    [InlineData(RowPrecision.Float32, KernelKind.Laplacian)]
    [InlineData(RowPrecision.Float16, KernelKind.Rbf)]
    public void Predict_Parallelism3_SameValuesAsOneThreadWithoutPerCallAllocation(RowPrecision precision, KernelKind kind)
    {
        int p = 300, n = 101;
        var one = new KernelExpansionRegressor(["a", "b"], p, new KernelFunction(kind, 1.0 / p), Random(n * p, 20), Random(2 * n, 21), [0, 1]).WithPrecision(precision);
        var three = one.Clone();
        three.Parallelism = 3;
        Assert.Equal(3, three.Parallelism);
        var x = Random(p, 22);
        var y1 = new double[2];
        var y3 = new double[2];
        one.Predict(x, y1);
        for (int i = 0; i < 5; i++)
        {
            three.Predict(x, y3);
        }

        Assert.Equal(y1, y3);

        // The thread pool's queue and a contended wait may allocate a few bytes now and then (the
        // quietest of several rounds leaves that out); a scratch buffer per call would be ≥ 20 × 1.2 KB here.
        long allocated = Allocations.SteadyState(() =>
        {
            for (int i = 0; i < 20; i++) three.Predict(x, y3);
        });
        Assert.True(allocated < 1024, $"{allocated} bytes allocated by 20 predictions");
    }

    [Fact]
    public void StandardScalerFit_ConstantColumn_ScaleOneAndPopulationStd()
    {
        double[] x = [1, 5, 3, 5, 5, 5];
        var s = StandardScaler.Fit(x, 3, 2);
        Assert.Equal([3, 5], s.Mean);
        Assert.Equal(Math.Sqrt(8.0 / 3), s.Scale[0], 14);
        Assert.Equal(1.0, s.Scale[1]);
    }
}
