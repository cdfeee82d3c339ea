namespace RealtimeDecode.Training.Reports;

/// <summary>
/// Agreement of one target's predictions with its actual values, the one home of these metrics
/// (cross-validation, evaluation, permutation importance and split-half reliability all use it):
/// Pearson r (NaN when either side is constant), R² as scikit-learn's r2_score defines it
/// (1 − SS_res/SS_tot with SS_tot about the mean of the actual values, which can be negative; NaN
/// when the actual values are constant) and the mean squared error (normaliser N).
/// </summary>
public readonly record struct RegressionMetrics(double PearsonR, double R2, double Mse, int Count)
{
    /// <summary>Computes the metrics over pairs where neither value is NaN (all NaN when there is none).</summary>
    public static RegressionMetrics Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        CheckLengths(actual, predicted);
        int n = 0;
        for (int i = 0; i < actual.Length; i++)
            if (!double.IsNaN(actual[i]) && !double.IsNaN(predicted[i])) n++;
        if (n == 0) return new RegressionMetrics(double.NaN, double.NaN, double.NaN, 0);
        if (n < actual.Length)
        {
            var a = new double[n];
            var p = new double[n];
            for (int i = 0, k = 0; i < actual.Length; i++)
            {
                if (double.IsNaN(actual[i]) || double.IsNaN(predicted[i])) continue;
                a[k] = actual[i];
                p[k++] = predicted[i];
            }
            actual = a;
            predicted = p;
        }
        return new RegressionMetrics(Pearson(actual, predicted), CoefficientOfDetermination(actual, predicted), MeanSquaredError(actual, predicted), n);
    }

    /// <summary>
    /// Pearson correlation Σ(a − ā)(b − b̄) / √(Σ(a − ā)² Σ(b − b̄)²) of two equally long series;
    /// NaN when either side is constant or empty. NaN values are not skipped (see <see cref="Compute"/>).
    /// </summary>
    public static double Pearson(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        CheckLengths(a, b);
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
            double da = a[i] - ma, db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        return saa > 0 && sbb > 0 ? sab / Math.Sqrt(saa * sbb) : double.NaN;
    }

    /// <summary>1 − Σ(y − ŷ)² / Σ(y − ȳ)²; NaN when y is constant or empty.</summary>
    public static double CoefficientOfDetermination(ReadOnlySpan<double> y, ReadOnlySpan<double> predicted)
    {
        CheckLengths(y, predicted);
        double m = 0;
        foreach (double v in y) m += v;
        m /= y.Length;
        double res = 0, tot = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double e = y[i] - predicted[i], d = y[i] - m;
            res += e * e;
            tot += d * d;
        }
        return tot > 0 ? 1 - res / tot : double.NaN;
    }

    /// <summary>Mean squared error Σ(y − ŷ)² / N; NaN when empty.</summary>
    public static double MeanSquaredError(ReadOnlySpan<double> y, ReadOnlySpan<double> predicted)
    {
        CheckLengths(y, predicted);
        double s = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double e = y[i] - predicted[i];
            s += e * e;
        }
        return s / y.Length;
    }

    private static void CheckLengths(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException($"The series have {a.Length} and {b.Length} values; they must be equally long.", nameof(b));
    }
}
