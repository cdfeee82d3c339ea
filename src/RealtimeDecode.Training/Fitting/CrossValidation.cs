using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Training.Reports;

namespace RealtimeDecode.Training.Fitting;

/// <summary>Cross-validated scores of one target.</summary>
/// <param name="Target">Target name.</param>
/// <param name="OutOfFold">The metrics over all out-of-fold predictions, pooled: the headline figures.</param>
/// <param name="MeanFoldR2">Mean over folds of each fold's R².</param>
/// <param name="MeanFoldR">Mean over folds of each fold's Pearson r (NaN when a fold's r is undefined).</param>
public sealed record TargetScore(string Target, RegressionMetrics OutOfFold, double MeanFoldR2, double MeanFoldR = double.NaN)
{
    /// <summary>Coefficient of determination over all out-of-fold predictions (see <see cref="RegressionMetrics.CoefficientOfDetermination(ReadOnlySpan{double}, ReadOnlySpan{double})"/>).</summary>
    public double R2 => OutOfFold.R2;

    /// <summary>Pearson correlation of out-of-fold predictions and targets.</summary>
    public double PearsonR => OutOfFold.PearsonR;

    /// <summary>Mean squared error of the out-of-fold predictions.</summary>
    public double Mse => OutOfFold.Mse;
}

/// <summary>Result of <see cref="CrossValidation.Run"/>.</summary>
/// <param name="Splitter">Splitter name.</param>
/// <param name="Leaks">True when the splitter leaks (warn the user).</param>
/// <param name="Folds">The folds used.</param>
/// <param name="Predictions">Out-of-fold predictions [samples × targets]; NaN for samples never tested.</param>
/// <param name="Scores">Per-target scores.</param>
public sealed record CvResult(string Splitter, bool Leaks, IReadOnlyList<CvFold> Folds, RowMajorMatrix Predictions, IReadOnlyList<TargetScore> Scores);

/// <summary>Cross-validation of an estimator: fit on each fold's training samples, predict its test samples.</summary>
internal static class CrossValidation
{
    /// <summary>Runs every fold (sequentially; the fitters parallelise inside) and scores the out-of-fold predictions.</summary>
    public static CvResult Run(EstimatorKind kind, EstimatorOptions options, RowMajorMatrix x, RowMajorMatrix y, IReadOnlyList<string> targets,
        IReadOnlyList<SampleWindow> samples, ICrossValidationSplitter splitter)
    {
        if (samples.Count != x.Rows || y.Rows != x.Rows)
        {
            throw new ArgumentException($"X has {x.Rows} rows, Y {y.Rows}, samples {samples.Count}: they must agree", nameof(samples));
        }

        var folds = splitter.Split(samples);
        var pred = new RowMajorMatrix(x.Rows, y.Cols);
        Array.Fill(pred.Data, double.NaN);
        foreach (var f in folds)
        {
            var model = EstimatorFactory.Fit(kind, options, x.SelectRows(f.Train), y.SelectRows(f.Train), targets);
            foreach (int i in f.Test)
            {
                model.Predict(x.Row(i), pred.Row(i));
            }
        }

        return new CvResult(splitter.Name, splitter.Leaks, folds, pred, Score(folds, y, pred, targets));
    }

    /// <summary>
    /// <see cref="Run"/> for each point of a search grid, on the same folds. A ridge grid over alpha alone with
    /// more features than training samples per fold takes one Gram matrix per fold for all alphas
    /// (<see cref="RidgeAlphaPath"/>); the predictions equal those of <see cref="Run"/> to rounding.
    /// </summary>
    public static IReadOnlyList<CvResult> RunGrid(EstimatorKind kind, IReadOnlyList<EstimatorOptions> grid, RowMajorMatrix x, RowMajorMatrix y,
        IReadOnlyList<string> targets, IReadOnlyList<SampleWindow> samples, ICrossValidationSplitter splitter)
    {
        var folds = splitter.Split(samples);
        if (samples.Count != x.Rows || y.Rows != x.Rows || !RidgeAlphaPath.Applies(kind, grid, x.Cols, folds))
        {
            return [.. grid.Select(o => Run(kind, o, x, y, targets, samples, splitter))];
        }

        var path = RidgeAlphaPath.Predict(x, y, folds, [.. grid.Select(o => o.Alpha ?? 1.0)], grid[0].Standardize, grid[0].FitIntercept);
        return [.. path.Select(pred => new CvResult(splitter.Name, splitter.Leaks, folds, pred, Score(folds, y, pred, targets)))];
    }

    /// <summary>
    /// Per-target scores of out-of-fold predictions: the metrics over every sample some fold tested
    /// (rows of <paramref name="pred"/> that are not NaN), pooled, and the means over folds of each fold's R² and r.
    /// </summary>
    public static TargetScore[] Score(IReadOnlyList<CvFold> folds, RowMajorMatrix y, RowMajorMatrix pred, IReadOnlyList<string> targets)
    {
        var tested = Enumerable.Range(0, y.Rows).Where(i => !double.IsNaN(pred[i, 0])).ToArray();
        var scores = new TargetScore[y.Cols];
        for (int t = 0; t < y.Cols; t++)
        {
            double[] yt = [.. tested.Select(i => y[i, t])], pt = [.. tested.Select(i => pred[i, t])];
            double meanFold = folds.Average(f => RegressionMetrics.CoefficientOfDetermination([.. f.Test.Select(i => y[i, t])], [.. f.Test.Select(i => pred[i, t])]));
            double meanFoldR = folds.Average(f => RegressionMetrics.Pearson([.. f.Test.Select(i => y[i, t])], [.. f.Test.Select(i => pred[i, t])]));
            scores[t] = new TargetScore(targets[t], RegressionMetrics.Compute(yt, pt), meanFold, meanFoldR);
        }
        return scores;
    }
}
