using System.Globalization;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Preprocessing;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Features;

/// <summary>
/// How volumes become features, one description for the live pipeline, the offline commands and the
/// model package: ROI means of the atlas, cleaned by <see cref="Preprocessor"/>, then either used as
/// they are (<see cref="FeatureKind.Roi"/>) or turned into sliding-window connectivity
/// (<see cref="FeatureKind.Dfc"/>).
/// </summary>
public sealed record FeatureSettings
{
    public FeatureKind Kind { get; init; } = FeatureKind.Dfc;

    /// <summary>Sliding-window options (DFC only).</summary>
    public SlidingWindowOptions Window { get; init; } = new() { Window = 13, FisherZ = true };

    public PreprocessingOptions Preprocessing { get; init; } = PreprocessingOptions.None;

    /// <summary>
    /// Rigid-body realignment of every volume to its series' reference before the ROI means
    /// (<see cref="Motion.VolumeRealignment"/>); recorded in the package's preprocessing as
    /// <c>"realign": true</c> (absent means false).
    /// </summary>
    public bool Realign { get; init; }

    /// <summary>Volumes a feature row summarises: the window length for DFC, 1 for ROI amplitudes.</summary>
    public int Span => Kind == FeatureKind.Dfc ? Window.Window : 1;

    /// <summary>The model package's description of these settings for an atlas.</summary>
    public FeatureSpec ToSpec(int roiCount, string? atlasSha256) => new()
    {
        Kind = Kind,
        RoiCount = roiCount,
        Window = Kind == FeatureKind.Dfc ? Window.Window : null,
        Taper = Kind == FeatureKind.Dfc ? TaperName(Window.Taper) : null,
        FisherZ = Kind == FeatureKind.Dfc ? Window.FisherZ : null,
        AtlasSha256 = atlasSha256,
        Preprocessing = PreprocessingJson(Preprocessing, Realign),
    };

    /// <summary>The settings a model package was trained with.</summary>
    public static FeatureSettings FromSpec(FeatureSpec spec, string packageName)
    {
        var pre = PreprocessingOptions.None;
        bool realign = false;
        if (spec.Preprocessing is { } p)
        {
            int detrend = p["detrend_order"]?.GetValue<int>() ?? -1;
            bool z = p["zscore"]?.GetValue<bool>() ?? false;
            int nuisance = p["nuisance_count"]?.GetValue<int>() ?? 0;
            pre = new PreprocessingOptions(detrend, z, nuisance);
            realign = p["realign"]?.GetValue<bool>() ?? false;
        }
        var window = new SlidingWindowOptions
        {
            Window = spec.Window ?? 13,
            Taper = spec.Taper is null ? WindowTaper.Rectangular : ParseTaper(spec.Taper, packageName),
            FisherZ = spec.FisherZ ?? false,
        };
        return new FeatureSettings { Kind = spec.Kind, Window = window, Preprocessing = pre, Realign = realign };
    }

    public static JsonObject PreprocessingJson(PreprocessingOptions p, bool realign = false)
    {
        var json = new JsonObject
        {
            ["detrend_order"] = p.DetrendOrder,
            ["zscore"] = p.ZScore,
            ["nuisance_count"] = p.NuisanceCount,
        };
        // written only when on, so packages made without realignment keep their exact spec
        if (realign) json["realign"] = true;
        return json;
    }

    public static string TaperName(WindowTaper t) => t switch
    {
        WindowTaper.Rectangular => "rectangular",
        WindowTaper.Gaussian => "gaussian",
        WindowTaper.Exponential => "exponential",
        _ => t.ToString().ToLowerInvariant(),
    };

    /// <summary>Parses rect|rectangular|gaussian|exp|exponential.</summary>
    public static WindowTaper ParseTaper(string text, string? source = null) => text.Trim().ToLowerInvariant() switch
    {
        "rect" or "rectangular" or "boxcar" => WindowTaper.Rectangular,
        "gaussian" or "gauss" => WindowTaper.Gaussian,
        "exp" or "exponential" => WindowTaper.Exponential,
        _ => throw new InputDataException(source, $"unknown taper '{text}' (rect, gaussian or exp)"),
    };

    public override string ToString() => Kind == FeatureKind.Roi
        ? $"ROI amplitudes, {Describe(Preprocessing)}"
        : string.Create(CultureInfo.InvariantCulture, $"DFC W={Window.Window} {TaperName(Window.Taper)}{(Window.FisherZ ? " Fisher z" : "")}, {Describe(Preprocessing)}");

    private string Describe(PreprocessingOptions p) => (Realign ? "realigned, " : "") + DescribeCleaning(p);

    private static string DescribeCleaning(PreprocessingOptions p) =>
        p.DetrendOrder < 0 && !p.ZScore && p.NuisanceCount == 0 ? "no preprocessing"
        : string.Join(" + ", new[] { p.DetrendOrder >= 0 ? $"detrend order {p.DetrendOrder}" : null, p.NuisanceCount > 0 ? $"{p.NuisanceCount} nuisance" : null, p.ZScore ? "z-score" : null }.Where(s => s is not null));
}
