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
    /// <summary>The names of the files <see cref="Write"/> writes into its folder, <c>*</c> standing for any run of characters.</summary>
    public static readonly IReadOnlyList<string> FileNames =
    [
        "explain.json", "top_edges.tsv", "network_pairs.tsv", "network_summary.tsv", "node_metrics.tsv", "roi_importance.tsv",
        "coefficients.npy", "patterns.npy", "importance_*.png", "network_pairs_*.png", "degree_by_network.png", "jaccard.png", "index.html",
    ];

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
        JsonSerializer.Serialize(stream, ExplanationJson.From(e), ExplanationJsonContext.Default.ExplanationJson);
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
}
