using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Training.Fitting;

namespace RealtimeDecode.Training.Tests.Fitting;

/// <summary>The one-Gram-per-fold search over alpha gives the predictions of fitting each alpha on each fold.</summary>
public sealed class RidgeAlphaPathTests
{
    private static (RowMajorMatrix X, RowMajorMatrix Y, List<SampleWindow> S) Data(int n, int p, int seed)
    {
        var rng = new Random(seed);
        var x = new RowMajorMatrix(n, p);
        var y = new RowMajorMatrix(n, 3);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < p; j++)
            {
                x[i, j] = (rng.NextDouble() - 0.5) * (1 + (j % 7)) + (j % 5); // unequal scales and means
            }

            y[i, 0] = x[i, 0] - (0.5 * x[i, 9]) + (0.3 * (rng.NextDouble() - 0.5));
            y[i, 1] = 3 + x[i, 2];
            y[i, 2] = rng.NextDouble();
        }

        return (x, y, [.. Enumerable.Range(0, n).Select(i => new SampleWindow(i / 50, i % 50))]);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public void RunGrid_RidgeMoreFeaturesThanSamples_EqualsFittingEachAlpha(bool standardize, bool intercept)
    {
        var (x, y, s) = Data(100, 300, 3);
        EstimatorOptions[] grid = [.. new[] { 0.1, 3.0, 100.0 }.Select(a => new EstimatorOptions { Alpha = a, Standardize = standardize, FitIntercept = intercept })];
        var splitter = new BlockedKFoldSplitter(4, 3);
        Assert.True(RidgeAlphaPath.Applies(EstimatorKind.Ridge, grid, x.Cols, splitter.Split(s)));
        var fast = CrossValidation.RunGrid(EstimatorKind.Ridge, grid, x, y, ["a", "b", "c"], s, splitter);
        for (int g = 0; g < grid.Length; g++)
        {
            var slow = CrossValidation.Run(EstimatorKind.Ridge, grid[g], x, y, ["a", "b", "c"], s, splitter);
            Assert.Equal(slow.Predictions.Data.Select(double.IsNaN), fast[g].Predictions.Data.Select(double.IsNaN));
            for (int i = 0; i < slow.Predictions.Data.Length; i++)
            {
                double a = slow.Predictions.Data[i], b = fast[g].Predictions.Data[i];
                if (!double.IsNaN(a)) Assert.True(Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(a)), $"alpha {grid[g].Alpha}, value {i}: {a} vs {b}");
            }

            for (int t = 0; t < 3; t++) Assert.Equal(slow.Scores[t].PearsonR, fast[g].Scores[t].PearsonR, 1e-9);
        }
    }

    [Fact]
    public void Applies_FewerFeaturesOrOtherEstimatorOrOtherAxes_No()
    {
        var (x, _, s) = Data(100, 300, 1);
        var folds = new BlockedKFoldSplitter(4, 3).Split(s);
        EstimatorOptions[] alphas = [new() { Alpha = 1 }, new() { Alpha = 10 }];
        Assert.True(RidgeAlphaPath.Applies(EstimatorKind.Ridge, alphas, x.Cols, folds));
        Assert.False(RidgeAlphaPath.Applies(EstimatorKind.Ridge, alphas, 50, folds));
        Assert.False(RidgeAlphaPath.Applies(EstimatorKind.KernelRidge, alphas, x.Cols, folds));
        Assert.False(RidgeAlphaPath.Applies(EstimatorKind.Ridge, [new() { Alpha = 1 }, new() { Alpha = 10, Standardize = true }], x.Cols, folds));
        Assert.False(RidgeAlphaPath.Applies(EstimatorKind.Ridge, [new() { Alpha = 0 }, new() { Alpha = 10 }], x.Cols, folds));
    }
}
