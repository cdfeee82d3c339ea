using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Training.Reports;

namespace RealtimeDecode.Training.Explanations;

/// <summary>
/// Feature importances of a fitted model: Haufe activation patterns and block permutation importance
/// (raw-unit linear coefficients are <see cref="LinearCoefficients.Raw"/>). Matrices are row-major; X is
/// [samples × features].
/// </summary>
internal static class EdgeImportance
{
    /// <summary>
    /// Haufe et al. (2014, eq. 6) activation patterns A = Cov(X)·Wᵀ·Cov(ŝ)⁻¹ of a linear backward model
    /// with weights W (raw feature units, [targets × features]) and outputs ŝ = X_c·Wᵀ, X_c the
    /// column-centred data. Column t of A holds the coefficients of a regression of every feature on all
    /// the model's outputs jointly, so A(j, t) reads as "how much feature j moves per unit of estimate t,
    /// the other estimates held fixed": when targets co-occur, an emotion's pattern does not borrow the
    /// features of the emotions correlated with it, and a perfect decoder of data X = S·Aᵀ returns A
    /// itself. Computed in two passes over X without forming the p×p covariance (O(n·p·T) time, O(p·T)
    /// memory); Cov(ŝ) is inverted by pseudo-inverse, so a target whose output is constant gets a zero
    /// pattern. Row-major [targets × features].
    /// </summary>
    public static double[] HaufePatterns(ReadOnlySpan<double> x, int rows, ReadOnlySpan<double> weights, int targetCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetCount, 1);
        if (x.Length % rows != 0) throw new ArgumentException($"X has {x.Length} values, not a multiple of {rows} rows.", nameof(x));
        int p = x.Length / rows;
        if (weights.Length != (long)p * targetCount)
            throw new ArgumentException($"W has {weights.Length} values, expected {targetCount} × {p}.", nameof(weights));
        var mean = new double[p];
        for (int i = 0; i < rows; i++) TensorPrimitives.Add(mean, x.Slice(i * p, p), mean);
        TensorPrimitives.Divide(mean, rows, mean);

        // s[i, t] = (x_i − m)·w_t, the centred model output.
        var s = new double[rows * targetCount];
        var centred = new double[p];
        for (int i = 0; i < rows; i++)
        {
            TensorPrimitives.Subtract(x.Slice(i * p, p), mean, centred);
            for (int t = 0; t < targetCount; t++) s[i * targetCount + t] = TensorPrimitives.Dot<double>(centred, weights.Slice(t * p, p));
        }

        // A_t = Σ_i s[i, t]·(x_i − m) / (n − 1).
        var a = new double[targetCount * p];
        for (int i = 0; i < rows; i++)
        {
            TensorPrimitives.Subtract(x.Slice(i * p, p), mean, centred);
            for (int t = 0; t < targetCount; t++)
            {
                var at = a.AsSpan(t * p, p);
                TensorPrimitives.MultiplyAdd(centred, s[i * targetCount + t], at, at);
            }
        }

        TensorPrimitives.Divide(a, rows - 1, a);

        // Cov(ŝ) = sᵀs/(n − 1) (s is centred, as X_c is), then A ← A·Cov(ŝ)⁺ row by row.
        var outputCov = Matrix<double>.Build.Dense(targetCount, targetCount);
        for (int i = 0; i < rows; i++)
            for (int u = 0; u < targetCount; u++)
                for (int v = 0; v <= u; v++)
                    outputCov[u, v] += s[i * targetCount + u] * s[i * targetCount + v];
        for (int u = 0; u < targetCount; u++)
            for (int v = 0; v <= u; v++)
                outputCov[v, u] = outputCov[u, v] /= rows - 1;
        var mix = outputCov.PseudoInverse();
        var patterns = new double[targetCount * p];
        for (int t = 0; t < targetCount; t++)
        {
            var pt = patterns.AsSpan(t * p, p);
            for (int m = 0; m < targetCount; m++)
            {
                if (mix[m, t] != 0) TensorPrimitives.MultiplyAdd(a.AsSpan(m * p, p), mix[m, t], pt, pt);
            }
        }

        return patterns;
    }

    /// <summary>
    /// Split-half reliability of <see cref="HaufePatterns"/>: the patterns computed on the first and on the
    /// second half of the rows (in their order, so for a time series two separate stretches of time),
    /// and per target the Pearson correlation of the two over the features. Near 1: the map does not
    /// depend on which half of the data it was computed on; near 0: it is mostly noise.
    /// </summary>
    /// <param name="x">Data, row-major [<paramref name="rows"/> × p]; must be finite.</param>
    /// <param name="rows">n ≥ 4.</param>
    /// <param name="weights">W, row-major [T × p].</param>
    /// <param name="targetCount">T.</param>
    public static SplitHalfPatterns SplitHalf(ReadOnlySpan<double> x, int rows, ReadOnlySpan<double> weights, int targetCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 4);
        int p = x.Length / rows, h = rows / 2;
        var first = HaufePatterns(x[..(h * p)], h, weights, targetCount);
        var second = HaufePatterns(x[(h * p)..], rows - h, weights, targetCount);
        var r = new double[targetCount];
        for (int t = 0; t < targetCount; t++)
            r[t] = RegressionMetrics.Pearson(first.AsSpan(t * p, p), second.AsSpan(t * p, p));
        return new SplitHalfPatterns(first, second, r);
    }

    /// <summary>
    /// Block permutation importance: for each block of feature columns, the rows of that block are
    /// shuffled together (one seeded permutation per block and repeat, the other columns untouched)
    /// and the model's R² and Pearson r per target are recomputed; the importance is the mean drop
    /// (baseline − permuted) over <paramref name="repeats"/>. Positive means the model relies on the block.
    /// </summary>
    /// <param name="model">Any fitted model.</param>
    /// <param name="x">Data, row-major [n × model.FeatureCount].</param>
    /// <param name="y">Targets, row-major [n × model.TargetCount].</param>
    /// <param name="blocks">Feature column indices of each block.</param>
    /// <param name="seed">Seed of the permutations.</param>
    /// <param name="repeats">Permutations per block (≥ 1).</param>
    /// <remarks>A kernel model with disjoint blocks is scored through <see cref="KernelBlockPermutation"/>.</remarks>
    public static PermutationImportanceResult Permutation(DecodingModel model, double[] x, double[] y, IReadOnlyList<int[]> blocks, int seed, int repeats = 1) =>
        PermutationCore(model, x, y, blocks, seed, repeats, byPrediction: false);

    /// <summary>The same as <see cref="Permutation"/>, with every permuted data set predicted by the model itself.</summary>
    internal static PermutationImportanceResult PermutationByPrediction(DecodingModel model, double[] x, double[] y, IReadOnlyList<int[]> blocks, int seed, int repeats = 1) =>
        PermutationCore(model, x, y, blocks, seed, repeats, byPrediction: true);

    private static PermutationImportanceResult PermutationCore(DecodingModel model, double[] x, double[] y, IReadOnlyList<int[]> blocks, int seed, int repeats, bool byPrediction)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        int p = model.FeatureCount, t = model.TargetCount;
        if (x.Length % p != 0) throw new ArgumentException($"X has {x.Length} values, not a multiple of {p} features.", nameof(x));
        int n = x.Length / p;
        if (y.Length != n * t) throw new ArgumentException($"Y has {y.Length} values, expected {n} × {t}.", nameof(y));
        var dropR2 = new double[blocks.Count * t];
        var dropR = new double[blocks.Count * t];
        var pending = new List<(int Block, RegressionMetrics[] Score)>();
        RegressionMetrics[] baseline;
        if (!byPrediction && KernelBlockPermutation.Applies(model, blocks))
        {
            baseline = Score(KernelBlockPermutation.Run(model, x, n, blocks, seed, repeats, (b, pred) => pending.Add((b, Score(pred, y, n, t)))), y, n, t);
            return Result();
        }

        var work = model.Clone();
        baseline = Score(work.PredictMany(x, n), y, n, t);
        var shuffled = (double[])x.Clone();
        var rng = new Random(seed);
        var perm = new int[n];
        for (int b = 0; b < blocks.Count; b++)
        {
            var cols = blocks[b];
            for (int rep = 0; rep < repeats; rep++)
            {
                for (int i = 0; i < n; i++) perm[i] = i;
                rng.Shuffle(perm);
                for (int i = 0; i < n; i++)
                {
                    int src = perm[i] * p, dst = i * p;
                    foreach (int c in cols) shuffled[dst + c] = x[src + c];
                }

                pending.Add((b, Score(work.PredictMany(shuffled, n), y, n, t)));
            }

            for (int i = 0; i < n; i++)
            {
                foreach (int c in cols) shuffled[i * p + c] = x[i * p + c];
            }
        }

        return Result();

        // The drops are taken once the baseline is known (the fast path gives it last).
        PermutationImportanceResult Result()
        {
            foreach (var (b, score) in pending)
            {
                for (int k = 0; k < t; k++)
                {
                    dropR2[b * t + k] += (baseline[k].R2 - score[k].R2) / repeats;
                    dropR[b * t + k] += (baseline[k].PearsonR - score[k].PearsonR) / repeats;
                }
            }

            return new PermutationImportanceResult(
                baseline.Select(m => m.R2).ToArray(), baseline.Select(m => m.PearsonR).ToArray(), blocks.Count, t, dropR2, dropR);
        }
    }

    private static RegressionMetrics[] Score(double[] pred, double[] y, int n, int t)
    {
        var result = new RegressionMetrics[t];
        var a = new double[n];
        var b = new double[n];
        for (int k = 0; k < t; k++)
        {
            for (int i = 0; i < n; i++)
            {
                a[i] = y[i * t + k];
                b[i] = pred[i * t + k];
            }

            result[k] = RegressionMetrics.Compute(a, b);
        }

        return result;
    }
}

/// <summary>Result of <see cref="EdgeImportance.SplitHalf"/>.</summary>
/// <param name="First">Patterns on the first half of the rows, row-major [T × p].</param>
/// <param name="Second">Patterns on the second half, row-major [T × p].</param>
/// <param name="R">Per target, the Pearson correlation of the two (NaN when one is constant).</param>
internal sealed record SplitHalfPatterns(double[] First, double[] Second, double[] R);

/// <summary>Result of <see cref="EdgeImportance.Permutation"/>.</summary>
/// <param name="BaselineR2">R² per target on the unshuffled data.</param>
/// <param name="BaselineR">Pearson r per target on the unshuffled data.</param>
/// <param name="BlockCount">Number of blocks B.</param>
/// <param name="TargetCount">Number of targets T.</param>
/// <param name="DropR2">Mean R² drop, row-major [B × T].</param>
/// <param name="DropR">Mean Pearson r drop, row-major [B × T].</param>
internal sealed record PermutationImportanceResult(double[] BaselineR2, double[] BaselineR, int BlockCount, int TargetCount, double[] DropR2, double[] DropR);
