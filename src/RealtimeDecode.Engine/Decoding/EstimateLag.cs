using System.Globalization;
using System.Text.Json.Nodes;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Decoding;

/// <summary>
/// How old a model's live estimates are: the estimate published with volume v (window ending at v)
/// best matches the targets at t_v − <see cref="Seconds"/>, t_v the volume's acquisition time on the
/// targets' time line. Measured on held-out data by <c>evaluate</c>; the targets already include the
/// haemodynamic delay when they were built with an HRF, so the lag is the decoder's own (window, taper,
/// features) on top of it. Stored in model.json as the optional object <c>estimate_lag</c>.
/// </summary>
/// <param name="Seconds">Lag of the mean over targets of the lag–correlation curves, seconds.</param>
/// <param name="StandardError">Block-bootstrap standard deviation of <see cref="Seconds"/>, seconds.</param>
/// <param name="Low95">2.5th bootstrap percentile, seconds.</param>
/// <param name="High95">97.5th bootstrap percentile, seconds.</param>
/// <param name="Targets">Target names, in the model's order.</param>
/// <param name="PerTarget">Lag per target, seconds (NaN where a target's curve has no peak).</param>
/// <param name="PerTargetStandardError">Bootstrap standard deviation per target, seconds.</param>
/// <param name="Source">What it was measured on (runs, command).</param>
public sealed record EstimateLag(
    double Seconds, double StandardError, double Low95, double High95,
    IReadOnlyList<string> Targets, double[] PerTarget, double[] PerTargetStandardError, string Source)
{
    /// <summary>The label a display puts on the estimates: "describes about t − 12 s".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"describes about t − {Seconds:0.#} s (± {StandardError:0.#} s)");

    /// <summary>The model.json object.</summary>
    public JsonObject ToJson()
    {
        var per = new JsonObject();
        for (int t = 0; t < Targets.Count; t++)
            per[Targets[t]] = new JsonObject { ["seconds"] = Num(PerTarget[t]), ["standard_error_s"] = Num(PerTargetStandardError[t]) };
        return new JsonObject
        {
            ["seconds"] = Num(Seconds),
            ["standard_error_s"] = Num(StandardError),
            ["ci95_s"] = new JsonArray(Num(Low95), Num(High95)),
            ["relative_to"] = "the targets at the acquisition time of the last volume of the estimate window",
            ["per_target"] = per,
            ["source"] = Source,
        };
    }

    /// <summary>Reads the model.json object; problems are <see cref="InputDataException"/>s naming <paramref name="file"/>.</summary>
    public static EstimateLag FromJson(JsonObject o, IReadOnlyList<string> targets, string file)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(targets);
        double Get(JsonObject obj, string key, string where)
        {
            if (!obj.TryGetPropertyValue(key, out var n) || n is null) return double.NaN;
            return n is JsonValue v && v.TryGetValue(out double d) ? d
                : throw new InputDataException(file, $"estimate_lag.{where}{key} must be a number of seconds");
        }
        double seconds = Get(o, "seconds", "");
        if (!double.IsFinite(seconds)) throw new InputDataException(file, "estimate_lag.seconds must be a finite number of seconds");
        double lo = double.NaN, hi = double.NaN;
        if (o["ci95_s"] is JsonArray ci && ci.Count == 2)
        {
            lo = ci[0] is JsonValue a && a.TryGetValue(out double x) ? x : double.NaN;
            hi = ci[1] is JsonValue b && b.TryGetValue(out double y) ? y : double.NaN;
        }
        var per = new double[targets.Count];
        var perSe = new double[targets.Count];
        var perNode = o["per_target"] as JsonObject;
        for (int t = 0; t < targets.Count; t++)
        {
            var node = perNode?[targets[t]] as JsonObject;
            per[t] = node is null ? double.NaN : Get(node, "seconds", $"per_target.{targets[t]}.");
            perSe[t] = node is null ? double.NaN : Get(node, "standard_error_s", $"per_target.{targets[t]}.");
        }
        return new EstimateLag(seconds, Get(o, "standard_error_s", ""), lo, hi, targets, per, perSe, o["source"]?.GetValue<string>() ?? "");
    }

    private static JsonNode? Num(double v) => double.IsFinite(v) ? JsonValue.Create(Math.Round(v, 3)) : null;
}
