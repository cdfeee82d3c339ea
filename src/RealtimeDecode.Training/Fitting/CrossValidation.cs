using RealtimeDecode.Engine.Decoding;

namespace RealtimeDecode.Training.Fitting;

/// <summary>Scores of one target.</summary>
/// <param name="Target">Target name.</param>
/// <param name="R2">Coefficient of determination 1 − SS_res/SS_tot over all out-of-fold predictions (SS_tot about their mean; NaN when y is constant).</param>
/// <param name="MeanFoldR2">Mean over folds of each fold's R².</param>
/// <param name="PearsonR">Pearson correlation of out-of-fold predictions and targets.</param>
/// <param name="Mse">Mean squared error.</param>
public sealed record TargetScore(string Target, double R2, double MeanFoldR2, double PearsonR, double Mse);

/// <summary>Result of <see cref="CrossValidation.Run"/>.</summary>
/// <param name="Splitter">Splitter name.</param>
/// <param name="Leaks">True when the splitter leaks (warn the user).</param>
/// <param name="Folds">The folds used.</param>
/// <param name="Predictions">Out-of-fold predictions [samples × targets]; NaN for samples never tested.</param>
/// <param name="Scores">Per-target scores.</param>
public sealed record CvResult(string Splitter, bool Leaks, IReadOnlyList<CvFold> Folds, RowMajorMatrix Predictions, IReadOnlyList<TargetScore> Scores);

/// <summary>Cross-validation of an estimator: fit on each fold's training samples, predict its test samples.</summary>
public static class CrossValidation
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
        var foldR2 = new double[folds.Count, y.Cols];
        foreach (var f in folds)
        {
            var model = EstimatorFactory.Fit(kind, options, x.SelectRows(f.Train), y.SelectRows(f.Train), targets);
            foreach (int i in f.Test)
            {
                model.Predict(x.Row(i), pred.Row(i));
            }

            for (int t = 0; t < y.Cols; t++)
            {
                foldR2[f.Index, t] = Metrics.R2([.. f.Test.Select(i => y[i, t])], [.. f.Test.Select(i => pred[i, t])]);
            }
        }

        return Score(splitter, folds, y, targets, pred, foldR2);
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
        return [.. path.Select(pred =>
        {
            var foldR2 = new double[folds.Count, y.Cols];
            foreach (var f in folds)
            {
                for (int t = 0; t < y.Cols; t++)
                {
                    foldR2[f.Index, t] = Metrics.R2([.. f.Test.Select(i => y[i, t])], [.. f.Test.Select(i => pred[i, t])]);
                }
            }

            return Score(splitter, folds, y, targets, pred, foldR2);
        })];
    }

    private static CvResult Score(ICrossValidationSplitter splitter, IReadOnlyList<CvFold> folds, RowMajorMatrix y, IReadOnlyList<string> targets, RowMajorMatrix pred, double[,] foldR2)
    {
        var tested = Enumerable.Range(0, y.Rows).Where(i => !double.IsNaN(pred[i, 0])).ToArray();
        var scores = new TargetScore[y.Cols];
        for (int t = 0; t < y.Cols; t++)
        {
            double[] yt = [.. tested.Select(i => y[i, t])], pt = [.. tested.Select(i => pred[i, t])];
            double mean = 0;
            for (int f = 0; f < folds.Count; f++)
            {
                mean += foldR2[f, t];
            }

            scores[t] = new TargetScore(targets[t], Metrics.R2(yt, pt), mean / folds.Count, Metrics.Pearson(yt, pt), Metrics.Mse(yt, pt));
        }

        return new CvResult(splitter.Name, splitter.Leaks, folds, pred, scores);
    }
}

/// <summary>Regression metrics (scikit-learn's definitions).</summary>
public static class Metrics
{
    /// <summary>1 − Σ(y − ŷ)² / Σ(y − ȳ)²; NaN when y is constant.</summary>
    public static double R2(ReadOnlySpan<double> y, ReadOnlySpan<double> pred)
    {
        double m = 0;
        foreach (double v in y)
        {
            m += v;
        }

        m /= y.Length;
        double res = 0, tot = 0;
        for (int i = 0; i < y.Length; i++)
        {
            res += (y[i] - pred[i]) * (y[i] - pred[i]);
            tot += (y[i] - m) * (y[i] - m);
        }

        return tot == 0 ? double.NaN : 1 - (res / tot);
    }

    /// <summary>Pearson correlation; NaN when either side is constant.</summary>
    public static double Pearson(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ma += a[i];
            mb += b[i];
        }

        ma /= a.Length;
        mb /= a.Length;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }

        return saa == 0 || sbb == 0 ? double.NaN : sab / Math.Sqrt(saa * sbb);
    }

    /// <summary>Mean squared error.</summary>
    public static double Mse(ReadOnlySpan<double> y, ReadOnlySpan<double> pred)
    {
        double s = 0;
        for (int i = 0; i < y.Length; i++)
        {
            s += (y[i] - pred[i]) * (y[i] - pred[i]);
        }

        return s / y.Length;
    }
}
