using RealtimeDecode.Engine.Decoding;

namespace RealtimeDecode.Training.Fitting;

/// <summary>
/// Kernel ridge regression (scikit-learn KernelRidge): dual coefficients A = (K + αI)⁻¹ Y by Cholesky,
/// prediction y(x) = Σ_i A[i,:] k(x, x_i), no intercept. Default kernel linear; γ default 1/n_features.
/// </summary>
internal static class KernelRidgeFitter
{
    /// <summary>Fits all targets at once; returns dual coefficients row-major [targets × samples].</summary>
    public static double[] Fit(RowMajorMatrix x, RowMajorMatrix y, KernelFunction kernel, double alpha)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(alpha);
        if (x.Rows != y.Rows)
        {
            throw new ArgumentException($"X has {x.Rows} rows but Y has {y.Rows}", nameof(y));
        }

        var k = KernelMatrix.Training(kernel, x);
        for (int i = 0; i < x.Rows; i++)
        {
            k[i, i] += alpha;
        }

        var dual = RidgeFitter.Solve(k, y); // n × t
        return dual.Transpose().Data;
    }
}
