using System.Numerics.Tensors;
using RealtimeDecode.Engine.Decoding;

namespace RealtimeDecode.Training.Explanations;

/// <summary>
/// Block permutation importance of a kernel model without re-evaluating its kernel over all features.
/// Every kernel here is a function of sums over features (⟨x, s⟩ and ‖x‖² for linear, polynomial and
/// rbf; Σ|x − s| for laplacian), so when one block of features of row i is replaced by row π(i)'s, the
/// sum changes by that block's share only: S'(i, j) = S(i, j) − S_b(i, j) + S_b(π(i), j). The full sums
/// take one pass over the data (as one prediction of every row), each block's shares one pass over its
/// features, and then each permutation costs rows × model rows × targets, whatever the feature count.
/// </summary>
/// <remarks>
/// Results equal <see cref="EdgeImportance.Permutation"/>'s generic path (same permutations for the
/// same seed) up to rounding: sums are taken in float64 here, while a model with float32 rows
/// predicts in float32. Memory: three (data rows × model rows) float64 matrices and one block of
/// features of the data and of the model's rows at a time.
/// </remarks>
internal static class KernelBlockPermutation
{
    /// <summary>True when the fast path applies: a kernel model and blocks that do not share a feature.</summary>
    public static bool Applies(DecodingModel model, IReadOnlyList<int[]> blocks)
    {
        if (model.Estimator is not KernelExpansionRegressor) return false;
        var seen = new bool[model.FeatureCount];
        foreach (var block in blocks)
        {
            foreach (int c in block)
            {
                if ((uint)c >= (uint)seen.Length || seen[c]) return false;
                seen[c] = true;
            }
        }

        return true;
    }

    /// <summary>
    /// Predictions [n × T] for the unpermuted data and, through <paramref name="onPermuted"/>, for each
    /// block and repeat in the order of the generic path (permutations drawn from one
    /// <see cref="Random"/>(<paramref name="seed"/>), block by block, repeat by repeat).
    /// </summary>
    public static double[] Run(DecodingModel model, double[] x, int n, IReadOnlyList<int[]> blocks, int seed, int repeats, Action<int, double[]> onPermuted)
    {
        var ker = (KernelExpansionRegressor)model.Estimator;
        int p = model.FeatureCount, m = ker.RowCount, t = ker.TargetCount;

        // Pass 1: the full sums S(i, j) and the squared norms, block by block (features in no block last).
        var inBlock = new bool[p];
        foreach (var block in blocks) foreach (int c in block) inBlock[c] = true;
        var rest = Enumerable.Range(0, p).Where(c => !inBlock[c]).ToArray();
        var total = new double[n * m];
        var zz = new double[n];
        var ss = new double[m];
        var share = new double[n * m];
        var zzShare = new double[n];
        var ssShare = new double[m];
        foreach (var block in blocks.Append(rest))
        {
            Shares(model, ker, x, n, block, share, zzShare, ssShare);
            TensorPrimitives.Add(total, share, total);
            TensorPrimitives.Add(zz, zzShare, zz);
            TensorPrimitives.Add(ss, ssShare, ss);
        }

        var baseline = Predict(ker, total, zz, ss, n, m, t);

        // Pass 2: per block, its shares again, then each permutation of it from the sums.
        var permuted = new double[n * m];
        var permutedZz = new double[n];
        var rng = new Random(seed);
        var perm = new int[n];
        for (int b = 0; b < blocks.Count; b++)
        {
            Shares(model, ker, x, n, blocks[b], share, zzShare, ssShare);
            for (int rep = 0; rep < repeats; rep++)
            {
                for (int i = 0; i < n; i++) perm[i] = i;
                rng.Shuffle(perm);
                for (int i = 0; i < n; i++)
                {
                    int from = perm[i];
                    var dst = permuted.AsSpan(i * m, m);
                    TensorPrimitives.Subtract(total.AsSpan(i * m, m), share.AsSpan(i * m, m), dst);
                    TensorPrimitives.Add(dst, share.AsSpan(from * m, m), dst);
                    permutedZz[i] = zz[i] - zzShare[i] + zzShare[from];
                }

                onPermuted(b, Predict(ker, permuted, permutedZz, ss, n, m, t));
            }
        }

        return baseline;
    }

    /// <summary>
    /// One block's share of the sums: <paramref name="share"/>[i, j] (dot or L1 over the block's
    /// features between data row i, scaled as the model does, and model row j), and the block's share of
    /// each data row's and model row's squared norm.
    /// </summary>
    private static void Shares(DecodingModel model, KernelExpansionRegressor ker, double[] x, int n, int[] cols, double[] share, double[] zzShare, double[] ssShare)
    {
        int p = model.FeatureCount, m = ker.RowCount, width = cols.Length;
        var zb = new double[n * width];
        var sb = new double[m * width];
        var scaler = model.Scaler;
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < width; c++)
            {
                int col = cols[c];
                double v = x[(long)i * p + col];
                zb[i * width + c] = scaler is null ? v : (v - scaler.Mean[col]) / scaler.Scale[col];
            }
        }

        for (int j = 0; j < m; j++)
        {
            long row = (long)j * p;
            for (int c = 0; c < width; c++)
            {
                long k = row + cols[c];
                sb[j * width + c] = ker.Rows64 is { } r64 ? r64[k] : ker.Rows32 is { } r32 ? r32[k] : (double)ker.Rows16![k];
            }
        }

        bool laplacian = ker.Kernel.Kind == KernelKind.Laplacian;
        var diff = new double[width];
        for (int j = 0; j < m; j++) ssShare[j] = TensorPrimitives.Dot<double>(sb.AsSpan(j * width, width), sb.AsSpan(j * width, width));
        for (int i = 0; i < n; i++)
        {
            var zi = zb.AsSpan(i * width, width);
            zzShare[i] = TensorPrimitives.Dot<double>(zi, zi);
            for (int j = 0; j < m; j++)
            {
                var sj = sb.AsSpan(j * width, width);
                share[i * m + j] = laplacian ? L1(zi, sj, diff) : TensorPrimitives.Dot<double>(zi, sj);
            }
        }
    }

    private static double L1(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> scratch)
    {
        TensorPrimitives.Subtract(a, b, scratch);
        return TensorPrimitives.SumOfMagnitudes<double>(scratch);
    }

    // pred[i, t] = Σ_j coef[t, j]·k(i, j) + intercept[t], k from the sums.
    private static double[] Predict(KernelExpansionRegressor ker, double[] sums, double[] zz, double[] ss, int n, int m, int t)
    {
        var kernel = ker.Kernel;
        var pred = new double[n * t];
        var k = new double[m];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                double v = sums[i * m + j];
                k[j] = kernel.Kind == KernelKind.Laplacian ? Math.Exp(-kernel.Gamma * v) : kernel.FromDot(v, zz[i], ss[j]);
            }

            for (int q = 0; q < t; q++)
                pred[i * t + q] = TensorPrimitives.Dot<double>(ker.Coefficients.AsSpan(q * m, m), k) + ker.Intercept[q];
        }

        return pred;
    }
}
