using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tables;

/// <summary>
/// The JSON sidecar of a connectivity table (same path, extension <c>.json</c>), written by
/// <c>realtime-decode connectivity</c> with the table: how its windows were made (length W, taper and the taper's
/// parameter, Fisher z), its ROIs (names in the table's order, count) and the ROI table it was computed from.
/// <c>train --table</c> takes these settings for the model, and <c>evaluate</c> and <c>predict</c> check them
/// against the model's, so that a model never records settings its features were not made with.
/// </summary>
/// <param name="Window">The sliding window, as the table was computed with it.</param>
/// <param name="RoiNames">The ROI table's columns, in order: the table's edges are their pairs i &lt; j, row-major.</param>
/// <param name="SourceRoiTable">Full path of the ROI table, or null.</param>
public sealed record ConnectivityTableSidecar(SlidingWindowOptions Window, IReadOnlyList<string> RoiNames, string? SourceRoiTable)
{
    /// <summary>The sidecar's <c>format</c>: a JSON file beside a table without it is not a connectivity sidecar.</summary>
    public const string FormatName = "rtdecode-connectivity-table";

    /// <summary>The sidecar's <c>version</c>.</summary>
    public const int FormatVersion = 1;

    /// <summary>Largest window a sidecar may state (as a model package's feature spec).</summary>
    public const int MaxWindow = 10_000;

    /// <summary>σ of the Gaussian taper that every session computes (a model package records no σ).</summary>
    public static double SessionGaussianSigma => new SlidingWindowOptions().GaussianSigma;

    /// <summary>The ROI count R: the table has R(R−1)/2 edge columns.</summary>
    public int RoiCount => RoiNames.Count;

    /// <summary>The sidecar path of the table at <paramref name="tablePath"/>: the same path with extension <c>.json</c>.</summary>
    public static string PathFor(string tablePath) => Path.ChangeExtension(tablePath, ".json");

    /// <summary>
    /// The sidecar's content: format and version, window, taper (rectangular, gaussian or exponential) with
    /// <c>sigma_volumes</c> (Gaussian) or <c>half_life_volumes</c> (exponential, the effective half-life),
    /// fisher_z, roi_count, roi_names and source_roi_table.
    /// </summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["format"] = FormatName,
            ["version"] = FormatVersion,
            ["description"] = "sliding-window connectivity table: volume = last volume of each window, then the edges i<j of the ROI order, row-major, named roiA~roiB",
            ["window"] = Window.Window,
            ["taper"] = FeatureSettings.TaperName(Window.Taper),
        };
        if (Window.Taper == WindowTaper.Gaussian) o["sigma_volumes"] = Window.GaussianSigma;
        if (Window.Taper == WindowTaper.Exponential) o["half_life_volumes"] = Window.EffectiveHalfLife;
        o["fisher_z"] = Window.FisherZ;
        o["roi_count"] = RoiCount;
        o["roi_names"] = new JsonArray(RoiNames.Select(n => (JsonNode?)n).ToArray());
        o["source_roi_table"] = SourceRoiTable;
        return o;
    }

    /// <summary>The sidecar as text (indented JSON, a final line end).</summary>
    public string ToJsonText() => ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";

    /// <summary>
    /// The sidecar of the table at <paramref name="tablePath"/>, or null when there is none: no file at
    /// <see cref="PathFor"/>, or a JSON object without <c>format</c> <see cref="FormatName"/> (another tool's
    /// sidecar, such as a recording's roi.json). Invalid JSON, another version, or a value missing, of the wrong
    /// type or out of range is an <see cref="InputDataException"/> naming the sidecar.
    /// </summary>
    public static ConnectivityTableSidecar? TryRead(string tablePath)
    {
        ArgumentNullException.ThrowIfNull(tablePath);
        string path = PathFor(tablePath);
        if (string.Equals(Path.GetFullPath(path), Path.GetFullPath(tablePath), StringComparison.Ordinal) || !File.Exists(path)) return null;
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InputDataException(path, $"the sidecar of {Path.GetFileName(tablePath)} is not valid JSON ({e.Message.Split('\n')[0]})", e); }
        if (root is not JsonObject o || o["format"] is not JsonValue f || !f.TryGetValue(out string? format) || format != FormatName) return null;
        try
        {
            int version = o["version"]?.GetValue<int>() ?? throw Missing(path, "version");
            if (version != FormatVersion)
                throw new InputDataException(path, string.Create(CultureInfo.InvariantCulture, $"is version {version} of {FormatName}; this version reads version {FormatVersion}"));
            int window = o["window"]?.GetValue<int>() ?? throw Missing(path, "window");
            if (window < 2 || window > MaxWindow)
                throw new InputDataException(path, string.Create(CultureInfo.InvariantCulture, $"window is {window}, allowed 2..{MaxWindow} volumes"));
            string taperName = o["taper"]?.GetValue<string>() ?? throw Missing(path, "taper");
            var taper = FeatureSettings.ParseTaper(taperName, path);
            var options = new SlidingWindowOptions
            {
                Window = window,
                Taper = taper,
                GaussianSigma = taper == WindowTaper.Gaussian ? o["sigma_volumes"]?.GetValue<double>() ?? throw Missing(path, "sigma_volumes") : new SlidingWindowOptions().GaussianSigma,
                HalfLife = taper == WindowTaper.Exponential ? o["half_life_volumes"]?.GetValue<double>() ?? throw Missing(path, "half_life_volumes") : 0,
                FisherZ = o["fisher_z"]?.GetValue<bool>() ?? throw Missing(path, "fisher_z"),
            };
            try { options.Validate(); }
            catch (ArgumentOutOfRangeException e) { throw new InputDataException(path, e.Message.Split(" (Parameter")[0].Split(Environment.NewLine)[0]); }
            if (o["roi_names"] is not JsonArray names) throw Missing(path, "roi_names");
            var roiNames = names.Select(n => n?.GetValue<string>() ?? throw new InputDataException(path, "roi_names holds a null")).ToArray();
            int count = o["roi_count"]?.GetValue<int>() ?? throw Missing(path, "roi_count");
            if (count != roiNames.Length || count < 2)
                throw new InputDataException(path, string.Create(CultureInfo.InvariantCulture, $"roi_count is {count} and roi_names holds {roiNames.Length} names; a connectivity table needs the same count, at least 2"));
            return new ConnectivityTableSidecar(options, roiNames, o["source_roi_table"]?.GetValue<string>());
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new InputDataException(path, $"a value has the wrong type ({e.Message})", e);
        }
    }

    /// <summary>Refuses a table at <paramref name="tablePath"/> whose columns are not the edges of this sidecar's ROIs (the sidecar of another table).</summary>
    /// <exception cref="InputDataException">Names the table and its sidecar.</exception>
    public void CheckColumns(IReadOnlyList<string> columns, string tablePath)
    {
        if (!EdgeLayout.Names(RoiNames).SequenceEqual(columns))
            throw new InputDataException(tablePath, $"its columns are not the edges of the {RoiCount} ROIs its sidecar {PathFor(tablePath)} names: the sidecar is another table's");
    }

    /// <summary>
    /// How the window settings of the table differ from <paramref name="other"/>, one phrase each ("window 7
    /// volumes, not 13"); empty when they agree: window, taper, the Gaussian σ (Gaussian taper), the effective
    /// half-life (exponential taper) and Fisher z.
    /// </summary>
    public IReadOnlyList<string> Differences(SlidingWindowOptions other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var d = new List<string>();
        var w = Window;
        if (w.Window != other.Window) d.Add(Text($"window {w.Window} volumes, not {other.Window}"));
        if (w.Taper != other.Taper) d.Add($"{FeatureSettings.TaperName(w.Taper)} taper, not {FeatureSettings.TaperName(other.Taper)}");
        else if (w.Taper == WindowTaper.Gaussian && w.GaussianSigma != other.GaussianSigma) d.Add(Text($"Gaussian σ {w.GaussianSigma} volumes, not {other.GaussianSigma}"));
        else if (w.Taper == WindowTaper.Exponential && w.EffectiveHalfLife != other.EffectiveHalfLife) d.Add(Text($"half-life {w.EffectiveHalfLife} volumes, not {other.EffectiveHalfLife}"));
        if (w.FisherZ != other.FisherZ) d.Add(w.FisherZ ? "Fisher z, not Pearson r" : "Pearson r (no Fisher z), not Fisher z");
        return d;
    }

    /// <summary>
    /// Null when a model package can record the window settings of the table, else why not: a package states no
    /// taper parameter, and a session computes σ <see cref="SessionGaussianSigma"/> for the Gaussian taper and a
    /// half-life of W/2 for the exponential one.
    /// </summary>
    public string? ModelProblem()
    {
        var w = Window;
        if (w.Taper == WindowTaper.Gaussian && w.GaussianSigma != SessionGaussianSigma)
            return Text($"the table was made with a Gaussian taper of σ {w.GaussianSigma} volumes; a model package records no σ and a session computes σ {SessionGaussianSigma}: remake the table with connectivity --sigma {SessionGaussianSigma}");
        if (w.Taper == WindowTaper.Exponential && w.EffectiveHalfLife != w.Window / 2.0)
            return Text($"the table was made with an exponential taper of half-life {w.EffectiveHalfLife} volumes; a model package records no half-life and a session computes W/2 = {w.Window / 2.0}: remake the table without --half-life");
        return null;
    }

    /// <summary>The window settings in words, e.g. "W=7 gaussian (σ 3), Pearson r".</summary>
    public string Describe() => Describe(Window);

    /// <summary>Window settings in words, e.g. "W=13 rectangular, Fisher z".</summary>
    public static string Describe(SlidingWindowOptions w)
    {
        ArgumentNullException.ThrowIfNull(w);
        string parameter = w.Taper switch
        {
            WindowTaper.Gaussian => Text($" (σ {w.GaussianSigma})"),
            WindowTaper.Exponential => Text($" (half-life {w.EffectiveHalfLife})"),
            _ => "",
        };
        return Text($"W={w.Window} {FeatureSettings.TaperName(w.Taper)}{parameter}, {(w.FisherZ ? "Fisher z" : "Pearson r (no Fisher z)")}");
    }

    private static InputDataException Missing(string path, string key) => new(path, $"has no {key}");

    private static string Text(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
