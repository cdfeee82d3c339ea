using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Connectivity;

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
/// How the live configuration turns volumes into features; a model package records the one it was
/// trained with, and <see cref="ModelPackage.Validate"/> compares it with the live one.
/// </summary>
public sealed record FeatureSpec
{
    /// <summary>ROI or DFC features.</summary>
    public required FeatureKind Kind { get; init; }

    /// <summary>Number of ROIs (atlas labels) R.</summary>
    public required int RoiCount { get; init; }

    /// <summary>Sliding-window length in volumes (DFC only).</summary>
    public int? Window { get; init; }

    /// <summary>Window taper name, e.g. "rectangular" (DFC only).</summary>
    public string? Taper { get; init; }

    /// <summary>Whether correlations are Fisher z-transformed (DFC only).</summary>
    public bool? FisherZ { get; init; }

    /// <summary>SHA-256 of the atlas file, lowercase hex.</summary>
    public string? AtlasSha256 { get; init; }

    /// <summary>Preprocessing parameters (detrend, z-score, nuisance, ...), compared key by key.</summary>
    public JsonObject? Preprocessing { get; init; }

    /// <summary>Number of features this spec produces: R for ROI, R(R−1)/2 for DFC.</summary>
    public int FeatureCount => Kind == FeatureKind.Roi ? RoiCount : EdgeLayout.EdgeCount(RoiCount);

    /// <summary>
    /// Differences that make a model trained with this spec unusable with <paramref name="live"/>; empty when compatible.
    /// An atlas hash or preprocessing missing on either side is not compared.
    /// </summary>
    public IReadOnlyList<string> Differences(FeatureSpec live)
    {
        ArgumentNullException.ThrowIfNull(live);
        var d = new List<string>();
        if (Kind != live.Kind)
        {
            d.Add($"feature kind is {Name(Kind)} in the model but {Name(live.Kind)} live");
        }

        if (FeatureCount != live.FeatureCount)
        {
            d.Add($"the model expects {FeatureCount} features ({RoiCount} ROIs) but the live configuration produces {live.FeatureCount} ({live.RoiCount} ROIs)");
        }

        if (AtlasSha256 is not null && live.AtlasSha256 is not null && !string.Equals(AtlasSha256, live.AtlasSha256, StringComparison.OrdinalIgnoreCase))
        {
            d.Add($"atlas SHA-256 differs: model {AtlasSha256}, live {live.AtlasSha256}");
        }

        if (Kind == FeatureKind.Dfc && live.Kind == FeatureKind.Dfc)
        {
            if (Window != live.Window)
            {
                d.Add($"window is {Window} volumes in the model but {live.Window} live");
            }

            if (Taper is not null && live.Taper is not null && !string.Equals(Taper, live.Taper, StringComparison.OrdinalIgnoreCase))
            {
                d.Add($"taper is {Taper} in the model but {live.Taper} live");
            }

            if (FisherZ != live.FisherZ)
            {
                d.Add($"Fisher z is {FisherZ} in the model but {live.FisherZ} live");
            }
        }

        if (Preprocessing is not null && live.Preprocessing is not null)
        {
            foreach (var key in Preprocessing.Select(kv => kv.Key).Union(live.Preprocessing.Select(kv => kv.Key)))
            {
                Preprocessing.TryGetPropertyValue(key, out var a);
                live.Preprocessing.TryGetPropertyValue(key, out var b);
                if (!JsonNode.DeepEquals(a, b))
                {
                    d.Add($"preprocessing '{key}' is {a?.ToJsonString() ?? "absent"} in the model but {b?.ToJsonString() ?? "absent"} live");
                }
            }
        }

        return d;
    }

    private static string Name(FeatureKind k) => k == FeatureKind.Roi ? "roi" : "dfc";
}
