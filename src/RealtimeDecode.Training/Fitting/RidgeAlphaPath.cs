using System.Numerics.Tensors;
using RealtimeDecode.Engine.Decoding;

namespace RealtimeDecode.Training.Fitting;

/// <summary>
/// Out-of-fold predictions of ridge for several alphas from one Gram matrix per fold, for a search over alpha
/// when features outnumber a fold's training samples (where <see cref="RidgeFitter"/> itself solves the dual).
/// Per fold: the fold's rows are standardised by a <see cref="StandardScaler"/> fitted on its training rows (when
/// asked) and, with an intercept, centred by the training rows' means, giving Z; G = Z·Zᵀ over training and test
/// rows once; then for each alpha a = (G_tt + αI)⁻¹(Y_t − ȳ_t) by Cholesky and ŷ = G_st·a + ȳ_t. This is what
/// fitting <see cref="EstimatorFactory"/>'s ridge on the training rows and predicting the test rows gives (the same
/// equations, w = Z_tᵀa), equal to rounding; the work per fold is one Gram instead of one per alpha.
/// </summary>
internal static class RidgeAlphaPath
{
    /// <summary>
    /// True when a grid of <paramref name="options"/> can take this path: ridge, every alpha positive, the options
    /// differing in alpha only, and more features than the largest training fold.
    /// </summary>
    public static bool Applies(EstimatorKind kind, IReadOnlyList<EstimatorOptions> options, int features, IReadOnlyList<CvFold> folds)
    {
        if (kind != EstimatorKind.Ridge || options.Count == 0 || folds.Count == 0) return false;
        var common = options[0] with { Alpha = null };
        foreach (var o in options)
            if (!(o.Alpha is null or > 0) || o with { Alpha = null } != common) return false;
        return features > folds.Max(f => f.Train.Length);
    }

    /// <summary>
    /// Predictions [samples × targets] for each of <paramref name="alphas"/>; NaN for samples no fold tests.
    /// </summary>
    public static RowMajorMatrix[] Predict(RowMajorMatrix x, RowMajorMatrix y, IReadOnlyList<CvFold> folds, IReadOnlyList<double> alphas, bool standardize, bool fitIntercept)
    {
        var pred = new RowMajorMatrix[alphas.Count];
        for (int a = 0; a < pred.Length; a++)
        {
            pred[a] = new RowMajorMatrix(x.Rows, y.Cols);
            Array.Fill(pred[a].Data, double.NaN);
        }
        int p = x.Cols, t = y.Cols;
        foreach (var fold in folds)
        {
            int nt = fold.Train.Length, ns = fold.Test.Length;
            // Z: the fold's training rows, then its test rows, as the fitted model would see them.
            var z = new RowMajorMatrix(nt + ns, p);
            for (int k = 0; k < nt; k++) x.Row(fold.Train[k]).CopyTo(z.Row(k));
            for (int k = 0; k < ns; k++) x.Row(fold.Test[k]).CopyTo(z.Row(nt + k));
            if (standardize)
            {
                var scaler = StandardScaler.Fit(z.Data.AsSpan(0, nt * p), nt, p);
                for (int k = 0; k < nt + ns; k++)
                {
                    var row = z.Row(k);
                    scaler.Transform(row, row);
                }
            }
            var ym = new double[t];
            if (fitIntercept)
            {
                var m = new double[p];
                for (int k = 0; k < nt; k++) TensorPrimitives.Add(m, z.Row(k), m);
                TensorPrimitives.Divide(m, nt, m);
                for (int k = 0; k < nt + ns; k++) TensorPrimitives.Subtract(z.Row(k), m, z.Row(k));
                for (int k = 0; k < nt; k++)
                    for (int j = 0; j < t; j++) ym[j] += y[fold.Train[k], j];
                for (int j = 0; j < t; j++) ym[j] /= nt;
            }
            var g = Gemm.Gram(z);
            var yc = new RowMajorMatrix(nt, t);
            for (int k = 0; k < nt; k++)
                for (int j = 0; j < t; j++) yc[k, j] = y[fold.Train[k], j] - ym[j];
            var kernel = new RowMajorMatrix(nt, nt);
            for (int a = 0; a < alphas.Count; a++)
            {
                for (int i = 0; i < nt; i++)
                {
                    g.Row(i)[..nt].CopyTo(kernel.Row(i));
                    kernel[i, i] += alphas[a];
                }
                var dual = RidgeFitter.Solve(kernel, yc);
                for (int s = 0; s < ns; s++)
                {
                    var gs = g.Row(nt + s)[..nt];
                    var row = pred[a].Row(fold.Test[s]);
                    for (int j = 0; j < t; j++)
                    {
                        double v = ym[j];
                        for (int i = 0; i < nt; i++) v += gs[i] * dual[i, j];
                        row[j] = v;
                    }
                }
            }
        }
        return pred;
    }
}
