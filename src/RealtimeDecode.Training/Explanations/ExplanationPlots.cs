using RealtimeDecode.Engine.Connectivity;
using ScottPlot;
using RealtimeDecode.Engine.Networks;

namespace RealtimeDecode.Training.Explanations;

/// <summary>PNG figures of a <see cref="ModelExplanation"/> (ScottPlot; no display needed).</summary>
internal static class ExplanationPlots
{
    /// <summary>Writes every applicable figure into <paramref name="dir"/> through <paramref name="files"/>; returns (file name, caption) pairs.</summary>
    public static IReadOnlyList<(string File, string Caption)> WriteAll(ModelExplanation e, string dir, Engine.Tables.AtomicFileSet files)
    {
        var figures = new List<(string, string)>();
        string source = e.Source switch
        {
            ImportanceSource.HaufePatterns => "Haufe pattern",
            ImportanceSource.Coefficients => "coefficient",
            _ => ExplanationWriter.SourceName(e.Source),
        };
        for (int t = 0; t < e.Targets.Count; t++)
        {
            var target = e.Targets[t];
            string stem = Safe(target.Name);
            if (target.Importance is { } imp && e.FeatureKind == Engine.Decoding.FeatureKind.Dfc)
            {
                string f = $"importance_{stem}.png";
                files.WriteVia(Path.Combine(dir, f), tmp => ImportanceMatrix(tmp, imp, e.Labels, $"{target.Name}: |{source}|, ROIs ordered by network"));
                figures.Add((f, $"{target.Name}: |importance| per edge, ROIs ordered by network (lines: network boundaries)."));
            }

            if (e.Pairs is { } pairs && target.NetworkPairs.Count > 0)
            {
                string f = $"network_pairs_{stem}.png";
                files.WriteVia(Path.Combine(dir, f), tmp => NetworkMatrix(tmp, pairs, target.NetworkPairs, $"{target.Name}: network × network {(e.Source == ImportanceSource.PermutationR2Drop ? "R² drop" : $"mean |importance| of the {e.EdgesPerPair} strongest edges")}"));
                figures.Add((f, $"{target.Name}: network-pair summary."));
            }
        }

        if (e.Targets.All(x => x.Graph is { Networks.Count: > 0 }))
        {
            const string f = "degree_by_network.png";
            files.WriteVia(Path.Combine(dir, f), tmp => DegreeBars(tmp, e));
            figures.Add((f, "Mean weighted degree on each target's maximum spanning tree, per network."));
        }

        if (e.Jaccard is { } jac)
        {
            const string f = "jaccard.png";
            files.WriteVia(Path.Combine(dir, f), tmp => Jaccard(tmp, jac, e.Targets.Select(x => x.Name).ToArray()));
            figures.Add((f, "Weighted Jaccard distance between the targets' maximum spanning trees."));
        }

        return figures;
    }

    private static void ImportanceMatrix(string path, double[] edges, RoiLabels labels, string title)
    {
        int n = labels.Count;
        int[] order = labels.Networks is { } nets
            ? Enumerable.Range(0, n).OrderBy(i => FirstIndex(nets, nets[i])).ThenBy(i => i).ToArray()
            : Enumerable.Range(0, n).ToArray();
        var full = EdgeLayout.ToSymmetricMatrix(edges, n);
        var m = new double[n, n];
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
                m[a, b] = Math.Abs(full[order[a] * n + order[b]]);
        var plot = new Plot();
        var hm = plot.Add.Heatmap(m);
        hm.Extent = new CoordinateRect(0, n, 0, n);
        plot.Add.ColorBar(hm);
        var ticks = new List<Tick>();
        if (labels.Networks is { } ln)
        {
            int start = 0;
            for (int a = 1; a <= n; a++)
            {
                if (a == n || ln[order[a]] != ln[order[a - 1]])
                {
                    ticks.Add(new Tick((start + a) / 2.0, ln[order[start]]));
                    if (a < n)
                    {
                        Line(plot.Add.VerticalLine(a));
                        Line(plot.Add.HorizontalLine(n - a));
                    }

                    start = a;
                }
            }

            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.Select(k => new Tick(n - k.Position, k.Label)).ToArray());
        }

        plot.Title(title, size: 13);
        plot.Axes.SetLimits(0, n, 0, n);
        plot.SavePng(path, 760, 680);
    }

    private static void NetworkMatrix(string path, NetworkPairs pairs, IReadOnlyList<RankedNetworkPair> ranked, string title)
    {
        int k = pairs.Networks.Count;
        var m = new double[k, k];
        foreach (var r in ranked)
        {
            var (a, b) = pairs.Pairs[r.Pair];
            m[a, b] = m[b, a] = double.IsFinite(r.Score) ? r.Score : 0;
        }

        var plot = new Plot();
        var hm = plot.Add.Heatmap(m);
        hm.Extent = new CoordinateRect(0, k, 0, k);
        plot.Add.ColorBar(hm);
        var ticks = Enumerable.Range(0, k).Select(i => new Tick(i + 0.5, pairs.Networks[i])).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.Select(t => new Tick(k - t.Position, t.Label)).ToArray());
        plot.Title(title, size: 13);
        plot.Axes.SetLimits(0, k, 0, k);
        plot.SavePng(path, 700, 600);
    }

    private static void DegreeBars(string path, ModelExplanation e)
    {
        var plot = new Plot();
        var networks = e.Targets[0].Graph!.Networks.Select(n => n.Network).ToArray();
        int tc = e.Targets.Count;
        for (int t = 0; t < tc; t++)
        {
            var g = e.Targets[t].Graph!;
            var bars = g.Networks.Select((n, i) => new Bar
            {
                Position = i * (tc + 1) + t,
                Value = n.MeanDegree,
                FillColor = Reports.ReportPlots.ColorOf(t),
            }).ToList();
            var b = plot.Add.Bars(bars);
            b.LegendText = e.Targets[t].Name;
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            networks.Select((n, i) => new Tick(i * (tc + 1) + (tc - 1) / 2.0, n)).ToArray());
        plot.YLabel("mean weighted degree (MST)");
        plot.ShowLegend(Edge.Right);
        plot.Axes.Margins(bottom: 0);
        plot.SavePng(path, 1100, 450);
    }

    private static void Jaccard(string path, double[,] jac, string[] names)
    {
        int t = names.Length;
        var plot = new Plot();
        var hm = plot.Add.Heatmap(jac);
        hm.Extent = new CoordinateRect(0, t, 0, t);
        plot.Add.ColorBar(hm);
        var ticks = names.Select((n, i) => new Tick(i + 0.5, n)).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.Select(k => new Tick(t - k.Position, k.Label)).ToArray());
        plot.Title("Weighted Jaccard distance between spanning trees", size: 13);
        plot.Axes.SetLimits(0, t, 0, t);
        plot.SavePng(path, 640, 560);
    }

    private static void Line(ScottPlot.Plottables.AxisLine line)
    {
        line.Color = Colors.White;
        line.LineWidth = 1;
    }

    private static int FirstIndex(IReadOnlyList<string> list, string value)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] == value) return i;
        }

        return -1;
    }

    private static string Safe(string name) =>
        new(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
}
