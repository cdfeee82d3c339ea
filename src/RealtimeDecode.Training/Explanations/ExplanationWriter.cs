using System.Globalization;
using System.Text;
using System.Text.Json;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Tables;

namespace RealtimeDecode.Training.Explanations;

/// <summary>
/// Writes a <see cref="ModelExplanation"/> to a folder: <c>explain.json</c>, TSV tables
/// (<c>top_edges.tsv</c>, <c>network_pairs.tsv</c>, <c>node_metrics.tsv</c> or <c>roi_importance.tsv</c>),
/// PNG figures and an <c>index.html</c> that shows them. ROI indices are 0-based; targets are in the
/// package's order. The files replace a previous explanation's all together, once every one was written
/// (<see cref="AtomicFileSet"/>): a full disk leaves the previous explanation as it was.
/// </summary>
public static class ExplanationWriter
{
    /// <summary>Writes every output into <paramref name="outDir"/> (created if needed) and returns the written paths.</summary>
    public static IReadOnlyList<string> Write(ModelExplanation e, string outDir)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var files = new AtomicFileSet("explanation");
        var written = new List<string>();
        string json = Path.Combine(outDir, "explain.json");
        files.WriteStream(json, s => WriteJson(e, s));
        written.Add(json);
        written.AddRange(WriteTables(e, outDir, files));
        written.AddRange(WriteArrays(e, outDir, files));
        var figures = ExplanationPlots.WriteAll(e, outDir, files);
        written.AddRange(figures.Select(f => Path.Combine(outDir, f.File)));
        string html = Path.Combine(outDir, "index.html");
        files.WriteAllText(html, Html(e, figures));
        written.Add(html);
        files.Commit();
        return written;
    }

    /// <summary>Writes explain.json.</summary>
    public static void WriteJson(ModelExplanation e, string path)
    {
        AtomicFile.Write(path, s => WriteJson(e, s));
    }

    private static void WriteJson(ModelExplanation e, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("format", "rtdecode-explain");
        w.WriteNumber("version", 1);
        w.WriteString("feature_kind", e.FeatureKind == FeatureKind.Roi ? "roi" : "dfc");
        w.WriteString("estimator", EstimatorKinds.ToName(e.EstimatorKind));
        w.WriteString("importance_source", SourceName(e.Source));
        w.WriteNumber("roi_count", e.Labels.Count);
        w.WriteNumber("data_rows", e.DataRows);
        if (e.Pairs is not null) w.WriteNumber("pair_edges", e.EdgesPerPair);
        w.WriteStartObject("arrays");
        if (e.Coefficients is not null) w.WriteString("coefficients", "coefficients.npy");
        if (e.Source == ImportanceSource.HaufePatterns) w.WriteString("patterns", "patterns.npy");
        w.WriteEndObject();
        w.WriteStartArray("roi_names");
        foreach (var n in e.Labels.Names) w.WriteStringValue(n);
        w.WriteEndArray();
        if (e.Labels.Networks is { } nets)
        {
            w.WriteStartArray("roi_networks");
            foreach (var n in nets) w.WriteStringValue(n);
            w.WriteEndArray();
        }
        else
        {
            w.WriteNull("roi_networks");
        }

        w.WriteStartArray("notes");
        foreach (var n in e.Notes) w.WriteStringValue(n);
        w.WriteEndArray();
        w.WriteStartArray("targets");
        foreach (var t in e.Targets)
        {
            w.WriteStartObject();
            w.WriteString("name", t.Name);
            if (double.IsFinite(t.BaselineR2)) w.WriteNumber("baseline_r2", t.BaselineR2);
            if (double.IsFinite(t.SplitHalfR) || t.SplitHalfTopPairs is not null)
            {
                w.WriteStartObject("split_half");
                Number(w, "pattern_r", t.SplitHalfR);
                if (double.IsFinite(t.SplitHalfPairR)) w.WriteNumber("pair_score_r", t.SplitHalfPairR);
                if (t.SplitHalfTopPairs is { } hp)
                {
                    w.WriteString("top_pair_first_half", hp.FirstHalf);
                    w.WriteString("top_pair_second_half", hp.SecondHalf);
                }

                w.WriteEndObject();
            }

            if (t.Graph is { } g)
            {
                w.WriteStartArray("mst_edges");
                foreach (var edge in g.MstEdges)
                {
                    w.WriteStartArray();
                    w.WriteNumberValue(edge.I);
                    w.WriteNumberValue(edge.J);
                    Number(w, edge.Weight);
                    w.WriteEndArray();
                }

                w.WriteEndArray();
                Numbers(w, "degree", g.Degree);
                Numbers(w, "betweenness", g.Betweenness);
                Number(w, "modularity", g.Modularity);
                Number(w, "global_efficiency", g.GlobalEfficiency);
                Number(w, "inverse_weight_efficiency", g.InverseWeightEfficiency);
                w.WriteNumber("diameter", g.Diameter);
                w.WriteStartArray("communities");
                foreach (var c in g.Communities)
                {
                    w.WriteStartArray();
                    foreach (int v in c) w.WriteNumberValue(v);
                    w.WriteEndArray();
                }

                w.WriteEndArray();
                w.WriteStartArray("network_means");
                foreach (var n in g.Networks)
                {
                    w.WriteStartObject();
                    w.WriteString("network", n.Network);
                    w.WriteNumber("rois", n.NodeCount);
                    Number(w, "mean_degree", n.MeanDegree);
                    Number(w, "mean_betweenness", n.MeanBetweenness);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (t.TopEdges.Count > 0)
            {
                w.WriteStartArray("top_edges");
                foreach (var te in t.TopEdges)
                {
                    w.WriteStartObject();
                    w.WriteNumber("rank", te.Rank);
                    w.WriteNumber("roi_a", te.RoiA);
                    w.WriteNumber("roi_b", te.RoiB);
                    w.WriteString("name_a", e.Labels.Names[te.RoiA]);
                    w.WriteString("name_b", e.Labels.Names[te.RoiB]);
                    if (e.Labels.Networks is { } ln)
                    {
                        w.WriteString("network_a", ln[te.RoiA]);
                        w.WriteString("network_b", ln[te.RoiB]);
                    }

                    Number(w, "importance", te.Importance);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (t.NetworkPairs.Count > 0)
            {
                w.WriteStartArray("network_pairs");
                foreach (var np in t.NetworkPairs)
                {
                    w.WriteStartObject();
                    w.WriteNumber("rank", np.Rank);
                    w.WriteString("network_a", np.NetworkA);
                    w.WriteString("network_b", np.NetworkB);
                    w.WriteNumber("edges", np.Edges);
                    Number(w, "score", np.Score);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (t.NetworkMeans.Count > 0)
            {
                w.WriteStartObject(e.Source == ImportanceSource.PermutationR2Drop ? "network_r2_drop" : "network_mean_abs_importance");
                foreach (var (k, v) in t.NetworkMeans) Number(w, k, v);
                w.WriteEndObject();
            }

            if (e.FeatureKind == FeatureKind.Roi && t.Importance is { } roiImp) Numbers(w, "roi_importance", roiImp);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (e.Jaccard is { } jac)
        {
            w.WriteStartArray("jaccard");
            for (int a = 0; a < jac.GetLength(0); a++)
            {
                w.WriteStartArray();
                for (int b = 0; b < jac.GetLength(1); b++) Number(w, jac[a, b]);
                w.WriteEndArray();
            }

            w.WriteEndArray();
        }
        else
        {
            w.WriteNull("jaccard");
        }

        w.WriteEndObject();
    }

    /// <summary>The importance source's name in explain.json.</summary>
    public static string SourceName(ImportanceSource s) => s switch
    {
        ImportanceSource.Coefficients => "coefficients",
        ImportanceSource.HaufePatterns => "haufe_patterns",
        _ => "permutation_r2_drop",
    };

    private static List<string> WriteTables(ModelExplanation e, string dir, AtomicFileSet files)
    {
        var written = new List<string>();
        var names = e.Labels.Names;
        var nets = e.Labels.Networks;
        string Net(int i) => nets?[i] ?? "n/a";
        if (e.Targets.Any(t => t.TopEdges.Count > 0))
        {
            var sb = new StringBuilder("target\trank\troi_a\troi_b\tname_a\tname_b\tnetwork_a\tnetwork_b\timportance\n");
            foreach (var t in e.Targets)
                foreach (var te in t.TopEdges)
                    sb.Append(Inv($"{t.Name}\t{te.Rank}\t{te.RoiA}\t{te.RoiB}\t{names[te.RoiA]}\t{names[te.RoiB]}\t{Net(te.RoiA)}\t{Net(te.RoiB)}\t{F(te.Importance)}\n"));
            written.Add(Save(files, dir, "top_edges.tsv", sb));
        }

        if (e.Targets.Any(t => t.NetworkPairs.Count > 0))
        {
            string column = e.Source == ImportanceSource.PermutationR2Drop ? "r2_drop" : Inv($"mean_abs_importance_top{e.EdgesPerPair}");
            var sb = new StringBuilder($"target\trank\tnetwork_a\tnetwork_b\tedges\t{column}\n");
            foreach (var t in e.Targets)
                foreach (var np in t.NetworkPairs)
                    sb.Append(Inv($"{t.Name}\t{np.Rank}\t{np.NetworkA}\t{np.NetworkB}\t{np.Edges}\t{F(np.Score)}\n"));
            written.Add(Save(files, dir, "network_pairs.tsv", sb));
        }

        if (e.Targets.Any(t => t.NetworkMeans.Count > 0))
        {
            var sb = new StringBuilder($"target\tnetwork\t{ScoreColumn(e)}\n");
            foreach (var t in e.Targets)
                foreach (var (k, v) in t.NetworkMeans)
                    sb.Append(Inv($"{t.Name}\t{k}\t{F(v)}\n"));
            written.Add(Save(files, dir, "network_summary.tsv", sb));
        }

        if (e.Targets.Any(t => t.Graph is not null))
        {
            var sb = new StringBuilder("target\troi\tname\tnetwork\tdegree\tbetweenness\tcommunity\n");
            foreach (var t in e.Targets)
            {
                if (t.Graph is not { } g) continue;
                for (int i = 0; i < g.NodeCount; i++)
                    sb.Append(Inv($"{t.Name}\t{i}\t{names[i]}\t{Net(i)}\t{F(g.Degree[i])}\t{F(g.Betweenness[i])}\t{g.CommunityOfNode[i]}\n"));
            }

            written.Add(Save(files, dir, "node_metrics.tsv", sb));
        }

        if (e.FeatureKind == FeatureKind.Roi && e.Targets.Any(t => t.Importance is not null))
        {
            var sb = new StringBuilder("target\troi\tname\tnetwork\timportance\n");
            foreach (var t in e.Targets)
            {
                if (t.Importance is not { } imp) continue;
                for (int i = 0; i < imp.Length; i++) sb.Append(Inv($"{t.Name}\t{i}\t{names[i]}\t{Net(i)}\t{F(imp[i])}\n"));
            }

            written.Add(Save(files, dir, "roi_importance.tsv", sb));
        }

        return written;
    }

    /// <summary>
    /// The per-feature arrays as .npy [targets × features], float64: coefficients.npy (a linear model's
    /// coefficients in raw feature units) and patterns.npy (Haufe patterns, when they are the importance).
    /// </summary>
    private static List<string> WriteArrays(ModelExplanation e, string dir, AtomicFileSet files)
    {
        int t = e.Targets.Count;
        var written = new List<string>();
        if (e.Coefficients is { } c)
        {
            string path = Path.Combine(dir, "coefficients.npy");
            files.WriteStream(path, NpyArray.FromFloat64(c, t, c.Length / t).Write);
            written.Add(path);
        }

        if (e.Source == ImportanceSource.HaufePatterns)
        {
            var a = e.Targets.SelectMany(x => x.Importance!).ToArray();
            string path = Path.Combine(dir, "patterns.npy");
            files.WriteStream(path, NpyArray.FromFloat64(a, t, a.Length / t).Write);
            written.Add(path);
        }

        return written;
    }

    private static string ScoreColumn(ModelExplanation e) =>
        e.Source == ImportanceSource.PermutationR2Drop ? "r2_drop" : "mean_abs_importance";

    private static string Html(ModelExplanation e, IReadOnlyList<(string File, string Caption)> figures)
    {
        static string H(string s) => System.Net.WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Model explanation</title>\n");
        sb.Append("<style>body{font-family:sans-serif;margin:2em;max-width:1300px}img{max-width:100%;border:1px solid #ddd}table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:left}</style></head><body>\n");
        sb.Append(Inv($"<h1>Model explanation</h1>\n<p>{H(EstimatorKinds.ToName(e.EstimatorKind))} model on {(e.FeatureKind == FeatureKind.Roi ? "ROI" : "connectivity")} features of {e.Labels.Count} ROIs; importance: <b>{H(SourceName(e.Source))}</b>.</p>\n<ul>"));
        foreach (var n in e.Notes) sb.Append("<li>").Append(H(n)).Append("</li>\n");
        sb.Append("</ul>\n");
        if (e.Targets.Any(t => t.NetworkPairs.Count > 0))
        {
            bool stability = e.Targets.Any(t => double.IsFinite(t.SplitHalfR));
            sb.Append("<h2>Top network pairs</h2>\n<table><tr><th>target</th><th>1st</th><th>2nd</th><th>3rd</th>")
                .Append(stability ? "<th>split-half r</th>" : "").Append("</tr>\n");
            foreach (var t in e.Targets)
            {
                sb.Append("<tr><td>").Append(H(t.Name)).Append("</td>");
                foreach (var np in t.NetworkPairs.Take(3)) sb.Append(Inv($"<td>{H(np.NetworkA)}–{H(np.NetworkB)} ({np.Score:G3})</td>"));
                if (stability)
                {
                    string pairR = double.IsFinite(t.SplitHalfPairR) ? Inv($"; pair scores {t.SplitHalfPairR:0.00}") : "";
                    string halves = t.SplitHalfTopPairs is { } hp ? $"; first pair by half: {H(hp.FirstHalf)}, {H(hp.SecondHalf)}" : "";
                    sb.Append(Inv($"<td>edges {t.SplitHalfR:0.00}{pairR}{halves}</td>"));
                }

                sb.Append("</tr>\n");
            }

            sb.Append("</table>\n");
        }

        foreach (var (file, caption) in figures)
            sb.Append(Inv($"<figure><img src=\"{H(file)}\" alt=\"{H(caption)}\"><figcaption>{H(caption)}</figcaption></figure>\n"));
        sb.Append("<p>Tables: top_edges.tsv, network_pairs.tsv, node_metrics.tsv (as present); per-feature arrays: coefficients.npy, patterns.npy (as present); all values in explain.json.</p>\n</body></html>\n");
        return sb.ToString();
    }

    private static string Save(AtomicFileSet files, string dir, string name, StringBuilder sb)
    {
        string path = Path.Combine(dir, name);
        files.WriteAllText(path, sb.ToString());
        return path;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("R", CultureInfo.InvariantCulture);

    private static void Number(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }

    private static void Number(Utf8JsonWriter w, double v)
    {
        if (double.IsFinite(v)) w.WriteNumberValue(v);
        else w.WriteNullValue();
    }

    private static void Numbers(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) Number(w, v);
        w.WriteEndArray();
    }
}
