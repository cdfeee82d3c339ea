using RealtimeDecode.Engine.Preprocessing;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Preprocessing;

/// <summary>Motion regressors in the online regression against numpy's batch least squares (Golden/make_motion_regression_golden.py).</summary>
public class MotionRegressionTests
{
    private static double Scale(double[][] rows) => rows.SelectMany(r => r).Max(Math.Abs);

    [Theory]
    [InlineData(1, 24, false, "mreg_d1_m24.csv")]
    [InlineData(0, 6, false, "mreg_m6.csv")]
    [InlineData(-1, 6, false, "mreg_m6.csv")]       // the intercept alone is the same fit as order 0
    [InlineData(0, 12, true, "mreg_d0_m12_z.csv")]
    public void Push_OnlineMotionRegression_EqualsNumpyBatchResidualOfEachFrame(int detrend, int motion, bool zscore, string golden)
    {
        var y = GoldenCsv.Read("mreg_series.csv");
        var p = GoldenCsv.Read("mreg_params.csv");
        var expected = GoldenCsv.Read(golden);
        var pre = new Preprocessor(y[0].Length, new PreprocessingOptions(detrend, zscore, MotionRegressors: motion));
        var o = new double[y[0].Length];
        double tol = 1e-8 * Scale(expected);
        for (int t = 0; t < y.Length; t++)
        {
            pre.Push(y[t], [], p[t], o);
            Approx.Equal(expected[t], o, tol, $"frame {t}");
        }
        // the motion actually mattered: without it the residuals differ
        var plain = Preprocessor.Run(GoldenCsv.Flatten(y), y[0].Length, [], new PreprocessingOptions(detrend, zscore));
        Assert.True(Math.Abs(plain[^1] - expected[^1][^1]) > 100 * tol);
    }

    [Fact]
    public void Run_WithMotionTable_EqualsPushLoop()
    {
        var y = GoldenCsv.Read("mreg_series.csv");
        var p = GoldenCsv.Read("mreg_params.csv");
        var options = new PreprocessingOptions(1, true, MotionRegressors: 24);
        var batch = Preprocessor.Run(GoldenCsv.Flatten(y), y[0].Length, [], GoldenCsv.Flatten(p), options);
        var pre = new Preprocessor(y[0].Length, options);
        var o = new double[y[0].Length];
        for (int t = 0; t < y.Length; t++)
        {
            pre.Push(y[t], [], p[t], o);
            Assert.True(o.AsSpan().SequenceEqual(batch.AsSpan(t * o.Length, o.Length)), $"frame {t}");
        }
    }

    [Fact]
    public void Push_FailedVolume_AllNaNAndLeftOutOfFitAndDerivatives()
    {
        var y = GoldenCsv.Read("mreg_series.csv");
        var p = GoldenCsv.Read("mreg_params.csv");
        var options = new PreprocessingOptions(-1, false, MotionRegressors: 12);
        // the series with frame 30 failed equals the series without frame 30, from frame 31 on
        var withFailure = new Preprocessor(y[0].Length, options);
        var without = new Preprocessor(y[0].Length, options);
        var a = new double[y[0].Length];
        var b = new double[y[0].Length];
        double[] nan = [double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN];
        for (int t = 0; t < y.Length; t++)
        {
            withFailure.Push(y[t], [], t == 30 ? nan : p[t], a);
            if (t == 30) { Assert.All(a, v => Assert.True(double.IsNaN(v))); continue; }
            without.Push(y[t], [], p[t], b);
            Approx.Equal(b, a, 1e-9 * Scale(y), $"frame {t}");
        }
    }

    [Fact]
    public void Push_WrongParameterCount_Throws()
    {
        var pre = new Preprocessor(2, new PreprocessingOptions(MotionRegressors: 6));
        var o = new double[2];
        Assert.Throws<ArgumentException>(() => pre.Push([1.0, 2.0], [], [0.0, 0, 0], o));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PreprocessingOptions(MotionRegressors: 7).Validate());
    }
}
