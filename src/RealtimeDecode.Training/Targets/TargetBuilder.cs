using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Annotation;

namespace RealtimeDecode.Training.Targets;

/// <summary>Targets and what the builder noticed on the way (story longer than the run, …).</summary>
public sealed record TargetResult(NumericTable Table, IReadOnlyList<string> Warnings, double[] Kernel);

/// <summary>
/// Turns segment ratings into per-volume regression targets, in this order:
/// <list type="number">
/// <item><b>Grid.</b> Volume v is acquired at t_v = v·TR (or (v + ½)·TR, see <see cref="AcquisitionTime"/>).
/// Its stepwise score is that of the segment covering t_v − lag, a segment covering [onset, offset).
/// Times no segment covers take the <see cref="FillPolicy"/> value. The lag is applied in seconds on
/// the segments' own time line (not rounded to whole volumes).</item>
/// <item><b>HRF</b> (instead of a lag). The stepwise scores, sampled at the TR on the same rule for
/// the K − 1 volume times before the run too, are convolved causally with <see cref="CanonicalHrf"/>:
/// y[v] = Σ_k h[k]·x[v − k], k = 0 … K − 1, with h summing to 1.</item>
/// <item><b>Rolling mean</b> over K volumes (<see cref="SmoothWindow"/>); near the run's edges the
/// window keeps only the volumes that exist and averages those.</item>
/// <item><b>Z-score</b> per column: (y − mean) / SD, SD with the N normaliser, NaN ignored; a
/// constant column (SD ≤ 1e-12 × its largest magnitude) becomes 0.</item>
/// </list>
/// NaN (a missing rating or the <see cref="FillPolicy.Missing"/> fill) propagates through every step.
/// Output rows are volumes 0 … N − 1, one column per emotion, in the annotations' order.
/// </summary>
public static class TargetBuilder
{
    /// <summary>Builds the targets; <paramref name="name"/> (the annotations file) is used in messages.</summary>
    public static TargetResult Build(AnnotationTable annotations, TargetOptions options, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        double tr = options.Tr;
        int n = options.Volumes, e = annotations.Emotions.Count;
        var segs = annotations.Segments;
        var warnings = new List<string>();
        double runEnd = n * tr;
        if (segs[0].Onset >= runEnd)
            throw new InputDataException(name, $"the first segment starts at {F(segs[0].Onset)} s, after the run's {n} volumes × {F(tr)} s = {F(runEnd)} s: wrong --tr or --volumes?");
        if (segs[^1].Offset > runEnd + 1e-9)
            warnings.Add($"the story runs to {F(segs[^1].Offset)} s but {n} volumes × {F(tr)} s cover {F(runEnd)} s: later segments are not in the targets");

        double acq = options.Acquisition == AcquisitionTime.Middle ? 0.5 * tr : 0.0;
        double lag = options.Hrf == HrfModel.None ? options.LagSeconds : 0.0;
        double[] kernel = options.Hrf == HrfModel.Spm ? CanonicalHrf.Kernel(tr) : [1.0];
        int k = kernel.Length;

        // Stepwise scores on the extended grid j = -(K-1) … N-1 (row j + K - 1).
        var x = new double[(n + k - 1) * e];
        for (int j = -(k - 1); j < n; j++)
            Sample(annotations, j * tr + acq - lag, options.Fill, x.AsSpan((j + k - 1) * e, e));

        var y = new double[n * e];
        for (int v = 0; v < n; v++)
            for (int c = 0; c < e; c++)
            {
                double s = 0;
                for (int q = 0; q < k; q++) s += kernel[q] * x[(v - q + k - 1) * e + c];
                y[v * e + c] = s;
            }

        if (options.Smooth > 1) y = RollingMean(y, n, e, options.Smooth, options.SmoothWindow);
        if (options.ZScore) ZScore(y, n, e);

        var volumes = Enumerable.Range(0, n).ToArray();
        return new TargetResult(new NumericTable(annotations.Emotions.ToArray(), volumes, y), warnings, kernel);
    }

    /// <summary>Writes the scores at time <paramref name="t"/> (seconds) into <paramref name="dest"/>.</summary>
    internal static void Sample(AnnotationTable a, double t, FillPolicy fill, Span<double> dest)
    {
        var segs = a.Segments;
        // Last segment with onset ≤ t.
        int lo = 0, hi = segs.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (segs[mid].Onset <= t) { found = mid; lo = mid + 1; } else hi = mid - 1;
        }
        int e = dest.Length;
        if (found >= 0 && t < segs[found].Offset)
        {
            a.Values.AsSpan(found * e, e).CopyTo(dest);
            return;
        }
        bool outside = found < 0 || t >= segs[^1].Offset;
        if (fill == FillPolicy.Missing) dest.Fill(double.NaN);
        else if (fill == FillPolicy.Hold && !outside) a.Values.AsSpan(found * e, e).CopyTo(dest);
        else dest.Clear();
    }

    private static double[] RollingMean(double[] y, int n, int e, int width, SmoothWindow mode)
    {
        int before = mode == SmoothWindow.Centered ? width / 2 : width - 1;
        int after = width - 1 - before;
        var r = new double[y.Length];
        for (int v = 0; v < n; v++)
        {
            int a = Math.Max(0, v - before), b = Math.Min(n - 1, v + after);
            for (int c = 0; c < e; c++)
            {
                double s = 0;
                for (int q = a; q <= b; q++) s += y[q * e + c];
                r[v * e + c] = s / (b - a + 1);
            }
        }
        return r;
    }

    private static void ZScore(double[] y, int n, int e)
    {
        for (int c = 0; c < e; c++)
        {
            double sum = 0; int m = 0;
            for (int v = 0; v < n; v++) { double d = y[v * e + c]; if (!double.IsNaN(d)) { sum += d; m++; } }
            if (m == 0) continue;
            double mean = sum / m, ss = 0, max = 0;
            for (int v = 0; v < n; v++) { double d = y[v * e + c]; if (!double.IsNaN(d)) { ss += (d - mean) * (d - mean); max = Math.Max(max, Math.Abs(d)); } }
            double sd = Math.Sqrt(ss / m);
            // Rounding leaves a constant column with an SD of ~1e-17, not 0: treat it as constant.
            if (sd <= 1e-12 * max) sd = 0;
            for (int v = 0; v < n; v++)
            {
                ref double d = ref y[v * e + c];
                if (double.IsNaN(d)) continue;
                d = sd > 0 ? (d - mean) / sd : 0.0;
            }
        }
    }

    /// <summary>The provenance sidecar of a targets table (written beside it as <c>.json</c>).</summary>
    public static JsonObject Provenance(TargetOptions o, TargetResult result, string annotationsPath)
    {
        return new JsonObject
        {
            ["format"] = "realtime-decode.targets",
            ["format_version"] = 1,
            ["annotations"] = Path.GetFileName(annotationsPath),
            ["annotations_sha256"] = File.Exists(annotationsPath) ? AnnotationProvenance.FileSha256(annotationsPath) : null,
            ["tr_s"] = o.Tr,
            ["volumes"] = o.Volumes,
            ["acquisition_time"] = o.Acquisition == AcquisitionTime.Middle ? "middle of TR: (v + 0.5) * TR" : "start of TR: v * TR",
            ["lag_s"] = o.Hrf == HrfModel.None ? o.LagSeconds : null,
            ["hrf"] = o.Hrf == HrfModel.Spm ? "spm canonical double gamma (6, 16, 1, 1, 6, 0, 32), sampled at TR, sum 1, causal" : null,
            ["hrf_kernel"] = o.Hrf == HrfModel.Spm ? new JsonArray(result.Kernel.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()) : null,
            ["fill"] = o.Fill.ToString().ToLowerInvariant(),
            ["smooth_volumes"] = o.Smooth,
            ["smooth_window"] = o.Smooth > 1 ? o.SmoothWindow.ToString().ToLowerInvariant() : null,
            ["zscore"] = o.ZScore,
            ["columns"] = new JsonArray(result.Table.Columns.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray()),
            ["warnings"] = new JsonArray(result.Warnings.Select(w => (JsonNode)JsonValue.Create(w)!).ToArray()),
        };
    }

    /// <summary>Writes the table and its sidecar (<c>.json</c> beside it).</summary>
    public static void Write(string path, TargetOptions o, TargetResult result, string annotationsPath)
    {
        result.Table.Write(path);
        RealtimeDecode.Engine.Tables.AtomicFile.WriteAllText(Path.ChangeExtension(path, ".json"),
            Provenance(o, result, annotationsPath).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static string F(double s) => s.ToString("0.###", CultureInfo.InvariantCulture);
}
