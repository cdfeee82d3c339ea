using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Motion;

namespace RealtimeDecode.Engine.Decoding;

/// <summary>
/// model.json (format "rtdecode-model", version 1; layout in <see cref="ModelPackage"/>) as records, serialised
/// by <see cref="ModelJsonContext"/>: properties in declaration order, snake_case names, a null property left
/// out unless marked as always written, NaN written as null (<see cref="FiniteOrNullJsonConverter"/>). Reading
/// fills the same records; every property is nullable so that a missing one is told apart from a wrong one,
/// and the values are checked afterwards, as their own step, by <see cref="ModelPackage"/>. Free-form parts
/// (hyperparameters, preprocessing, training provenance, CV metrics) stay JSON objects.
/// </summary>
internal sealed record ModelJson(
    string? Format,
    int? Version,
    IReadOnlyList<string?>? Targets,
    int? FeatureCount,
    FeatureSpecJson? Features,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] ScalerJson? Scaler,
    EstimatorJson? Estimator,
    PatternsJson? Patterns,
    EstimateLagJson? EstimateLag,
    JsonObject? Training,
    JsonObject? CvMetrics);

/// <summary>
/// The "features" object: what the model's features are (<see cref="FeatureSpec"/>). Window, taper and Fisher z are
/// written for DFC features only; the preprocessing object holds detrend_order, zscore and nuisance_count, and
/// realign, motion_regressors, fd_threshold_mm and censor only with realignment on (so packages made without it
/// keep their exact bytes), then the entries this version does not know, as read.
/// </summary>
internal sealed record FeatureSpecJson(
    string? Kind,
    int? RoiCount,
    int? Window,
    string? Taper,
    bool? FisherZ,
    string? AtlasSha256,
    JsonObject? Preprocessing)
{
    /// <summary>The names of the preprocessing entries this version reads (<see cref="PreprocessingOf"/>).</summary>
    public static readonly IReadOnlySet<string> PreprocessingKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "detrend_order", "zscore", "nuisance_count", "realign", "motion_regressors", "fd_threshold_mm", "censor",
    };

    public static FeatureSpecJson From(FeatureSpec spec)
    {
        var s = spec.Settings;
        bool dfc = s.Kind == FeatureKind.Dfc;
        var pre = spec.PreprocessingStated ? PreprocessingOf(s) : [];
        foreach (var (key, node) in spec.OtherPreprocessing)
            pre[key] = node?.DeepClone();
        return new(
            s.Kind == FeatureKind.Roi ? "roi" : "dfc",
            spec.RoiCount,
            dfc ? s.Window.Window : null,
            dfc ? FeatureSettings.TaperName(s.Window.Taper) : null,
            dfc ? s.Window.FisherZ : null,
            spec.AtlasSha256,
            pre);
    }

    /// <summary>The <c>preprocessing</c> object of <paramref name="settings"/>, as model packages and ROI recordings write it.</summary>
    public static JsonObject PreprocessingOf(FeatureSettings settings)
    {
        var p = settings.Preprocessing;
        var json = new JsonObject
        {
            ["detrend_order"] = p.DetrendOrder,
            ["zscore"] = p.ZScore,
            ["nuisance_count"] = p.NuisanceCount,
        };
        if (settings.Realign)
        {
            json["realign"] = true;
            json["motion_regressors"] = p.MotionRegressors;
            json["fd_threshold_mm"] = settings.FdThresholdMm;
            json["censor"] = settings.Censor.Name();
        }

        return json;
    }
}

/// <summary>The scaler's array files.</summary>
internal sealed record ScalerJson(string? Mean, string? Scale);

/// <summary>The estimator: kind, hyperparameters, kernel (kernel kinds) and array files.</summary>
internal sealed record EstimatorJson(string? Kind, JsonObject? Hyperparameters, KernelJson? Kernel, EstimatorArraysJson? Arrays);

/// <summary>A kernel of a kernel estimator.</summary>
internal sealed record KernelJson(string? Kind, double? Gamma, double? Coef0, double? Degree);

/// <summary>Array files: coef and intercept (linear kinds), or rows, dual_coef and intercept (kernel kinds).</summary>
internal sealed record EstimatorArraysJson(string? Coef, string? Rows, string? DualCoef, string? Intercept);

/// <summary>Haufe patterns: array file, training samples, per-target split-half r (NaN as null).</summary>
internal sealed record PatternsJson(string? File, int? Rows, IReadOnlyList<double>? SplitHalfR);

/// <summary>The "estimate_lag" object (<see cref="Decoding.EstimateLag"/>): seconds rounded to 3 decimals, NaN as null; the TR it
/// was measured at last, left out when not known (packages made before it was written keep their bytes).</summary>
internal sealed record EstimateLagJson(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Seconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? StandardErrorS,
    IReadOnlyList<double>? Ci95S,
    string? RelativeTo,
    Dictionary<string, EstimateLagTargetJson?>? PerTarget,
    string? Source,
    double? RepetitionTimeS = null)
{
    public const string RelativeToText = "the targets at the acquisition time of the last volume of the estimate window";

    public static EstimateLagJson From(EstimateLag lag)
    {
        var per = new Dictionary<string, EstimateLagTargetJson?>(StringComparer.Ordinal);
        for (int t = 0; t < lag.Targets.Count; t++)
            per[lag.Targets[t]] = new EstimateLagTargetJson(Round(lag.PerTarget[t]), Round(lag.PerTargetStandardError[t]));
        return new EstimateLagJson(Round(lag.Seconds), Round(lag.StandardError), [Round(lag.Low95), Round(lag.High95)], RelativeToText, per, lag.Source,
            lag.RepetitionTimeSeconds);
    }

    private static double Round(double v) => Math.Round(v, 3);
}

/// <summary>One target's lag in "estimate_lag.per_target".</summary>
internal sealed record EstimateLagTargetJson(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Seconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? StandardErrorS);

/// <summary>Source-generated serialisation of model.json.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    Converters = [typeof(FiniteOrNullJsonConverter)])]
[JsonSerializable(typeof(ModelJson))]
[JsonSerializable(typeof(EstimateLagJson))]
internal sealed partial class ModelJsonContext : JsonSerializerContext
{
    /// <summary>For reading: as <see cref="Default"/>, and a property named twice is refused (as a whole-document error).</summary>
    public static ModelJsonContext Strict { get; } = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        Converters = { new FiniteOrNullJsonConverter() },
        AllowDuplicateProperties = false,
    });
}
