using ScottPlot;

namespace RealtimeDecode.Training.Reports;

/// <summary>PNG figures of the evaluation report (ScottPlot; no display needed).</summary>
internal static class ReportPlots
{
    private static readonly Color[] Palette =
    [
        Color.FromHex("#e6194b"), Color.FromHex("#f58231"), Color.FromHex("#3cb44b"), Color.FromHex("#4363d8"),
        Color.FromHex("#911eb4"), Color.FromHex("#42d4f4"), Color.FromHex("#f032e6"), Color.FromHex("#9a6324"),
    ];

    public static Color ColorOf(int i) => Palette[i % Palette.Length];

    /// <summary>Height of one target's panel in <see cref="TimeCourses"/> (px).</summary>
    public const int PanelHeight = 180;

    /// <summary>Width of <see cref="TimeCourses"/> (px).</summary>
    public const int TimeCoursesWidth = 1200;

    /// <summary>One panel per target stacked vertically: actual in black, predicted in the target's colour.</summary>
    public static void TimeCourses(string path, ModelEvaluation m)
    {
        var multi = TimeCoursePanels(m);
        multi.SavePng(path, TimeCoursesWidth, multi.Count() * PanelHeight);
    }

    /// <summary>The panels of <see cref="TimeCourses"/>, exactly one per target, in the targets' order.</summary>
    internal static Multiplot TimeCoursePanels(ModelEvaluation m)
    {
        ArgumentOutOfRangeException.ThrowIfZero(m.Targets.Count, nameof(m));
        var plots = new List<Plot>();
        for (int t = 0; t < m.Targets.Count; t++)
        {
            var p = new Plot();
            foreach (var fold in m.Folds)
            {
                double[] x = fold.Volumes.Select(v => (double)v).ToArray();
                var actual = p.Add.ScatterLine(x, ModelEvaluation.Column(fold.Actual, t));
                actual.Color = Colors.Black;
                actual.LineWidth = 1.5f;
                var pred = p.Add.ScatterLine(x, ModelEvaluation.Column(fold.Predicted, t));
                pred.Color = ColorOf(t);
                pred.LineWidth = 1.5f;
            }
            var r = m.PerTarget()[t].PearsonR;
            p.Title($"{m.Targets[t]}  (r = {r:0.00})", size: 13);
            p.YLabel("value");
            if (t == m.Targets.Count - 1) p.XLabel("volume");
            plots.Add(p);
        }
        // new Multiplot() starts with an empty plot of its own, which rendered as a blank first panel.
        var multi = new Multiplot(plots[0]);
        foreach (var p in plots.Skip(1)) multi.AddPlot(p);
        multi.Layout = new ScottPlot.MultiplotLayouts.Rows();
        return multi;
    }

    /// <summary>Grouped bars of held-out Pearson r per target, one group per target, one bar per model.</summary>
    public static void Comparison(string path, IReadOnlyList<ModelEvaluation> models)
    {
        var plot = new Plot();
        var targets = models[0].Targets;
        int k = models.Count;
        var ticks = new List<Tick>();
        for (int mi = 0; mi < k; mi++)
        {
            var pt = models[mi].PerTarget();
            var bars = new List<Bar>();
            for (int t = 0; t <= targets.Count; t++)
            {
                double value = t < targets.Count ? pt[t].PearsonR : models[mi].Mean().PearsonR;
                bars.Add(new Bar
                {
                    Position = t * (k + 1) + mi,
                    Value = double.IsFinite(value) ? value : 0,
                    FillColor = ColorOf(mi * 3),
                });
            }
            var b = plot.Add.Bars(bars);
            b.LegendText = models[mi].Model;
        }
        for (int t = 0; t <= targets.Count; t++)
            ticks.Add(new Tick(t * (k + 1) + (k - 1) / 2.0, t < targets.Count ? targets[t] : "mean"));
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.YLabel("held-out Pearson r");
        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.Margins(bottom: 0);
        plot.SavePng(path, 1000, 450);
    }
}
