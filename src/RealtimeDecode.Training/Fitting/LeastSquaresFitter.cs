using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace RealtimeDecode.Training.Fitting;

/// <summary>
/// Ordinary least squares (scikit-learn LinearRegression): centre X and y (fit_intercept), then the
/// minimum-norm least-squares solution w = V Σ⁺ Uᵀ y from the SVD of the centred X, computed as a thin QR
/// of the taller orientation followed by the SVD of the small triangular factor. Singular values at or
/// below max(n, p)·ε·σ_max count as zero (numpy's rank tolerance), so with more features than samples
/// the result is the minimum-norm interpolant.
/// </summary>
internal static class LeastSquaresFitter
{
    /// <summary>Fits every target; returns W row-major [targets × features] and the intercepts.</summary>
    public static (double[] Coefficients, double[] Intercept) Fit(RowMajorMatrix x, RowMajorMatrix y, bool fitIntercept = true)
    {
        if (x.Rows != y.Rows)
        {
            throw new ArgumentException($"X has {x.Rows} rows but Y has {y.Rows}", nameof(y));
        }

        int n = x.Rows, p = x.Cols, t = y.Cols;
        var (xc, xm) = Centering.Prepare(x, fitIntercept);
        var (yc, ym) = Centering.Prepare(y, fitIntercept);
        var a = Matrix<double>.Build.DenseOfRowMajor(n, p, xc.Data);
        var b = Matrix<double>.Build.DenseOfRowMajor(n, t, yc.Data);
        Matrix<double> w; // p × t
        if (n >= p)
        {
            // A = Q R, R = U S Vᵀ  ⇒  A = (Q U) S Vᵀ.
            var qr = a.QR(QRMethod.Thin);
            var svd = qr.R.Svd(true);
            var coef = Pseudo(svd, n, p) * ((qr.Q * svd.U).TransposeThisAndMultiply(b));
            w = svd.VT.TransposeThisAndMultiply(coef);
        }
        else
        {
            // Aᵀ = Q R, R = U S Vᵀ  ⇒  A = V S (Q U)ᵀ, w = Q U S⁺ Vᵀ b.
            var qr = a.Transpose().QR(QRMethod.Thin);
            var svd = qr.R.Svd(true);
            var coef = Pseudo(svd, n, p) * (svd.VT * b);
            w = qr.Q * svd.U * coef;
        }

        var wr = new double[t * p];
        for (int k = 0; k < t; k++)
        {
            for (int j = 0; j < p; j++)
            {
                wr[(k * p) + j] = w[j, k];
            }
        }

        return (wr, fitIntercept ? Centering.Intercepts(wr, xm, ym) : new double[t]);
    }

    private static Matrix<double> Pseudo(Svd<double> svd, int n, int p)
    {
        var s = svd.S;
        double cutoff = Math.Max(n, p) * 2.220446049250313e-16 * (s.Count > 0 ? s.Maximum() : 0);
        var d = Matrix<double>.Build.Dense(s.Count, s.Count);
        for (int i = 0; i < s.Count; i++)
        {
            d[i, i] = s[i] > cutoff ? 1 / s[i] : 0;
        }

        return d;
    }
}
