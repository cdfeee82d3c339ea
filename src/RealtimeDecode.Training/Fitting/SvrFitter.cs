using RealtimeDecode.Engine.Decoding;

namespace RealtimeDecode.Training.Fitting;

/// <summary>
/// Multi-target ε-SVR: one <see cref="SvrSolver"/> model per target on a kernel matrix computed once,
/// then a single <see cref="KernelExpansionRegressor"/> over the union of the targets' support vectors
/// (a sample is a support vector when its α⁺ − α⁻ is non-zero, as in libsvm).
/// </summary>
internal static class SvrFitter
{
    /// <summary>Fits all targets; targets are solved in parallel.</summary>
    public static (KernelExpansionRegressor Model, int[] SupportUnion, int[][] SupportPerTarget) Fit(
        RowMajorMatrix x, RowMajorMatrix y, IReadOnlyList<string> targets, KernelFunction kernel, double c, double epsilon, double tol, bool rowsAsFloat32)
    {
        if (x.Rows != y.Rows)
        {
            throw new ArgumentException($"X has {x.Rows} rows but Y has {y.Rows}", nameof(y));
        }

        int l = x.Rows, t = y.Cols, p = x.Cols;
        var k = KernelMatrix.Training(kernel, x);
        var kf = new float[(long)l * l];
        var diag = new double[l];
        for (int i = 0; i < l; i++)
        {
            diag[i] = k[i, i];
            for (int j = 0; j < l; j++)
            {
                kf[((long)i * l) + j] = (float)k[i, j];
            }
        }

        var results = new SvrSolver.Result[t];
        Parallel.For(0, t, target => results[target] = SvrSolver.Solve(kf, diag, y.Column(target), c, epsilon, tol));
        var perTarget = results.Select(r => Enumerable.Range(0, l).Where(i => r.Coefficients[i] != 0).ToArray()).ToArray();
        var union = perTarget.SelectMany(s => s).Distinct().Order().ToArray();
        var coef = new double[t * union.Length];
        for (int target = 0; target < t; target++)
        {
            for (int u = 0; u < union.Length; u++)
            {
                coef[(target * union.Length) + u] = results[target].Coefficients[union[u]];
            }
        }

        var intercept = results.Select(r => r.Intercept).ToArray();
        KernelExpansionRegressor model;
        if (rowsAsFloat32)
        {
            var rows = new float[(long)union.Length * p];
            for (int u = 0; u < union.Length; u++)
            {
                var src = x.Row(union[u]);
                for (int j = 0; j < p; j++)
                {
                    rows[((long)u * p) + j] = (float)src[j];
                }
            }

            model = new KernelExpansionRegressor(targets, p, kernel, rows, coef, intercept);
        }
        else
        {
            model = new KernelExpansionRegressor(targets, p, kernel, x.SelectRows(union).Data, coef, intercept);
        }

        return (model, union, perTarget);
    }
}
