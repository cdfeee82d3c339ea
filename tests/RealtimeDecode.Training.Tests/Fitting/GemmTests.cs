using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Training.Fitting;

namespace RealtimeDecode.Training.Tests.Fitting;

public sealed class GemmTests
{
    private static RowMajorMatrix Random(int r, int c, int seed)
    {
        var rng = new Random(seed);
        return new RowMajorMatrix([.. Enumerable.Range(0, r * c).Select(_ => rng.NextDouble() - 0.5)], r, c);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(70, 1100)]
    [InlineData(131, 517)]
    public void Gram_OddSizes_EqualsNaiveProducts(int n, int p)
    {
        var a = Random(n, p, n + p);
        var g = Gemm.Gram(a);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < p; k++)
                {
                    s += a[i, k] * a[j, k];
                }

                Assert.Equal(s, g[i, j], 1e-12 * Math.Max(1, Math.Abs(s)));
            }
        }
    }

    [Fact]
    public void MultiplyTransposed_Rectangular_EqualsNaive()
    {
        var a = Random(67, 300, 1);
        var b = Random(9, 300, 2);
        var c = Gemm.MultiplyTransposed(a, b);
        Assert.Equal(67, c.Rows);
        Assert.Equal(9, c.Cols);
        for (int i = 0; i < 67; i++)
        {
            for (int j = 0; j < 9; j++)
            {
                double s = 0;
                for (int k = 0; k < 300; k++)
                {
                    s += a[i, k] * b[j, k];
                }

                Assert.Equal(s, c[i, j], 1e-12);
            }
        }
    }

    [Fact]
    public void RidgeFit_PrimalAndDual_Agree()
    {
        // 40 × 40: primal; the same problem with a duplicated zero-padded feature block forces the dual.
        var x = Random(40, 40, 3);
        var y = Random(40, 2, 4);
        var (w1, b1) = RidgeFitter.Fit(x, y, 0.8);
        var wide = new RowMajorMatrix(40, 41);
        for (int i = 0; i < 40; i++)
        {
            x.Row(i).CopyTo(wide.Row(i));
        }

        var (w2, b2) = RidgeFitter.Fit(wide, y, 0.8);
        for (int t = 0; t < 2; t++)
        {
            for (int j = 0; j < 40; j++)
            {
                Assert.Equal(w1[(t * 40) + j], w2[(t * 41) + j], 1e-12);
            }

            Assert.Equal(0, w2[(t * 41) + 40], 1e-14);
            Assert.Equal(b1[t], b2[t], 1e-12);
        }
    }

    [Fact]
    public void EstimatorFactory_StandardizeAndFloat32Rows_ModelSavesAndPredicts()
    {
        var x = Random(50, 8, 5);
        var y = Random(50, 2, 6);
        var m = EstimatorFactory.Fit(EstimatorKind.Svr, new() { Standardize = true, RowsAsFloat32 = true }, x, y, ["a", "b"]);
        Assert.NotNull(m.Scaler);
        Assert.True(((KernelExpansionRegressor)m.Estimator).RowsAreFloat32);
        var m64 = EstimatorFactory.Fit(EstimatorKind.Svr, new() { Standardize = true }, x, y, ["a", "b"]);
        var p32 = m.PredictMany(x.Data, 50);
        var p64 = m64.PredictMany(x.Data, 50);
        for (int i = 0; i < p32.Length; i++)
        {
            Assert.Equal(p64[i], p32[i], 1e-5);
        }

        Assert.Equal("rbf", m.Hyperparameters["kernel"]!.GetValue<string>());
        Assert.True(m.Hyperparameters["gamma"]!.GetValue<double>() > 0);
    }
}
