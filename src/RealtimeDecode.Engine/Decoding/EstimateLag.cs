using System.Globalization;
using System.Text.Json.Nodes;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Decoding;

/// <summary>
/// How old a model's live estimates are: the estimate published with volume v (window ending at v)
/// best matches the targets at t_v − <see cref="Seconds"/>, t_v the volume's acquisition time on the
/// targets' time line. Measured on held-out data by <c>evaluate</c>; the targets already include the
/// haemodynamic delay when they were built with an HRF, so the lag is the decoder's own (window, taper,
/// features) on top of it, and it holds at the TR it was measured at (the window is a number of volumes):
/// at another TR how old the estimates are is not known (<see cref="At"/>). Stored in model.json as the optional
/// object <c>estimate_lag</c>.
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
    /// <summary>TR (s) of the runs it was measured on (<c>repetition_time_s</c>), or null when the package does not say (made before it did).</summary>
    public double? RepetitionTimeSeconds { get; init; }

    /// <summary>
    /// The lag as it holds for a session at <paramref name="tr"/> s: this one when it was measured at that TR (within
    /// <see cref="RepetitionTimes.Tolerance"/>) or the package does not say at which; null (not known) when it was
    /// measured at another TR. Every output that publishes the lag goes through this.
    /// </summary>
    public EstimateLag? At(double tr) => RepetitionTimeSeconds is { } measured && RepetitionTimes.Differ(tr, measured) ? null : this;

    /// <summary>One line for a session at <paramref name="tr"/> s when <see cref="At"/> withholds the lag; null when it holds.</summary>
    public string? NotKnownAt(double tr) => At(tr) is null
        ? $"the model's estimate lag ({Describe()}) was measured at TR {RepetitionTimes.Format(RepetitionTimeSeconds!.Value)} s and this session runs at TR {RepetitionTimes.Format(tr)} s: how old the estimates are is not known, so no lag is published (evaluate --store-lag on runs at this TR measures it)"
        : null;

    /// <summary>The label a display puts on the estimates: "describes about t − 12 s".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"describes about t − {Seconds:0.#} s (± {StandardError:0.#} s)");

    /// <summary>The model.json object (seconds rounded to 3 decimals, NaN as null).</summary>
    public JsonObject ToJson() =>
        (JsonObject)System.Text.Json.JsonSerializer.SerializeToNode(EstimateLagJson.From(this), ModelJsonContext.Default.EstimateLagJson)!;
}
