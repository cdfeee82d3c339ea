using System.Globalization;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Motion;

namespace RealtimeDecode.Engine.Decoding;

/// <summary>What the features of a model are: ROI amplitudes or sliding-window connectivity edges.</summary>
public enum FeatureKind
{
    /// <summary>One feature per ROI (the ROI table's columns).</summary>
    Roi,

    /// <summary>The upper triangle (i &lt; j, row-major) of a sliding-window correlation matrix: R(R−1)/2 features.</summary>
    Dfc,
}

/// <summary>
/// The features of a model: the <see cref="FeatureSettings"/> it was trained with and what only a package
/// knows, the atlas (ROI count, SHA-256). A model package records the one it was trained with (the JSON
/// layout is model.json's, <see cref="ModelPackage"/>), and <see cref="ModelPackage.Validate"/> compares it
/// with the live one.
/// </summary>
/// <param name="Settings">How volumes become features.</param>
/// <param name="RoiCount">Number of ROIs (atlas labels) R.</param>
/// <param name="AtlasSha256">SHA-256 of the atlas file, lowercase hex; null when unknown (then not compared).</param>
public sealed record FeatureSpec(FeatureSettings Settings, int RoiCount, string? AtlasSha256 = null)
{
    /// <summary>How volumes become features.</summary>
    public FeatureSettings Settings { get; init; } = Settings ?? throw new ArgumentNullException(nameof(Settings));

    /// <summary>
    /// False for a package whose model.json states none of the preprocessing settings (an empty
    /// <c>preprocessing</c> object, as packages exported from elsewhere may have): it is written back empty,
    /// and its preprocessing settings count as absent when compared with a live spec that states them.
    /// </summary>
    public bool PreprocessingStated { get; init; } = true;

    /// <summary>
    /// Preprocessing entries of model.json that this version does not know, as read (never null): written back
    /// after the known ones and compared key by key, so a package made with preprocessing this version cannot
    /// apply is refused rather than run without it.
    /// </summary>
    public IReadOnlyDictionary<string, JsonNode?> OtherPreprocessing { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>Number of features this spec produces: R for ROI, R(R−1)/2 for DFC.</summary>
    public int FeatureCount => Settings.Kind == FeatureKind.Roi ? RoiCount : EdgeLayout.EdgeCount(RoiCount);

    /// <summary>
    /// Differences that make a model trained with this spec unusable with <paramref name="live"/>, one sentence
    /// each; empty when compatible. An atlas hash missing on either side is not compared; window, taper and
    /// Fisher z only when both are DFC; realignment's motion regressors, FD threshold and censoring only on a
    /// side that realigns (elsewhere they are absent).
    /// </summary>
    public IReadOnlyList<string> Differences(FeatureSpec live)
    {
        ArgumentNullException.ThrowIfNull(live);
        var (m, l) = (Settings, live.Settings);
        var d = new List<string>();
        if (m.Kind != l.Kind)
        {
            d.Add($"feature kind is {Name(m.Kind)} in the model but {Name(l.Kind)} live");
        }

        if (FeatureCount != live.FeatureCount)
        {
            d.Add($"the model expects {FeatureCount} features ({RoiCount} ROIs) but the atlas and settings in use produce {live.FeatureCount} ({live.RoiCount} ROIs)");
        }

        if (AtlasSha256 is not null && live.AtlasSha256 is not null && !string.Equals(AtlasSha256, live.AtlasSha256, StringComparison.OrdinalIgnoreCase))
        {
            d.Add($"atlas SHA-256 differs: model {AtlasSha256}, live {live.AtlasSha256}");
        }

        if (m.Kind == FeatureKind.Dfc && l.Kind == FeatureKind.Dfc)
        {
            if (m.Window.Window != l.Window.Window)
            {
                d.Add($"window is {m.Window.Window} volumes in the model but {l.Window.Window} live");
            }

            if (m.Window.Taper != l.Window.Taper)
            {
                d.Add($"taper is {FeatureSettings.TaperName(m.Window.Taper)} in the model but {FeatureSettings.TaperName(l.Window.Taper)} live");
            }

            if (m.Window.FisherZ != l.Window.FisherZ)
            {
                d.Add($"Fisher z is {m.Window.FisherZ} in the model but {l.Window.FisherZ} live");
            }
        }

        var model = PreprocessingValues();
        var other = live.PreprocessingValues();
        foreach (var key in model.Keys.Union(other.Keys))
        {
            model.TryGetValue(key, out var a);
            other.TryGetValue(key, out var b);
            bool same = a.Value is JsonNode || b.Value is JsonNode
                ? a.Text is not null && b.Text is not null && JsonNode.DeepEquals(a.Value as JsonNode, b.Value as JsonNode)
                : Equals(a.Value, b.Value);
            if (!same)
            {
                d.Add($"preprocessing '{key}' is {a.Text ?? "absent"} in the model but {b.Text ?? "absent"} live");
            }
        }

        return d;
    }

    /// <summary>
    /// The stated preprocessing settings by model.json key, each as its typed value and its JSON text: detrend order,
    /// z-score and nuisance count always; realignment, motion regressors, FD threshold and censoring with realignment
    /// on; then the entries this version does not know (as JSON nodes).
    /// </summary>
    private Dictionary<string, (object? Value, string? Text)> PreprocessingValues()
    {
        var values = new Dictionary<string, (object?, string?)>(StringComparer.Ordinal);
        if (PreprocessingStated)
        {
            var (p, s) = (Settings.Preprocessing, Settings);
            values["detrend_order"] = (p.DetrendOrder, p.DetrendOrder.ToString(CultureInfo.InvariantCulture));
            values["zscore"] = (p.ZScore, Bool(p.ZScore));
            values["nuisance_count"] = (p.NuisanceCount, p.NuisanceCount.ToString(CultureInfo.InvariantCulture));
            if (s.Realign)
            {
                values["realign"] = (true, Bool(true));
                values["motion_regressors"] = (p.MotionRegressors, p.MotionRegressors.ToString(CultureInfo.InvariantCulture));
                values["fd_threshold_mm"] = (s.FdThresholdMm, JsonValue.Create(s.FdThresholdMm).ToJsonString());
                values["censor"] = (s.Censor, JsonValue.Create(s.Censor.Name()).ToJsonString());
            }
        }

        foreach (var (key, node) in OtherPreprocessing)
        {
            values[key] = (node, node?.ToJsonString() ?? "null");
        }

        return values;
    }

    private static string Bool(bool b) => b ? "true" : "false";

    private static string Name(FeatureKind k) => k == FeatureKind.Roi ? "roi" : "dfc";
}
