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
/// <item><b>Acquisition time.</b> Volume v is acquired at t_v = v·TR + o, o = 0 (start of the TR,
/// default: nilearn's frame times, SPM's default microtime onset), TR/2 or f·TR for a slice-timing
/// reference f (see <see cref="TargetOptions.AcquisitionOffsetSeconds"/>).</item>
/// <item><b>Ratings in time.</b> The ratings are a step function of time: a segment's scores on
/// [onset, offset); times no segment covers take the <see cref="FillPolicy"/> value (before the story
/// and after it too).</item>
/// <item><b>Lag</b> (no HRF): volume v takes the step function at t_v − lag, the lag in seconds on the
/// segments' own time line (not rounded to whole volumes).</item>
/// <item><b>HRF</b> (instead of a lag): the step function convolved in continuous time with
/// <see cref="CanonicalHrf"/> and sampled at t_v: y(t_v) = ∫₀^32 h(s)·x(t_v − s) ds with ∫h = 1,
/// computed exactly from the kernel's integral H (a piece [a, b) of value x adds x·(H(t_v − a) − H(t_v − b))).
/// This is the limit of SPM's and nilearn's oversampled convolution (16 and 50 bins per TR) as the bin
/// shrinks; segment boundaries off the TR grid and any TR are handled without rounding.</item>
/// <item><b>Rolling mean</b> over K volumes (<see cref="SmoothWindow"/>); near the run's edges the
/// window keeps only the volumes that exist and averages those.</item>
/// <item><b>Z-score</b> per column: (y − mean) / SD, SD with the N normaliser, NaN ignored; a
/// constant column (SD ≤ 1e-12 × its largest magnitude) becomes 0.</item>
/// </list>
/// NaN (a missing rating or the <see cref="FillPolicy.Missing"/> fill) propagates: through the HRF any
/// NaN piece overlapping (t_v − 32 s, t_v) makes y(t_v) NaN, and through the rolling mean.
/// Output rows are volumes 0 … N − 1, one column per emotion, in the annotations' order.
/// A story that starts after the run's last acquisition or runs past the end of the run
/// (offset &gt; N·TR) is an <see cref="InputDataException"/>: wrong --tr or --volumes, or the wrong run.
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
        // A microsecond of slack: the rounding of N·TR (0.72 × 372) must not turn a story that ends with the run into an error.
        if (segs[^1].Offset > runEnd + 1e-6)
            throw new InputDataException(name, $"the story runs to {F(segs[^1].Offset)} s but the run's {n} volumes × {F(tr)} s end at {F(runEnd)} s: wrong --tr or --volumes, or annotations of another run?");

        // Inside the run but leaving much of it without a rating: likely the wrong --volumes or --tr, not an error.
        double slack = Math.Max(30, 0.1 * runEnd);
        if (runEnd - segs[^1].Offset > slack)
            warnings.Add($"the run's {n} volumes × {F(tr)} s = {F(runEnd)} s go on {F(runEnd - segs[^1].Offset)} s past the story's end ({F(segs[^1].Offset)} s): those volumes' targets are {(options.Fill == FillPolicy.Missing ? "n/a" : "0")}; wrong --volumes or --tr?");
        if (segs[0].Onset > slack)
            warnings.Add($"the story starts {F(segs[0].Onset)} s into the run: the volumes before it have no rating ({(options.Fill == FillPolicy.Missing ? "n/a" : "0")}); wrong --tr, or annotations of another run?");

        double acq = options.AcquisitionOffsetSeconds;
        double[] kernel = options.Hrf == HrfModel.Spm ? CanonicalHrf.Kernel(tr) : [1.0];
        var y = new double[n * e];
        if (options.Hrf == HrfModel.Spm)
            ConvolveContinuous(annotations, options.Fill, n, tr, acq, y);
        else
            for (int v = 0; v < n; v++)
                Sample(annotations, v * tr + acq - options.LagSeconds, options.Fill, y.AsSpan(v * e, e));

        if (options.Smooth > 1) y = RollingMean(y, n, e, options.Smooth, options.SmoothWindow);
        if (options.ZScore) ZScore(y, n, e);

        var volumes = Enumerable.Range(0, n).ToArray();
        return new TargetResult(new NumericTable(annotations.Emotions.ToArray(), volumes, y), warnings, kernel);
    }

    /// <summary>
    /// The step function of <paramref name="a"/> under <paramref name="fill"/> convolved with SPM's
    /// canonical HRF, at t_v = v·<paramref name="tr"/> + <paramref name="acq"/>, into <paramref name="y"/> (volumes × emotions).
    /// </summary>
    internal static void ConvolveContinuous(AnnotationTable a, FillPolicy fill, int n, double tr, double acq, double[] y)
    {
        var pieces = Pieces(a, fill);
        int e = a.Emotions.Count;
        double length = CanonicalHrf.Length;
        int first = 0;
        for (int v = 0; v < n; v++)
        {
            double t = v * tr + acq;
            // Pieces ending at or before t − L no longer contribute (times only grow with v).
            while (first < pieces.Count - 1 && pieces[first].End <= t - length) first++;
            var dest = y.AsSpan(v * e, e);
            dest.Clear();
            for (int p = first; p < pieces.Count && pieces[p].Start < t; p++)
            {
                var (start, end, values) = pieces[p];
                if (end <= t - length) continue;
                double w = CanonicalHrf.Cumulative(t - start) - CanonicalHrf.Cumulative(t - end);
                for (int c = 0; c < e; c++)
                {
                    double x = values is null ? 0.0 : values[c];
                    // A NaN stretch anywhere under the kernel makes the sample unknown, even where h crosses 0.
                    dest[c] = double.IsNaN(x) || double.IsNaN(dest[c]) ? double.NaN : dest[c] + w * x;
                }
            }
        }
    }

    /// <summary>The step function as contiguous pieces from −∞ to +∞ (values null = 0; NaN for missing).</summary>
    private static List<(double Start, double End, double[]? Values)> Pieces(AnnotationTable a, FillPolicy fill)
    {
        var segs = a.Segments;
        int e = a.Emotions.Count;
        double[]? outside = fill == FillPolicy.Missing ? Enumerable.Repeat(double.NaN, e).ToArray() : null;
        var list = new List<(double, double, double[]?)> { (double.NegativeInfinity, segs[0].Onset, outside) };
        for (int i = 0; i < segs.Count; i++)
        {
            var values = a.Values.AsSpan(i * e, e).ToArray();
            list.Add((segs[i].Onset, segs[i].Offset, values));
            double next = i + 1 < segs.Count ? segs[i + 1].Onset : double.PositiveInfinity;
            if (next > segs[i].Offset)
            {
                double[]? gap = i + 1 == segs.Count ? outside : fill switch
                {
                    FillPolicy.Hold => values,
                    FillPolicy.Missing => outside,
                    _ => null,
                };
                list.Add((segs[i].Offset, next, gap));
            }
        }
        return list;
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

    /// <summary>The <c>format</c> of a targets table's provenance sidecar.</summary>
    public const string ProvenanceFormat = "realtime-decode.targets";

    /// <summary>The provenance sidecar's path for the targets table at <paramref name="tablePath"/>: the same path with <c>.json</c>.</summary>
    public static string ProvenancePath(string tablePath) => Path.ChangeExtension(tablePath, ".json");

    /// <summary>
    /// The TR (s) and volume count the targets table at <paramref name="tablePath"/> was made for, as its provenance
    /// sidecar states them (null where it does not); null when there is no sidecar of <see cref="ProvenanceFormat"/>
    /// beside it (none, not JSON, or another tool's).
    /// </summary>
    public static (double? Tr, int? Volumes)? ReadMadeFor(string tablePath)
    {
        string path = ProvenancePath(tablePath);
        if (!File.Exists(path)) return null;
        JsonObject? o;
        try { o = JsonNode.Parse(File.ReadAllText(path)) as JsonObject; }
        catch (JsonException) { return null; }
        if (o?["format"] is not JsonValue format || !format.TryGetValue(out string? name) || name != ProvenanceFormat) return null;
        double? Number(string key) => o[key] is JsonValue v && v.TryGetValue(out double d) ? d : null;
        return (Number("tr_s"), Number("volumes") is double n ? (int)n : null);
    }

    /// <summary>The provenance sidecar of a targets table (written beside it as <c>.json</c>).</summary>
    public static JsonObject Provenance(TargetOptions o, TargetResult result, string annotationsPath)
    {
        return new JsonObject
        {
            ["format"] = ProvenanceFormat,
            ["format_version"] = 1,
            ["annotations"] = Path.GetFileName(annotationsPath),
            ["annotations_sha256"] = File.Exists(annotationsPath) ? AnnotationProvenance.FileSha256(annotationsPath) : null,
            ["tr_s"] = o.Tr,
            ["volumes"] = o.Volumes,
            ["acquisition_time"] = o.AcquisitionDescription,
            ["acquisition_offset_s"] = o.AcquisitionOffsetSeconds,
            ["lag_s"] = o.Hrf == HrfModel.None ? o.LagSeconds : null,
            ["hrf"] = o.Hrf == HrfModel.Spm ? "spm canonical double gamma (6, 16, 1, 1, 6, 0, 32), integral 1, convolved in continuous time (exact for the step-function ratings) and sampled at each volume's acquisition time; hrf_kernel lists it at TR spacing for reference" : null,
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
        RealtimeDecode.Engine.Tables.AtomicFile.WriteAllText(ProvenancePath(path),
            Provenance(o, result, annotationsPath).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static string F(double s) => s.ToString("0.###", CultureInfo.InvariantCulture);
}
