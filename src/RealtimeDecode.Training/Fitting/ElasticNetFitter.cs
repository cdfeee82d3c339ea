using System.Numerics.Tensors;

namespace RealtimeDecode.Training.Fitting;

/// <summary>
/// Lasso and elastic net by cyclic coordinate descent, as scikit-learn's ElasticNet/Lasso
/// (sklearn.linear_model._cd_fast.enet_coordinate_descent): per target it minimises
/// (1/2n)‖y − Xw − b‖² + α·ρ·‖w‖₁ + α(1 − ρ)/2·‖w‖² with ρ = l1_ratio (Lasso: ρ = 1), X and y centred
/// when fitting the intercept. An epoch visits features 0..p−1 in order; when the largest coefficient
/// change of an epoch is below tol·max|w| (or w = 0, or at the last epoch) the duality gap is computed
/// and the fit stops once it is below tol·‖y‖². Starts from w = 0.
/// </summary>
internal static class ElasticNetFitter
{
    /// <summary>The result of one target's fit.</summary>
    /// <param name="Iterations">Epochs run.</param>
    /// <param name="DualityGap">Final duality gap (in the n-scaled units scikit-learn uses).</param>
    /// <param name="Converged">True when the gap fell below the tolerance.</param>
    public readonly record struct Diagnostics(int Iterations, double DualityGap, bool Converged);

    /// <summary>Fits every target; W row-major [targets × features], the intercepts, and per-target diagnostics.</summary>
    public static (double[] Coefficients, double[] Intercept, Diagnostics[] Diagnostics) Fit(
        RowMajorMatrix x, RowMajorMatrix y, double alpha, double l1Ratio, bool fitIntercept = true, double tol = 1e-4, int maxIter = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(alpha);
        if (l1Ratio is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(l1Ratio), l1Ratio, "l1_ratio must be in [0, 1]");
        }

        if (x.Rows != y.Rows)
        {
            throw new ArgumentException($"X has {x.Rows} rows but Y has {y.Rows}", nameof(y));
        }

        int n = x.Rows, p = x.Cols, t = y.Cols;
        var (xc, xm) = Centering.Prepare(x, fitIntercept);
        var (yc, ym) = Centering.Prepare(y, fitIntercept);
        var cols = xc.Transpose(); // feature-major: column j of X is row j here
        var w = new double[t * p];
        var diag = new Diagnostics[t];
        double l1 = alpha * l1Ratio * n, l2 = alpha * (1 - l1Ratio) * n;
        // Targets are independent problems (as scikit-learn fits them one after another): solve them in parallel.
        Parallel.For(0, t, k => diag[k] = Descend(cols, yc.Column(k), w.AsSpan(k * p, p), l1, l2, tol, maxIter));

        return (w, fitIntercept ? Centering.Intercepts(w, xm, ym) : new double[t], diag);
    }

    /// <summary>scikit-learn's objective (1/2n)‖y − Xw − b‖² + αρ‖w‖₁ + α(1−ρ)/2‖w‖² for one target.</summary>
    public static double Objective(RowMajorMatrix x, ReadOnlySpan<double> y, ReadOnlySpan<double> w, double b, double alpha, double l1Ratio)
    {
        double rss = 0;
        for (int i = 0; i < x.Rows; i++)
        {
            double r = y[i] - TensorPrimitives.Dot(x.Row(i), w) - b;
            rss += r * r;
        }

        return (rss / (2.0 * x.Rows)) + (alpha * l1Ratio * TensorPrimitives.SumOfMagnitudes(w)) + (0.5 * alpha * (1 - l1Ratio) * TensorPrimitives.Dot(w, w));
    }

    private static Diagnostics Descend(RowMajorMatrix cols, double[] y, Span<double> w, double l1, double l2, double tol, int maxIter)
    {
        int p = cols.Rows, n = cols.Cols;
        var norm = new double[p];
        for (int j = 0; j < p; j++)
        {
            norm[j] = TensorPrimitives.Dot(cols.Row(j), cols.Row(j));
        }

        var r = (double[])y.Clone(); // w = 0
        double gapTol = tol * TensorPrimitives.Dot(y, y);
        double gap = gapTol + 1;
        int iter;
        var xta = new double[p];
        for (iter = 0; iter < maxIter; iter++)
        {
            double wMax = 0, dwMax = 0;
            for (int j = 0; j < p; j++)
            {
                if (norm[j] == 0)
                {
                    continue;
                }

                var xj = cols.Row(j);
                double wj = w[j];
                if (wj != 0)
                {
                    TensorPrimitives.MultiplyAdd(xj, wj, r, r);
                }

                double tmp = TensorPrimitives.Dot(xj, r);
                w[j] = Math.Sign(tmp) * Math.Max(Math.Abs(tmp) - l1, 0) / (norm[j] + l2);
                if (w[j] != 0)
                {
                    TensorPrimitives.MultiplyAdd(xj, -w[j], r, r);
                }

                dwMax = Math.Max(dwMax, Math.Abs(w[j] - wj));
                wMax = Math.Max(wMax, Math.Abs(w[j]));
            }

            if (wMax == 0 || dwMax / wMax < tol || iter == maxIter - 1)
            {
                for (int j = 0; j < p; j++)
                {
                    xta[j] = TensorPrimitives.Dot(cols.Row(j), r) - (l2 * w[j]);
                }

                double dualNorm = TensorPrimitives.MaxMagnitude<double>(xta);
                double rNorm2 = TensorPrimitives.Dot(r, r);
                double wNorm2 = TensorPrimitives.Dot<double>(w, w);
                double c;
                if (dualNorm > l1)
                {
                    c = l1 / dualNorm;
                    gap = 0.5 * (rNorm2 + (rNorm2 * c * c));
                }
                else
                {
                    c = 1;
                    gap = rNorm2;
                }

                gap += (l1 * TensorPrimitives.SumOfMagnitudes<double>(w)) - (c * TensorPrimitives.Dot(r, y)) + (0.5 * l2 * (1 + (c * c)) * wNorm2);
                if (gap < gapTol)
                {
                    return new Diagnostics(iter + 1, gap, true);
                }
            }
        }

        return new Diagnostics(iter, gap, false);
    }
}
