using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace RealtimeDecode.Training.Fitting;

/// <summary>
/// Ridge regression in closed form: minimises ‖y − Xw − b‖² + α‖w‖² per target (scikit-learn Ridge,
/// fit_intercept centres X and y, the intercept is not penalised). Primal (XᵀX + αI)w = Xᵀy by Cholesky
/// when samples ≥ features; dual (XXᵀ + αI)a = y, w = Xᵀa when features exceed samples, with XXᵀ from
/// the blocked <see cref="Gemm"/>. Both give the same solution.
/// </summary>
internal static class RidgeFitter
{
    /// <summary>Fits every target; returns W row-major [targets × features] and the intercepts.</summary>
    public static (double[] Coefficients, double[] Intercept) Fit(RowMajorMatrix x, RowMajorMatrix y, double alpha, bool fitIntercept = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(alpha);
        if (x.Rows != y.Rows)
        {
            throw new ArgumentException($"X has {x.Rows} rows but Y has {y.Rows}", nameof(y));
        }

        int n = x.Rows, p = x.Cols, t = y.Cols;
        var (xc, xm) = Centering.Prepare(x, fitIntercept);
        var (yc, ym) = Centering.Prepare(y, fitIntercept);
        var w = new double[t * p];
        if (n >= p)
        {
            var xt = xc.Transpose();
            var a = Gemm.Gram(xt);
            for (int j = 0; j < p; j++)
            {
                a[j, j] += alpha;
            }

            var rhs = Gemm.MultiplyTransposed(xt, yc.Transpose()); // p × t
            var sol = Solve(a, rhs);
            for (int j = 0; j < p; j++)
            {
                for (int k = 0; k < t; k++)
                {
                    w[(k * p) + j] = sol[j, k];
                }
            }
        }
        else
        {
            var k = Gemm.Gram(xc);
            for (int i = 0; i < n; i++)
            {
                k[i, i] += alpha;
            }

            var dual = Solve(k, yc); // n × t
            DualToPrimal(xc, dual, w);
        }

        return (w, fitIntercept ? Centering.Intercepts(w, xm, ym) : new double[t]);
    }

    /// <summary>W[t,:] = Σ_i dual[i,t]·X[i,:].</summary>
    internal static void DualToPrimal(RowMajorMatrix x, RowMajorMatrix dual, double[] w)
    {
        int p = x.Cols;
        for (int i = 0; i < x.Rows; i++)
        {
            for (int k = 0; k < dual.Cols; k++)
            {
                var wk = w.AsSpan(k * p, p);
                TensorPrimitives.MultiplyAdd(x.Row(i), dual[i, k], wk, wk);
            }
        }
    }

    /// <summary>Solves the symmetric positive definite system A·X = B by Cholesky (SVD least squares if A is not positive definite).</summary>
    internal static RowMajorMatrix Solve(RowMajorMatrix a, RowMajorMatrix b)
    {
        var ma = Matrix<double>.Build.DenseOfRowMajor(a.Rows, a.Cols, a.Data);
        var mb = Matrix<double>.Build.DenseOfRowMajor(b.Rows, b.Cols, b.Data);
        Matrix<double> s;
        try
        {
            s = ma.Cholesky().Solve(mb);
        }
        catch (ArgumentException)
        {
            s = ma.Svd(true).Solve(mb);
        }

        return new RowMajorMatrix(s.ToRowMajorArray(), b.Rows, b.Cols);
    }
}
