using System.Text.Json;
using System.Text.Json.Nodes;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Feedback;

/// <summary>
/// Reads an OpenNFT protocol (<c>.json</c>): <c>"Cond"</c> (or <c>"ConditionIndex"</c>), an array of
/// <c>{"ConditionName": NAME, "OnOffsets": [[first, last], …]}</c> in volumes, 1-based and inclusive, and the optional
/// names <c>"BaselineName"</c>, <c>"RegulationName"</c> and <c>"nfbDisplayName"</c> (by OpenNFT's convention
/// <c>BAS</c>, <c>NFBREG</c> and <c>NFBDISP</c> when absent); <c>"Contrast"</c> and other keys are ignored.
/// Interval [a, b] is onset (a − 1)·TR, duration (b − a + 1)·TR. OpenNFT takes the volumes no condition lists as the
/// baseline: when the protocol has no baseline condition, each such gap before the last listed volume becomes a
/// block of a baseline condition named <see cref="ImplicitBaseline"/>.
/// </summary>
public static class OpenNftProtocolFile
{
    /// <summary>The baseline condition made of the unlisted volumes when the protocol names none.</summary>
    public const string ImplicitBaseline = "BAS";

    /// <summary>What the file holds: condition names (file order), the baseline, regulation and display conditions
    /// (null when absent), and the intervals in onset order.</summary>
    public sealed record Content(IReadOnlyList<string> Conditions, string Baseline, string? Regulation, string? Display, IReadOnlyList<PrtFile.Interval> Intervals);

    /// <summary>Reads <paramref name="path"/> with repetition time <paramref name="tr"/> (s); <paramref name="baseline"/>, when
    /// given, names the baseline condition instead of <c>BaselineName</c>.</summary>
    /// <exception cref="InputDataException">The file is missing or malformed: one line naming the file and the problem.</exception>
    public static Content Read(string path, double tr, string? baseline = null)
    {
        if (!File.Exists(path)) throw new InputDataException(path, "file not found");
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }); }
        catch (JsonException e) { throw new InputDataException(path, $"is not valid JSON ({e.Message.Split('\n')[0]})", e); }
        if (root is not JsonObject o) throw new InputDataException(path, "must hold a JSON object");
        var list = (o["Cond"] ?? o["ConditionIndex"]) as JsonArray
            ?? throw new InputDataException(path, "has no \"Cond\" (or \"ConditionIndex\") array of conditions: not an OpenNFT protocol");
        var names = new List<string>();
        var intervals = new List<PrtFile.Interval>();
        var volumes = new List<(int First, int Last)>();
        for (int c = 0; c < list.Count; c++)
        {
            if (list[c] is not JsonObject cond || cond["ConditionName"] is not JsonValue nv || !nv.TryGetValue(out string? name) || string.IsNullOrWhiteSpace(name))
                throw new InputDataException(path, $"condition {c + 1} has no ConditionName");
            if (names.Contains(name, StringComparer.Ordinal)) throw new InputDataException(path, $"condition '{name}' appears twice");
            if (cond["OnOffsets"] is not JsonArray onOff) throw new InputDataException(path, $"condition '{name}' has no OnOffsets array");
            foreach (var pair in onOff)
            {
                if (pair is not JsonArray { Count: 2 } ab || !Volume(ab[0], out int a) || !Volume(ab[1], out int b) || b < a)
                    throw new InputDataException(path, $"condition '{name}': OnOffsets entry {pair?.ToJsonString()} is not [first, last] whole volumes with 1 ≤ first ≤ last");
                intervals.Add(new PrtFile.Interval((a - 1) * tr, (b - a + 1) * tr, name));
                volumes.Add((a, b));
            }
            names.Add(name);
        }
        if (intervals.Count == 0) throw new InputDataException(path, "no OnOffsets intervals");

        string? Named(string key, string convention)
        {
            if (o[key] is JsonValue v && v.TryGetValue(out string? s) && !string.IsNullOrWhiteSpace(s))
                return names.Contains(s, StringComparer.Ordinal) ? s : throw new InputDataException(path, $"{key} '{s}' is not one of its conditions ({string.Join(", ", names)})");
            return names.Contains(convention, StringComparer.Ordinal) ? convention : null;
        }
        string? regulation = Named("RegulationName", "NFBREG");
        string? display = Named("nfbDisplayName", "NFBDISP");
        if (baseline is not null && !names.Contains(baseline, StringComparer.Ordinal))
            throw new InputDataException(path, $"--baseline '{baseline}' is not one of its conditions ({string.Join(", ", names)})");
        baseline ??= Named("BaselineName", ImplicitBaseline);
        if (baseline is null)
        {
            // OpenNFT's baseline is every volume no condition lists: make those gaps blocks of their own.
            baseline = ImplicitBaseline;
            names.Insert(0, baseline);
            var taken = new bool[volumes.Max(v => v.Last) + 1];
            foreach (var (a, b) in volumes)
                for (int v = a; v <= b; v++) taken[v] = true;
            for (int v = 1; v < taken.Length;)
            {
                if (taken[v]) { v++; continue; }
                int first = v;
                while (v < taken.Length && !taken[v]) v++;
                intervals.Add(new PrtFile.Interval((first - 1) * tr, (v - first) * tr, baseline));
            }
        }
        return new Content(names, baseline, regulation, display, intervals.OrderBy(i => i.Onset).ToList());
    }

    private static bool Volume(JsonNode? node, out int volume)
    {
        volume = 0;
        if (node is not JsonValue v) return false;
        if (v.TryGetValue(out int i)) volume = i;
        else if (v.TryGetValue(out double d) && d == Math.Floor(d) && d is >= 1 and <= int.MaxValue) volume = (int)d;
        else return false;
        return volume >= 1;
    }
}
