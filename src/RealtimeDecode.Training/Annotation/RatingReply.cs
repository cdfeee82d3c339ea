using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RealtimeDecode.Training.Annotation;

/// <summary>
/// The reply contract: one JSON object with exactly one number in [0, 1] per emotion key and no other
/// key. <see cref="Schema"/> is the JSON Schema sent to endpoints that support structured output;
/// <see cref="Parse"/> enforces the same contract on what comes back, whatever the endpoint did.
/// The only leniencies are surrounding white space, a leading reasoning block
/// (<c>&lt;think&gt;…&lt;/think&gt;</c>, which local reasoning models emit before their answer) and one
/// Markdown code fence (```json … ```), which some local models add even when asked not to; the
/// JSON inside must still be strict.
/// </summary>
internal static class RatingReply
{
    /// <summary>The JSON Schema of a valid reply for <paramref name="emotions"/>.</summary>
    public static JsonElement Schema(EmotionSet emotions)
    {
        var props = new JsonObject();
        foreach (var n in emotions.Names)
            props[n] = new JsonObject { ["type"] = "number", ["minimum"] = 0, ["maximum"] = 1 };
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = props,
            ["required"] = new JsonArray(emotions.Names.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()),
            ["additionalProperties"] = false,
        };
        return JsonSerializer.SerializeToElement(schema);
    }

    /// <summary>
    /// Validates <paramref name="reply"/> and returns one rating per emotion, in the set's order.
    /// Throws <see cref="FormatException"/> whose message says what is wrong (without the segment,
    /// which the caller adds).
    /// </summary>
    public static double[] Parse(string? reply, EmotionSet emotions)
    {
        if (string.IsNullOrWhiteSpace(reply)) throw new FormatException("the reply is empty");
        var text = StripFence(StripThinking(reply.Trim()));
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e)
        {
            throw new FormatException($"the reply is not valid JSON ({e.Message.Split('.')[0]}): {Excerpt(reply)}");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new FormatException($"the reply is a JSON {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object: {Excerpt(reply)}");
            var names = emotions.Names;
            var result = new double[names.Count];
            var found = new bool[names.Count];
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                int k = IndexOf(names, p.Name);
                if (k < 0) throw new FormatException($"the reply has an unexpected key '{p.Name}' (expected exactly: {string.Join(", ", names)})");
                if (found[k]) throw new FormatException($"the reply has key '{p.Name}' twice");
                if (p.Value.ValueKind != JsonValueKind.Number)
                    throw new FormatException($"'{p.Name}' is {p.Value.GetRawText()}, not a number");
                double v = p.Value.GetDouble();
                if (!double.IsFinite(v) || v < 0 || v > 1)
                    throw new FormatException($"'{p.Name}' is {v.ToString("R", CultureInfo.InvariantCulture)}, outside [0, 1]");
                result[k] = v;
                found[k] = true;
            }
            var missing = names.Where((_, i) => !found[i]).ToArray();
            if (missing.Length > 0) throw new FormatException($"the reply lacks {string.Join(", ", missing.Select(m => $"'{m}'"))}: {Excerpt(reply)}");
            return result;
        }
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++) if (names[i] == name) return i;
        return -1;
    }

    private static string StripThinking(string t)
    {
        if (!t.StartsWith("<think>", StringComparison.Ordinal)) return t;
        int end = t.IndexOf("</think>", StringComparison.Ordinal);
        return end < 0 ? t : t[(end + "</think>".Length)..].Trim();
    }

    private static string StripFence(string t)
    {
        if (!t.StartsWith("```", StringComparison.Ordinal) || !t.EndsWith("```", StringComparison.Ordinal) || t.Length < 6) return t;
        int nl = t.IndexOf('\n');
        if (nl < 0) return t;
        return t[(nl + 1)..^3].Trim();
    }

    private static string Excerpt(string s)
    {
        var one = s.Replace('\n', ' ').Replace('\r', ' ').Trim();
        return one.Length <= 120 ? $"«{one}»" : $"«{one[..117]}...»";
    }
}
