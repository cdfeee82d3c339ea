using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Tables;

namespace RealtimeDecode.Training.Reports;

/// <summary>Held-out predictions of one fold (or one evaluation run): rows = windows, columns = targets.</summary>
public sealed record FoldPredictions(string Name, int[] Volumes, double[,] Actual, double[,] Predicted);

/// <summary>Which metrics headline an evaluation: those of its folds' predictions pooled, or the means over its folds.</summary>
public enum Headline
{
    /// <summary>Means over folds of each fold's metrics (each held-out run scored on its own): evaluate's.</summary>
    MeanOverFolds,

    /// <summary>The metrics of every fold's predictions pooled: train's cross-validation, as its console and model.json give them.</summary>
    Pooled,
}

/// <summary>
/// Metrics of one model over its folds, as written to metrics.json and metrics.tsv. Two definitions exist once there is
/// more than one fold: the metrics of all folds' predictions pooled (<see cref="PerTargetPooled"/>) and the means over
/// folds of each fold's metrics (<see cref="PerTargetMeanOverFolds"/>); <see cref="Headline"/> says which one
/// <see cref="PerTarget"/>, <see cref="Mean"/>, the report's table and its plots show. With one fold they are equal.
/// </summary>
public sealed record ModelEvaluation(string Model, IReadOnlyList<string> Targets, IReadOnlyList<FoldPredictions> Folds)
{
    /// <summary>The lag at which the estimates best match the targets (<see cref="LagAnalysis"/>), or null when not measured.</summary>
    public LagResult? Lag { get; init; }

    /// <summary>The definition of the headline metrics (default: means over folds).</summary>
    public Headline Headline { get; init; } = Headline.MeanOverFolds;

    /// <summary>Metrics per fold and target.</summary>
    public RegressionMetrics[,] PerFold()
    {
        var m = new RegressionMetrics[Folds.Count, Targets.Count];
        for (int f = 0; f < Folds.Count; f++)
            for (int t = 0; t < Targets.Count; t++)
                m[f, t] = RegressionMetrics.Compute(Column(Folds[f].Actual, t), Column(Folds[f].Predicted, t));
        return m;
    }

    /// <summary>Per target: the mean over folds of each metric (the count is the sum over folds).</summary>
    public RegressionMetrics[] PerTargetMeanOverFolds()
    {
        var pf = PerFold();
        var result = new RegressionMetrics[Targets.Count];
        for (int t = 0; t < Targets.Count; t++)
        {
            double r = 0, r2 = 0, mse = 0; int n = 0;
            for (int f = 0; f < Folds.Count; f++) { r += pf[f, t].PearsonR; r2 += pf[f, t].R2; mse += pf[f, t].Mse; n += pf[f, t].Count; }
            int k = Math.Max(1, Folds.Count);
            result[t] = new RegressionMetrics(r / k, r2 / k, mse / k, n);
        }
        return result;
    }

    /// <summary>Per target: the metrics of the predictions of every fold pooled (pairs with a NaN left out).</summary>
    public RegressionMetrics[] PerTargetPooled()
    {
        var result = new RegressionMetrics[Targets.Count];
        for (int t = 0; t < Targets.Count; t++)
            result[t] = RegressionMetrics.Compute([.. Folds.SelectMany(f => Column(f.Actual, t))], [.. Folds.SelectMany(f => Column(f.Predicted, t))]);
        return result;
    }

    /// <summary>Per target: the headline metrics (<see cref="Headline"/>).</summary>
    public RegressionMetrics[] PerTarget() => Headline == Headline.Pooled ? PerTargetPooled() : PerTargetMeanOverFolds();

    /// <summary>Mean over targets of the headline metrics per target.</summary>
    public RegressionMetrics Mean() => MeanOf(PerTarget());

    /// <summary>Mean over targets of per-target metrics (the count is their sum); NaN for no target.</summary>
    public static RegressionMetrics MeanOf(RegressionMetrics[] perTarget)
    {
        ArgumentNullException.ThrowIfNull(perTarget);
        if (perTarget.Length == 0) return new RegressionMetrics(double.NaN, double.NaN, double.NaN, 0);
        return new RegressionMetrics(perTarget.Average(m => m.PearsonR), perTarget.Average(m => m.R2), perTarget.Average(m => m.Mse), perTarget.Sum(m => m.Count));
    }

    internal static double[] Column(double[,] a, int c)
    {
        var x = new double[a.GetLength(0)];
        for (int i = 0; i < x.Length; i++) x[i] = a[i, c];
        return x;
    }
}

/// <summary>
/// Writes an evaluation report folder: metrics.json and metrics.tsv (Pearson r, R², MSE per target
/// and their mean, per fold, as means over folds and pooled over folds, and which of the two headlines the
/// model: <see cref="ModelEvaluation.Headline"/>), one predicted-vs-actual time-course PNG per model, a comparison PNG when
/// several models are given (for example DFC against ROI-amplitude features), and an index.html that
/// shows them. The first model is the main one; the others are comparisons. The report's files replace
/// a previous report's all together, once every one was written (<see cref="AtomicFileSet"/>): a full
/// disk leaves the previous report as it was.
/// </summary>
public static class EvaluationReport
{
    /// <summary>The names of the files <see cref="Write"/> writes into its folder, <c>*</c> standing for any run of characters.</summary>
    public static readonly IReadOnlyList<string> FileNames = ["metrics.json", "metrics.tsv", "lag.tsv", "timecourses_*.png", "comparison.png", "index.html"];

    public static void Write(string directory, IReadOnlyList<ModelEvaluation> models, JsonObject? provenance = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(models.Count);
        using var files = new AtomicFileSet("report");
        var json = new JsonObject();
        if (provenance is not null) json["provenance"] = provenance.DeepClone();
        var jm = new JsonArray();
        var tsv = new StringBuilder("model\tfold\ttarget\tpearson_r\tr2\tmse\tn\n");
        foreach (var m in models)
        {
            var perFold = m.PerFold();
            var perTarget = m.PerTargetMeanOverFolds();
            var mean = ModelEvaluation.MeanOf(perTarget);
            var pooled = m.PerTargetPooled();
            var pooledMean = ModelEvaluation.MeanOf(pooled);
            var o = new JsonObject
            {
                ["model"] = m.Model,
                ["targets"] = new JsonArray(m.Targets.Select(t => (JsonNode)t).ToArray()),
                ["headline"] = m.Headline == Headline.Pooled ? "pooled" : "mean",
                ["definitions"] = new JsonObject
                {
                    ["mean"] = "per target (per_target) the mean over folds of each fold's metrics, and their mean over targets",
                    ["pooled"] = "per target the metrics of the predictions of every fold pooled, and their mean over targets",
                    ["headline"] = "the one the report's table and plots show: pooled for train's cross-validation (as its console and model.json's cv_metrics), mean for evaluate (each held-out run scored on its own); equal with one fold",
                },
                ["mean"] = ToJson(mean),
                ["per_target"] = new JsonObject(m.Targets.Select((t, i) => KeyValuePair.Create(t, (JsonNode?)ToJson(perTarget[i])))),
                ["pooled"] = new JsonObject
                {
                    ["mean"] = ToJson(pooledMean),
                    ["per_target"] = new JsonObject(m.Targets.Select((t, i) => KeyValuePair.Create(t, (JsonNode?)ToJson(pooled[i])))),
                },
                ["folds"] = new JsonArray(m.Folds.Select((f, fi) => (JsonNode)new JsonObject
                {
                    ["name"] = f.Name,
                    ["count"] = f.Volumes.Length,
                    ["per_target"] = new JsonObject(m.Targets.Select((t, i) => KeyValuePair.Create(t, (JsonNode?)ToJson(perFold[fi, i])))),
                }).ToArray()),
            };
            if (m.Lag is { } lag) o["estimate_lag"] = LagJson(m, lag);
            jm.Add(o);
            for (int f = 0; f < m.Folds.Count; f++)
                for (int t = 0; t < m.Targets.Count; t++)
                    tsv.Append(Row(m.Model, m.Folds[f].Name, m.Targets[t], perFold[f, t]));
            for (int t = 0; t < m.Targets.Count; t++) tsv.Append(Row(m.Model, "mean", m.Targets[t], perTarget[t]));
            tsv.Append(Row(m.Model, "mean", "mean", mean));
            for (int t = 0; t < m.Targets.Count; t++) tsv.Append(Row(m.Model, "pooled", m.Targets[t], pooled[t]));
            tsv.Append(Row(m.Model, "pooled", "mean", pooledMean));
        }
        json["models"] = jm;
        files.WriteAllText(Path.Combine(directory, "metrics.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        files.WriteAllText(Path.Combine(directory, "metrics.tsv"), tsv.ToString());
        if (models[0].Lag is { } mainLag) files.WriteAllText(Path.Combine(directory, "lag.tsv"), LagCurves(models[0], mainLag));

        var images = new List<(string File, string Caption)>();
        foreach (var m in models)
        {
            string file = $"timecourses_{Slug(m.Model)}.png";
            files.WriteVia(Path.Combine(directory, file), tmp => ReportPlots.TimeCourses(tmp, m));
            images.Add((file, $"{m.Model}: predicted (colour) and actual (black) per target, held-out data"));
        }
        if (models.Count > 1)
        {
            files.WriteVia(Path.Combine(directory, "comparison.png"), tmp => ReportPlots.Comparison(tmp, models));
            images.Insert(0, ("comparison.png", "Held-out Pearson r per target, " + string.Join(" vs ", models.Select(m => m.Model))));
        }
        files.WriteAllText(Path.Combine(directory, "index.html"), Index(models, images));
        files.Commit();
    }

    private static JsonObject LagJson(ModelEvaluation m, LagResult lag)
    {
        JsonObject One(int c) => new()
        {
            ["seconds"] = Num(lag.Peak[c]), ["standard_error_s"] = Num(lag.StandardError[c]),
            ["ci95_s"] = new JsonArray(Num(lag.Low95[c]), Num(lag.High95[c])), ["peak_r"] = Num(lag.PeakR[c]), ["at_edge"] = lag.AtEdge[c],
        };
        var o = One(m.Targets.Count);
        o["searched_s"] = new JsonArray(Num(lag.Lags[0]), Num(lag.Lags[^1]));
        o["samples"] = lag.Samples;
        o["bootstrap"] = $"circular moving blocks of {lag.BlockLength} estimates, {LagAnalysis.Replicates} replicates";
        o["per_target"] = new JsonObject(m.Targets.Select((t, i) => KeyValuePair.Create(t, (JsonNode?)One(i))));
        return o;
    }

    private static string LagCurves(ModelEvaluation m, LagResult lag)
    {
        var sb = new StringBuilder("lag_s\t" + string.Join('\t', m.Targets) + "\tmean\n");
        for (int l = 0; l < lag.Lags.Length; l++)
        {
            sb.Append(lag.Lags[l].ToString("0.###", CultureInfo.InvariantCulture));
            foreach (var c in lag.Curves) sb.Append('\t').Append(double.IsFinite(c[l]) ? c[l].ToString("R", CultureInfo.InvariantCulture) : "n/a");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string Row(string model, string fold, string target, RegressionMetrics m) =>
        string.Create(CultureInfo.InvariantCulture, $"{model}\t{fold}\t{target}\t{m.PearsonR:R}\t{m.R2:R}\t{m.Mse:R}\t{m.Count}\n");

    private static JsonObject ToJson(RegressionMetrics m) => new()
    {
        ["pearson_r"] = Num(m.PearsonR), ["r2"] = Num(m.R2), ["mse"] = Num(m.Mse), ["n"] = m.Count,
    };

    private static JsonNode? Num(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    internal static string Slug(string s) => new(s.Select(c => char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_').ToArray());

    private static string Index(IReadOnlyList<ModelEvaluation> models, List<(string File, string Caption)> images)
    {
        var h = new StringBuilder();
        h.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>RealtimeDecode evaluation</title>");
        h.Append("<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}th:first-child,td:first-child{text-align:left}img{max-width:100%;border:1px solid #eee}</style></head><body>");
        h.Append("<h1>Evaluation report</h1>");
        foreach (var m in models)
        {
            var pt = m.PerTarget();
            var mean = m.Mean();
            bool pooledHeadline = m.Headline == Headline.Pooled;
            // With one fold the two definitions agree: one r column. With more, both, each named by its definition.
            bool both = m.Folds.Count > 1;
            var other = pooledHeadline ? m.PerTargetMeanOverFolds() : m.PerTargetPooled();
            var otherMean = ModelEvaluation.MeanOf(other);
            string headlineName = !both ? "Pearson r" : pooledHeadline ? "r of pooled predictions" : "mean of per-fold r";
            string otherName = pooledHeadline ? "mean of per-fold r" : "r of pooled predictions";
            string definition = !both
                ? "1 held-out fold: its metrics."
                : pooledHeadline
                    ? $"{m.Folds.Count} held-out folds. Pearson r, R² and MSE are those of the predictions of all folds pooled (r of pooled predictions), as train's console and model.json's cv_metrics give them; the mean of per-fold r averages each fold's own r."
                    : $"{m.Folds.Count} held-out folds. Pearson r, R² and MSE are means over folds of each fold's own (mean of per-fold r); the r of pooled predictions correlates the predictions of all folds together.";
            h.Append(CultureInfo.InvariantCulture, $"<h2>{WebUtility.HtmlEncode(m.Model)}</h2><p>{WebUtility.HtmlEncode(definition)}</p>");
            var lag = m.Lag;
            string LagCell(int c) => lag is null ? "" : double.IsNaN(lag.Peak[c]) ? "<td>none (no positive r)</td>" : string.Create(CultureInfo.InvariantCulture,
                $"<td>{lag.Peak[c]:0.0} ± {lag.StandardError[c]:0.0}{(lag.AtEdge[c] ? " (edge)" : "")}</td>");
            string OtherCell(double r, string tag) => both ? string.Create(CultureInfo.InvariantCulture, $"<{tag}>{r:0.000}</{tag}>") : "";
            h.Append($"<table><tr><th>target</th><th>{headlineName}</th>{(both ? $"<th>{otherName}</th>" : "")}<th>R²</th><th>MSE</th>" + (lag is null ? "" : "<th>lag (s) ± SE</th>") + "</tr>");
            for (int t = 0; t < m.Targets.Count; t++)
                h.Append(CultureInfo.InvariantCulture, $"<tr><td>{WebUtility.HtmlEncode(m.Targets[t])}</td><td>{pt[t].PearsonR:0.000}</td>{OtherCell(other[t].PearsonR, "td")}<td>{pt[t].R2:0.000}</td><td>{pt[t].Mse:0.0000}</td>{LagCell(t)}</tr>");
            h.Append(CultureInfo.InvariantCulture, $"<tr><th>mean</th><th>{mean.PearsonR:0.000}</th>{OtherCell(otherMean.PearsonR, "th")}<th>{mean.R2:0.000}</th><th>{mean.Mse:0.0000}</th>{LagCell(m.Targets.Count)}</tr></table>");
            if (lag is not null)
                h.Append(CultureInfo.InvariantCulture, $"<p>Lag: the estimate of the window ending at volume v best matches the targets at t_v − lag (peak of the Pearson r over lags {lag.Lags[0]:0.#} to {lag.Lags[^1]:0.#} s; the mean row is the peak of the mean curve; SE from a circular block bootstrap, blocks of {lag.BlockLength} estimates). Curves in <a href=\"lag.tsv\">lag.tsv</a>.</p>");
        }
        foreach (var (file, caption) in images)
            h.Append(CultureInfo.InvariantCulture, $"<figure><img src=\"{file}\" alt=\"{WebUtility.HtmlEncode(caption)}\"><figcaption>{WebUtility.HtmlEncode(caption)}</figcaption></figure>");
        h.Append("<p>Files: <a href=\"metrics.json\">metrics.json</a>, <a href=\"metrics.tsv\">metrics.tsv</a>.</p></body></html>");
        return h.ToString();
    }
}
