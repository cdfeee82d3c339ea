using RealtimeDecode.Training.Reports;
using ScottPlot;
using SkiaSharp;

namespace RealtimeDecode.Training.Tests.Reports;

public sealed class ReportPlotsTests
{
    private static readonly string[] Targets = ["joy", "fear", "anger"];

    /// <summary>Three targets, one fold of 60 volumes: actual a sine per target, predicted the same sine, shifted.</summary>
    private static ModelEvaluation Evaluation()
    {
        int n = 60;
        var actual = new double[n, Targets.Length];
        var predicted = new double[n, Targets.Length];
        for (int i = 0; i < n; i++)
        {
            for (int t = 0; t < Targets.Length; t++)
            {
                actual[i, t] = Math.Sin(i / (4.0 + t));
                predicted[i, t] = Math.Sin((i - 2) / (4.0 + t)) * 0.8;
            }
        }
        return new ModelEvaluation("dfc", Targets, [new FoldPredictions("run-2", [.. Enumerable.Range(12, n)], actual, predicted)]);
    }

    [Fact]
    public void TimeCoursePanels_ThreeTargets_OnePanelPerTargetEachWithItsData()
    {
        var multi = ReportPlots.TimeCoursePanels(Evaluation());
        Assert.Equal(Targets.Length, multi.Count());
        for (int t = 0; t < Targets.Length; t++)
        {
            var plot = multi.GetPlot(t);
            Assert.StartsWith($"{Targets[t]}  (r = ", plot.Axes.Title.Label.Text, StringComparison.Ordinal);
            Assert.Equal(2, plot.GetPlottables().Count()); // actual and predicted of the one fold
        }
    }

    /// <summary>
    /// Rendered: the predicted line of target t is drawn inside band t of the image (rows t·180 … t·180 + 179),
    /// and nowhere else; a panel more than the targets would shift every panel off its band.
    /// </summary>
    [Fact]
    public void TimeCourses_Png_EachTargetsLineInItsOwnBand()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rtd-timecourses-{Guid.NewGuid():N}.png");
        try
        {
            ReportPlots.TimeCourses(path, Evaluation());
            using var bitmap = SKBitmap.Decode(path);
            Assert.Equal(ReportPlots.TimeCoursesWidth, bitmap.Width);
            Assert.Equal(Targets.Length * ReportPlots.PanelHeight, bitmap.Height);
            for (int t = 0; t < Targets.Length; t++)
            {
                var colour = ReportPlots.ColorOf(t);
                var rows = new List<int>();
                for (int y = 0; y < bitmap.Height; y++)
                    for (int x = 0; x < bitmap.Width; x++)
                        if (Near(bitmap.GetPixel(x, y), colour)) rows.Add(y);
                Assert.True(rows.Count > 200, $"{Targets[t]}: {rows.Count} pixels of its colour");
                Assert.InRange(rows.Min(), t * ReportPlots.PanelHeight, (t + 1) * ReportPlots.PanelHeight - 1);
                Assert.InRange(rows.Max(), t * ReportPlots.PanelHeight, (t + 1) * ReportPlots.PanelHeight - 1);
            }
        }
        finally { File.Delete(path); }
    }

    private static bool Near(SKColor pixel, Color colour) =>
        Math.Abs(pixel.Red - colour.R) <= 24 && Math.Abs(pixel.Green - colour.G) <= 24 && Math.Abs(pixel.Blue - colour.B) <= 24;
}
