namespace RealtimeDecode.Training.Reports;

/// <summary>
/// Agreement of one target's predictions with its actual values: Pearson r, R² as scikit-learn's
/// r2_score defines it (1 − SS_res/SS_tot, which can be negative; NaN when the actual values are
/// constant) and the mean squared error (normaliser N).
/// </summary>
public readonly record struct RegressionMetrics(double PearsonR, double R2, double Mse, int Count)
{
    /// <summary>Computes the metrics over pairs where neither value is NaN.</summary>
    public static RegressionMetrics Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        if (actual.Length != predicted.Length)
            throw new ArgumentException($"Actual has {actual.Length} values, predicted {predicted.Length}.", nameof(predicted));
        int n = 0;
        double ma = 0, mp = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            if (double.IsNaN(actual[i]) || double.IsNaN(predicted[i])) continue;
            n++; ma += actual[i]; mp += predicted[i];
        }
        if (n == 0) return new RegressionMetrics(double.NaN, double.NaN, double.NaN, 0);
        ma /= n; mp /= n;
        double sap = 0, saa = 0, spp = 0, sres = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            if (double.IsNaN(actual[i]) || double.IsNaN(predicted[i])) continue;
            double a = actual[i] - ma, p = predicted[i] - mp, e = actual[i] - predicted[i];
            sap += a * p; saa += a * a; spp += p * p; sres += e * e;
        }
        double r = saa > 0 && spp > 0 ? sap / Math.Sqrt(saa * spp) : double.NaN;
        double r2 = saa > 0 ? 1 - sres / saa : double.NaN;
        return new RegressionMetrics(r, r2, sres / n, n);
    }
}
