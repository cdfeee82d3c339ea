namespace RealtimeDecode.Training.Fitting;

/// <summary>Result of a permutation test.</summary>
/// <param name="Observed">Score per target on the real targets.</param>
/// <param name="PValues">(1 + #{null score ≥ observed}) / (1 + permutations), per target.</param>
/// <param name="Null">Null scores [permutation][target].</param>
public sealed record PermutationResult(double[] Observed, double[] PValues, double[][] Null);

/// <summary>
/// Permutation test that keeps the targets' autocorrelation: each permutation circularly shifts the
/// target time series by a random offset (within each run when runs are given, each run by its own
/// offset in [1, length − 1]; all targets by the same offset, so their covariance is kept too), then
/// re-scores. A fold-aware scorer (e.g. cross-validated R²) is passed in as a function.
/// </summary>
internal static class PermutationTest
{
    /// <summary>Runs the test.</summary>
    /// <param name="score">Scores targets [samples × targets] → one value per target (higher is better).</param>
    /// <param name="y">Real targets.</param>
    /// <param name="permutations">Number of shifted copies (e.g. 1000).</param>
    /// <param name="seed">Seed for the offsets.</param>
    /// <param name="samples">Run and volume per sample, or null for one run in sample order.</param>
    public static PermutationResult Run(Func<RowMajorMatrix, double[]> score, RowMajorMatrix y, int permutations, int seed, IReadOnlyList<SampleWindow>? samples = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permutations, 1);
        var observed = score(y);
        // Segments: index lists per run, in volume order.
        var segments = samples is null
            ? [Enumerable.Range(0, y.Rows).ToArray()]
            : samples.Select((s, i) => (s, i)).GroupBy(p => p.s.Run).Select(g => g.OrderBy(p => p.s.LastVolume).Select(p => p.i).ToArray()).ToList();
        var rng = new Random(seed);
        var nulls = new double[permutations][];
        var exceed = new int[y.Cols];
        for (int k = 0; k < permutations; k++)
        {
            var shifted = new RowMajorMatrix(y.Rows, y.Cols);
            foreach (var seg in segments)
            {
                int len = seg.Length;
                int off = len > 1 ? rng.Next(1, len) : 0;
                for (int a = 0; a < len; a++)
                {
                    y.Row(seg[a]).CopyTo(shifted.Row(seg[(a + off) % len]));
                }
            }

            nulls[k] = score(shifted);
            for (int t = 0; t < y.Cols; t++)
            {
                if (nulls[k][t] >= observed[t])
                {
                    exceed[t]++;
                }
            }
        }

        var p = exceed.Select(e => (1.0 + e) / (1.0 + permutations)).ToArray();
        return new PermutationResult(observed, p, nulls);
    }
}
