using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Preprocessing;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Recording;

/// <summary>
/// What <c>roi.json</c>, the sidecar of a recording's <c>roi.tsv</c>, says about the series: the atlas it was
/// computed over (file name, SHA-256 as in a model package's feature spec, number of labels) and the
/// preprocessing the live path applied before writing it (detrend order, z-score, nuisance count, realignment:
/// the <c>preprocessing</c> object of a model package), and the TR. Features trained from the series
/// are valid only for sessions with this atlas and this preprocessing.
/// </summary>
/// <param name="RoiCount">Atlas labels: the ROI columns of roi.tsv.</param>
/// <param name="Atlas">The atlas file's name, or null.</param>
/// <param name="AtlasSha256">SHA-256 of the atlas (hex), as <see cref="Atlas.Sha256"/>; null when unknown.</param>
/// <param name="Preprocessing">The clean stage's options.</param>
/// <param name="Realign">Whether volumes were realigned before the ROI means.</param>
/// <param name="RepetitionTimeSeconds">TR of the run (s), or null.</param>
public sealed record RoiSeriesInfo(int RoiCount, string? Atlas, string? AtlasSha256, PreprocessingOptions Preprocessing, bool Realign, double? RepetitionTimeSeconds)
{
    /// <summary>The sidecar's content.</summary>
    public JsonObject ToJson() => new()
    {
        ["description"] = "ROI series after the live path's preprocessing (what entered the sliding window): one row per volume that was read, in order; skipped volumes have no row",
        ["atlas"] = Atlas,
        ["atlas_sha256"] = AtlasSha256,
        ["roi_count"] = RoiCount,
        ["preprocessing"] = Decoding.FeatureSpecJson.PreprocessingOf(new FeatureSettings { Preprocessing = Preprocessing, Realign = Realign }),
        ["repetition_time_s"] = RepetitionTimeSeconds,
    };

    /// <summary>The sidecar as text (indented JSON, a final line end).</summary>
    public string ToJsonText() => ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";

    /// <summary>Reads a sidecar; anything missing or of the wrong type is an <see cref="InputDataException"/> naming <paramref name="path"/>.</summary>
    public static RoiSeriesInfo Read(string path)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InputDataException(path, $"is not valid JSON ({e.Message.Split('\n')[0]})", e); }
        if (root is not JsonObject o) throw new InputDataException(path, "must hold a JSON object");
        try
        {
            int rois = o["roi_count"]?.GetValue<int>() ?? throw new InputDataException(path, "has no roi_count");
            if (rois < 1) throw new InputDataException(path, string.Create(CultureInfo.InvariantCulture, $"roi_count {rois} must be at least 1"));
            if (o["preprocessing"] is not JsonObject p) throw new InputDataException(path, "has no preprocessing object");
            var pre = new PreprocessingOptions(p["detrend_order"]?.GetValue<int>() ?? -1, p["zscore"]?.GetValue<bool>() ?? false, p["nuisance_count"]?.GetValue<int>() ?? 0,
                p["motion_regressors"]?.GetValue<int>() ?? 0);
            try { pre.Validate(); }
            catch (ArgumentOutOfRangeException e) { throw new InputDataException(path, "preprocessing: " + e.Message.Split(" (Parameter")[0].Split(Environment.NewLine)[0]); }
            return new RoiSeriesInfo(rois, o["atlas"]?.GetValue<string>(), o["atlas_sha256"]?.GetValue<string>(), pre,
                p["realign"]?.GetValue<bool>() ?? false, o["repetition_time_s"]?.GetValue<double>());
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new InputDataException(path, $"a value has the wrong type ({e.Message})", e);
        }
    }

    /// <summary>The preprocessing in words, as <see cref="FeatureSettings"/> prints it.</summary>
    public string DescribePreprocessing() =>
        new FeatureSettings { Kind = Decoding.FeatureKind.Roi, Preprocessing = Preprocessing, Realign = Realign }.ToString()["ROI amplitudes, ".Length..];
}
