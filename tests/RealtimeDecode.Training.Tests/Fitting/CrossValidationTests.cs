using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Training.Fitting;

namespace RealtimeDecode.Training.Tests.Fitting;

public sealed class CrossValidationTests
{
    private static (RowMajorMatrix X, RowMajorMatrix Y, List<SampleWindow> S) Data(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new RowMajorMatrix(n, 6);
        var y = new RowMajorMatrix(n, 2);
        double a = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 6; j++)
            {
                x[i, j] = rng.NextDouble() - 0.5;
            }

            a = (0.9 * a) + (rng.NextDouble() - 0.5); // autocorrelated noise target
            y[i, 0] = (2 * x[i, 0]) - x[i, 3] + (0.05 * (rng.NextDouble() - 0.5));
            y[i, 1] = a;
        }

        return (x, y, [.. Enumerable.Range(0, n).Select(i => new SampleWindow(i / 100, i % 100))]);
    }

    [Fact]
    public void Run_RidgeBlocked_PredictableTargetScoresHighNoiseDoesNot()
    {
        var (x, y, s) = Data(200, 1);
        var r = CrossValidation.Run(EstimatorKind.Ridge, new() { Alpha = 0.1 }, x, y, ["signal", "noise"], s, new BlockedKFoldSplitter(5, 1));
        Assert.True(r.Scores[0].R2 > 0.95, $"signal R² {r.Scores[0].R2}");
        Assert.True(r.Scores[1].R2 < 0.2, $"noise R² {r.Scores[1].R2}");
        Assert.True(r.Scores[0].PearsonR > 0.97);
        Assert.DoesNotContain(double.NaN, r.Predictions.Data);
    }

    [Fact]
    public void PermutationTest_CircularShift_SignalSignificantNoiseNot()
    {
        var (x, y, s) = Data(200, 2);
        var splitter = new BlockedKFoldSplitter(4, 1);
        double[] Score(RowMajorMatrix yy) =>
            [.. CrossValidation.Run(EstimatorKind.Ridge, new() { Alpha = 0.1 }, x, yy, ["a", "b"], s, splitter).Scores.Select(k => k.R2)];
        var res = PermutationTest.Run(Score, y, 49, seed: 3, s);
        Assert.Equal(1.0 / 50, res.PValues[0]);
        Assert.True(res.PValues[1] > 0.05, $"noise p {res.PValues[1]}");
        Assert.Equal(49, res.Null.Length);
    }

    [Fact]
    public void PermutationTest_Shift_KeepsEachRunsValuesAndAutocorrelation()
    {
        var y = new RowMajorMatrix([.. Enumerable.Range(0, 20).Select(i => (double)i)], 20, 1);
        var s = Enumerable.Range(0, 20).Select(i => new SampleWindow(i / 10, i % 10)).ToList();
        var seen = new List<double[]>();
        PermutationTest.Run(yy => { seen.Add((double[])yy.Data.Clone()); return [0]; }, y, 5, 7, s);
        foreach (var perm in seen.Skip(1))
        {
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (double)i), perm[..10].Order());
            Assert.Equal(Enumerable.Range(10, 10).Select(i => (double)i), perm[10..].Order());
            Assert.NotEqual(y.Data[..10], perm[..10]);
            // Circular shift: consecutive values differ by 1 except at one wrap point per run.
            Assert.Equal(1, Enumerable.Range(0, 9).Count(i => perm[i + 1] - perm[i] != 1));
        }
    }
}
