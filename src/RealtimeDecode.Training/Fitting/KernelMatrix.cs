using System.Numerics.Tensors;
using RealtimeDecode.Engine.Decoding;

namespace RealtimeDecode.Training.Fitting;

/// <summary>
/// Kernel matrices with scikit-learn's conventions: rbf from ‖x‖² + ‖y‖² − 2⟨x,y⟩ clipped at 0 (with a
/// zero diagonal for the training matrix, as euclidean_distances does for X is Y), polynomial and linear
/// from inner products (blocked <see cref="Gemm"/>), laplacian from L1 distances.
/// </summary>
internal static class KernelMatrix
{
    /// <summary>Resolves γ as scikit-learn does: Scale = 1/(p·Var(X)) (Var of all entries, N normaliser; 1 if Var = 0), Auto = 1/p.</summary>
    public static double ResolveGamma(GammaMode mode, double? value, RowMajorMatrix x, GammaMode estimatorDefault)
    {
        var m = mode == GammaMode.Default ? estimatorDefault : mode;
        switch (m)
        {
            case GammaMode.Value:
                return value ?? throw new ArgumentException("gamma mode is Value but no gamma was given", nameof(value));
            case GammaMode.Auto:
                return 1.0 / x.Cols;
            case GammaMode.Scale:
                {
                    double mean = TensorPrimitives.Sum<double>(x.Data) / x.Data.LongLength;
                    double ss = 0;
                    foreach (double v in x.Data)
                    {
                        ss += (v - mean) * (v - mean);
                    }

                    double var = ss / x.Data.LongLength;
                    return var != 0 ? 1.0 / (x.Cols * var) : 1.0;
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(mode));
        }
    }

    /// <summary>K[i,j] = k(x_i, x_j) for the training rows.</summary>
    public static RowMajorMatrix Training(KernelFunction kernel, RowMajorMatrix x)
    {
        if (kernel.Kind == KernelKind.Laplacian)
        {
            return Laplacian(kernel.Gamma, x, x);
        }

        var g = Gemm.Gram(x);
        int n = x.Rows;
        var sq = new double[n];
        for (int i = 0; i < n; i++)
        {
            sq[i] = g[i, i];
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                g[i, j] = kernel.Kind == KernelKind.Rbf && i == j ? 1.0 : kernel.FromDot(g[i, j], sq[i], sq[j]);
            }
        }

        return g;
    }

    private static RowMajorMatrix Laplacian(double gamma, RowMajorMatrix a, RowMajorMatrix b)
    {
        var k = new RowMajorMatrix(a.Rows, b.Rows);
        var d = new double[a.Cols];
        for (int i = 0; i < a.Rows; i++)
        {
            for (int j = 0; j < b.Rows; j++)
            {
                TensorPrimitives.Subtract(a.Row(i), b.Row(j), d);
                k[i, j] = Math.Exp(-gamma * TensorPrimitives.SumOfMagnitudes<double>(d));
            }
        }

        return k;
    }
}
