using System.Globalization;
using System.Text.Json;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Feedback;

/// <summary>
/// Reads a protocol: a BIDS events table (<c>onset duration trial_type</c>, tab-separated, header row,
/// seconds from the first volume's acquisition, one block per row) and its JSON sidecar (the same path
/// with <c>.json</c> for <c>.tsv</c>) that defines each condition. The README documents every key.
/// </summary>
public static class ProtocolFile
{
    /// <summary>Reads and validates the protocol at <paramref name="path"/> (the events table).</summary>
    /// <exception cref="InputDataException">A missing or malformed file, an unknown condition, overlapping blocks, a
    /// regulation block with no baseline before it, or a sidecar key with a bad value: one line naming the file.</exception>
    public static FeedbackProtocol Read(string path)
    {
        if (!File.Exists(path)) throw new InputDataException(path, "file not found");
        string sidecar = System.IO.Path.ChangeExtension(path, ".json");
        if (!File.Exists(sidecar)) throw new InputDataException(path, $"its sidecar {sidecar} is missing");
        var settings = ReadSidecar(sidecar);
        var blocks = ReadEvents(path, settings.Conditions);
        return new FeedbackProtocol(path, settings.Conditions.Values.ToList(), blocks, settings.Method, settings.Skip,
            settings.Smoothing, settings.Delay, settings.RangeMin, settings.RangeMax);
    }

    private sealed record Sidecar(Dictionary<string, ProtocolCondition> Conditions, NormalisationMethod Method, double Skip,
        int Smoothing, double Delay, double RangeMin, double RangeMax);

    private static List<ProtocolBlock> ReadEvents(string path, Dictionary<string, ProtocolCondition> conditions)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || string.IsNullOrWhiteSpace(lines[0])) throw new InputDataException(path, "empty events table (a header 'onset duration trial_type' is needed)");
        var header = lines[0].Split('\t').Select(h => h.Trim()).ToArray();
        int iOnset = Array.IndexOf(header, "onset"), iDur = Array.IndexOf(header, "duration"), iType = Array.IndexOf(header, "trial_type");
        if (iOnset < 0 || iDur < 0 || iType < 0)
            throw new InputDataException(path, $"the header needs columns onset, duration and trial_type (it has {string.Join(", ", header)})");
        var blocks = new List<ProtocolBlock>();
        for (int li = 1; li < lines.Length; li++)
        {
            if (string.IsNullOrWhiteSpace(lines[li])) continue;
            var f = lines[li].Split('\t');
            int row = blocks.Count + 1;
            if (f.Length != header.Length)
                throw new InputDataException(path, $"line {li + 1} has {f.Length} fields, the header {header.Length}");
            if (!double.TryParse(f[iOnset].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double onset) || !double.IsFinite(onset) || onset < 0)
                throw new InputDataException(path, $"line {li + 1}: onset '{f[iOnset]}' is not a number ≥ 0");
            if (!double.TryParse(f[iDur].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double dur) || !double.IsFinite(dur) || dur <= 0)
                throw new InputDataException(path, $"line {li + 1}: duration '{f[iDur]}' is not a number > 0");
            string type = f[iType].Trim();
            if (!conditions.TryGetValue(type, out var c))
                throw new InputDataException(path, $"line {li + 1}: condition '{type}' is not defined in the sidecar's Conditions ({string.Join(", ", conditions.Keys)})");
            blocks.Add(new ProtocolBlock(row, onset, dur, c));
        }
        return blocks;
    }

    private static Sidecar ReadSidecar(string path)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InputDataException(path, $"not valid JSON ({e.Message.Split('\n')[0]})"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InputDataException(path, "the sidecar must be a JSON object");
            if (!root.TryGetProperty("Conditions", out var conds) || conds.ValueKind != JsonValueKind.Object)
                throw new InputDataException(path, "\"Conditions\" (an object of condition name → definition) is required");
            var conditions = new Dictionary<string, ProtocolCondition>(StringComparer.Ordinal);
            foreach (var p in conds.EnumerateObject()) conditions[p.Name] = ReadCondition(path, p.Name, p.Value);
            if (conditions.Count == 0) throw new InputDataException(path, "\"Conditions\" defines no condition");

            var method = NormalisationMethod.Z;
            double skip = 6;
            if (root.TryGetProperty("Normalisation", out var norm))
            {
                if (norm.ValueKind != JsonValueKind.Object) throw new InputDataException(path, "\"Normalisation\" must be an object");
                string m = String(path, norm, "Method", "Normalisation") ?? "z";
                method = m switch
                {
                    "difference" => NormalisationMethod.Difference,
                    "percent" => NormalisationMethod.Percent,
                    "z" => NormalisationMethod.Z,
                    _ => throw new InputDataException(path, $"Normalisation.Method '{m}' is not difference, percent or z"),
                };
                skip = Number(path, norm, "BaselineSkip", "Normalisation") ?? 6;
                if (skip < 0) throw new InputDataException(path, "Normalisation.BaselineSkip must be ≥ 0 s");
            }
            double smoothingValue = Number(path, root, "Smoothing", null) ?? 1;
            if (smoothingValue < 1 || smoothingValue != Math.Floor(smoothingValue) || smoothingValue > 10000)
                throw new InputDataException(path, "\"Smoothing\" must be a whole number of estimates ≥ 1");
            double delay = Number(path, root, "HaemodynamicDelay", null) ?? 6;
            if (delay < 0) throw new InputDataException(path, "\"HaemodynamicDelay\" must be ≥ 0 s");
            var (lo, hi) = method switch { NormalisationMethod.Percent => (-100.0, 100.0), NormalisationMethod.Difference => (-1.0, 1.0), _ => (-3.0, 3.0) };
            if (root.TryGetProperty("Range", out var range))
            {
                if (range.ValueKind != JsonValueKind.Array || range.GetArrayLength() != 2 || range[0].ValueKind != JsonValueKind.Number || range[1].ValueKind != JsonValueKind.Number)
                    throw new InputDataException(path, "\"Range\" must be [min, max]");
                lo = range[0].GetDouble();
                hi = range[1].GetDouble();
                if (!(lo < hi)) throw new InputDataException(path, "\"Range\" must have min < max");
            }
            return new Sidecar(conditions, method, skip, (int)smoothingValue, delay, lo, hi);
        }
    }

    private static ProtocolCondition ReadCondition(string path, string name, JsonElement e)
    {
        string where = $"Conditions.{name}";
        if (e.ValueKind != JsonValueKind.Object) throw new InputDataException(path, $"{where} must be an object");
        string roleText = String(path, e, "Role", where) ?? throw new InputDataException(path, $"{where}.Role is required (baseline, regulate, rest or display)");
        var role = roleText switch
        {
            "baseline" => ConditionRole.Baseline,
            "regulate" => ConditionRole.Regulate,
            "rest" or "instruction" => ConditionRole.Rest,
            "display" => ConditionRole.Display,
            _ => throw new InputDataException(path, $"{where}.Role '{roleText}' is not baseline, regulate, rest or display"),
        };
        var source = new Dictionary<string, double>(StringComparer.Ordinal);
        if (e.TryGetProperty("Target", out var target))
        {
            if (role != ConditionRole.Regulate) throw new InputDataException(path, $"{where}.Target is only for regulate conditions");
            if (target.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(target.GetString())) source[target.GetString()!.Trim()] = 1;
            else if (target.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in target.EnumerateObject())
                {
                    if (p.Value.ValueKind != JsonValueKind.Number || !double.IsFinite(p.Value.GetDouble()))
                        throw new InputDataException(path, $"{where}.Target.{p.Name} must be a number (the weight)");
                    source[p.Name] = p.Value.GetDouble();
                }
                if (source.Count == 0) throw new InputDataException(path, $"{where}.Target names no target");
            }
            else throw new InputDataException(path, $"{where}.Target must be a target name or an object of target → weight");
        }
        else if (role == ConditionRole.Regulate) throw new InputDataException(path, $"{where}.Target is required for a regulate condition");
        string dirText = String(path, e, "Direction", where) ?? "up";
        int direction = dirText switch
        {
            "up" => 1,
            "down" => -1,
            _ => throw new InputDataException(path, $"{where}.Direction '{dirText}' is not up or down"),
        };
        string? fbText = String(path, e, "Feedback", where);
        var feedback = fbText switch
        {
            null => role == ConditionRole.Regulate ? FeedbackMode.Continuous : FeedbackMode.None,
            "continuous" => FeedbackMode.Continuous,
            "intermittent" => FeedbackMode.Intermittent,
            "none" => FeedbackMode.None,
            _ => throw new InputDataException(path, $"{where}.Feedback '{fbText}' is not continuous, intermittent or none"),
        };
        if (role != ConditionRole.Regulate && feedback != FeedbackMode.None)
            throw new InputDataException(path, $"{where}.Feedback is only for regulate conditions");
        bool thermometerDefault = feedback == FeedbackMode.Continuous || role == ConditionRole.Display;
        bool thermometer = thermometerDefault;
        if (e.TryGetProperty("Thermometer", out var th))
        {
            if (th.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw new InputDataException(path, $"{where}.Thermometer must be true or false");
            thermometer = th.GetBoolean();
        }
        double score = Number(path, e, "ScoreSeconds", where) ?? 4;
        if (score <= 0) throw new InputDataException(path, $"{where}.ScoreSeconds must be > 0");
        string instruction = String(path, e, "Instruction", where) ?? "";
        string colour = String(path, e, "Colour", where) ?? "#ffffff";
        return new ProtocolCondition(name, role, source, direction, feedback, instruction, colour, thermometer, score);
    }

    private static string? String(string path, JsonElement e, string key, string? where)
    {
        if (!e.TryGetProperty(key, out var v)) return null;
        if (v.ValueKind != JsonValueKind.String) throw new InputDataException(path, $"{Key(where, key)} must be a string");
        return v.GetString();
    }

    private static double? Number(string path, JsonElement e, string key, string? where)
    {
        if (!e.TryGetProperty(key, out var v)) return null;
        if (v.ValueKind != JsonValueKind.Number || !double.IsFinite(v.GetDouble())) throw new InputDataException(path, $"{Key(where, key)} must be a number");
        return v.GetDouble();
    }

    private static string Key(string? where, string key) => where is null ? $"\"{key}\"" : $"{where}.{key}";
}
