using System.Text.Json.Nodes;
using RealtimeDecode.Training.Reports;

namespace RealtimeDecode.Training.Tests.Reports;

public class EvaluationReportTests
{
    [Fact]
    public void Compute_KnownPairs_MatchesClosedForm()
    {
        double[] a = [1, 2, 3, 4];
        double[] p = [2, 4, 6, 8]; // r = 1; SS_res = 1+4+9+16 = 30; SS_tot = 5
        var m = RegressionMetrics.Compute(a, p);
        Assert.Equal(1, m.PearsonR, 12);
        Assert.Equal(1 - 30.0 / 5, m.R2, 12);
        Assert.Equal(30.0 / 4, m.Mse, 12);
        var anti = RegressionMetrics.Compute(a, [4, 3, 2, 1]);
        Assert.Equal(-1, anti.PearsonR, 12);
    }

    [Fact]
    public void Compute_NaNPairs_AreLeftOut()
    {
        var m = RegressionMetrics.Compute([1, double.NaN, 2, 3], [1, 5, 2, double.NaN]);
        Assert.Equal(2, m.Count);
        Assert.Equal(1, m.PearsonR, 12);
    }

    /// <summary>
    /// Two folds each predicting perfectly up to an offset of 10 in the second: each fold's r is 1, but pooled the
    /// offset dominates: r = 4 / √(4 · 154) = 2/√154 (deviations −1 0 1 −1 0 1 against −6 −5 −4 4 5 6), R² = 1 − 300/4.
    /// </summary>
    private static ModelEvaluation TwoFolds(Headline headline)
    {
        double[,] actual = { { 1 }, { 2 }, { 3 } };
        return new ModelEvaluation("m", ["joy"],
        [
            new FoldPredictions("fold 1", [10, 11, 12], actual, new double[,] { { 1 }, { 2 }, { 3 } }),
            new FoldPredictions("fold 2", [20, 21, 22], actual, new double[,] { { 11 }, { 12 }, { 13 } }),
        ]) { Headline = headline };
    }

    [Fact]
    public void PerTarget_TwoFolds_PooledOrMeanOverFoldsAsTheHeadlineSays()
    {
        double pooledR = 2 / Math.Sqrt(154);

        var pooled = TwoFolds(Headline.Pooled);
        var mean = TwoFolds(Headline.MeanOverFolds);

        Assert.Equal(pooledR, pooled.PerTargetPooled()[0].PearsonR, 12);
        Assert.Equal(1 - 300.0 / 4, pooled.PerTargetPooled()[0].R2, 12);
        Assert.Equal(1, pooled.PerTargetMeanOverFolds()[0].PearsonR, 12);
        Assert.Equal(pooledR, pooled.Mean().PearsonR, 12);
        Assert.Equal(1, mean.Mean().PearsonR, 12);
    }

    [Theory]
    [InlineData(Headline.Pooled, "pooled", "r of pooled predictions", "mean of per-fold r")]
    [InlineData(Headline.MeanOverFolds, "mean", "mean of per-fold r", "r of pooled predictions")]
    public void Write_TwoFolds_BothDefinitionsNamedTheHeadlineFirst(Headline headline, string key, string first, string second)
    {
        var dir = Path.Combine(Path.GetTempPath(), "rtd-report-" + Guid.NewGuid().ToString("N"));
        try
        {
            EvaluationReport.Write(dir, [TwoFolds(headline)]);

            var model = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json")))!["models"]![0]!;
            Assert.Equal(key, (string)model["headline"]!);
            Assert.Equal(2 / Math.Sqrt(154), (double)model["pooled"]!["mean"]!["pearson_r"]!, 12);
            Assert.Equal(2 / Math.Sqrt(154), (double)model["pooled"]!["per_target"]!["joy"]!["pearson_r"]!, 12);
            Assert.Equal(1, (double)model["mean"]!["pearson_r"]!, 12);
            Assert.Contains(File.ReadAllLines(Path.Combine(dir, "metrics.tsv")), l => l.StartsWith("m\tpooled\tmean\t", StringComparison.Ordinal));
            var html = File.ReadAllText(Path.Combine(dir, "index.html"));
            Assert.Contains($"<th>{first}</th><th>{second}</th>", html, StringComparison.Ordinal);
            string headlineR = headline == Headline.Pooled ? "0.161" : "1.000", otherR = headline == Headline.Pooled ? "1.000" : "0.161";
            Assert.Contains($"<tr><th>mean</th><th>{headlineR}</th><th>{otherR}</th>", html, StringComparison.Ordinal);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void Write_TwoModels_WritesMetricsPlotsAndIndex()
    {
        var dir = Path.Combine(Path.GetTempPath(), "rtd-report-" + Guid.NewGuid().ToString("N"));
        try
        {
            int n = 50;
            var actual = new double[n, 2];
            var good = new double[n, 2];
            var bad = new double[n, 2];
            for (int i = 0; i < n; i++)
            {
                actual[i, 0] = Math.Sin(i / 5.0); actual[i, 1] = Math.Cos(i / 7.0);
                good[i, 0] = actual[i, 0] + 0.1 * Math.Sin(i * 13.0); good[i, 1] = actual[i, 1];
                bad[i, 0] = Math.Sin(i * 1.7); bad[i, 1] = 0.5;
            }
            var vols = Enumerable.Range(12, n).ToArray();
            string[] targets = ["joy", "fear"];
            EvaluationReport.Write(dir,
            [
                new ModelEvaluation("dfc", targets, [new FoldPredictions("run-2", vols, actual, good)]),
                new ModelEvaluation("roi", targets, [new FoldPredictions("run-2", vols, actual, bad)]),
            ]);
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json")))!;
            double rFear = json["models"]![0]!["per_target"]!["fear"]!["pearson_r"]!.GetValue<double>();
            Assert.Equal(1, rFear, 9);
            Assert.Null(json["models"]![1]!["per_target"]!["fear"]!["pearson_r"]); // constant prediction: r undefined
            var tsv = File.ReadAllLines(Path.Combine(dir, "metrics.tsv"));
            Assert.Equal("model\tfold\ttarget\tpearson_r\tr2\tmse\tn", tsv[0]);
            Assert.Contains(tsv, l => l.StartsWith("dfc\trun-2\tjoy\t"));
            foreach (var png in new[] { "timecourses_dfc.png", "timecourses_roi.png", "comparison.png" })
            {
                var bytes = File.ReadAllBytes(Path.Combine(dir, png));
                Assert.True(bytes.Length > 1000);
                Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
            }
            var html = File.ReadAllText(Path.Combine(dir, "index.html"));
            Assert.Contains("comparison.png", html);
            Assert.Contains("<td>joy</td>", html);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }
}
