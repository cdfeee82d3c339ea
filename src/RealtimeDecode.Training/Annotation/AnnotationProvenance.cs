using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RealtimeDecode.Training.Annotation;

/// <summary>
/// The sidecar JSON written beside the annotations TSV (same name, <c>.json</c>): what was asked,
/// of whom, and what it cost, so that a rating table can be traced and reproduced: endpoint, model
/// (asked and reported), emotion set with anchors, both prompt templates and their SHA-256, context,
/// temperature, seed, output token limit, response format, votes and aggregation, the transcript's
/// SHA-256, the date (UTC, from the run's <see cref="TimeProvider"/>), request counts and token
/// totals the endpoint reported. Never the API key.
/// </summary>
public static class AnnotationProvenance
{
    /// <summary>The sidecar path for an annotations TSV path.</summary>
    public static string SidecarPath(string tsvPath) => Path.ChangeExtension(tsvPath, ".json");

    /// <summary>Builds the sidecar document.</summary>
    public static JsonObject Build(AnnotatorSettings s, AnnotationResult result, string transcriptPath, string? cachePath)
    {
        var st = result.Stats;
        return new JsonObject
        {
            ["format"] = "realtime-decode.annotations",
            ["format_version"] = 1,
            ["created_utc"] = s.Time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["software"] = "realtime-decode " + (typeof(AnnotationProvenance).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown"),
            ["transcript"] = new JsonObject
            {
                ["path"] = Path.GetFileName(transcriptPath),
                ["sha256"] = File.Exists(transcriptPath) ? FileSha256(transcriptPath) : null,
                ["segments"] = result.Segments.Count,
            },
            ["endpoint"] = ChatEndpoint.Redact(s.Endpoint),
            ["model"] = s.Model,
            ["models_reported"] = new JsonArray(st.ModelsReported.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()),
            ["emotion_set"] = s.Emotions.Name,
            ["emotions"] = new JsonArray(s.Emotions.Emotions.Select(e => (JsonNode)new JsonObject { ["name"] = e.Name, ["scale"] = e.Scale }).ToArray()),
            ["prompt"] = new JsonObject
            {
                ["system_template"] = s.Template.System,
                ["user_template"] = s.Template.User,
                ["template_sha256"] = s.Template.Sha256,
                ["context"] = s.Context.ToString(),
            },
            ["temperature"] = double.Parse(s.Temperature.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture),
            ["seed"] = s.Seed,
            ["max_output_tokens"] = s.MaxOutputTokens,
            ["response_format"] = s.ResponseFormat switch { ReplyFormat.JsonSchema => "json_schema", ReplyFormat.JsonObject => "json_object", _ => "text" },
            ["reply_schema"] = JsonNode.Parse(RatingReply.Schema(s.Emotions).GetRawText()),
            ["votes"] = s.Votes,
            ["aggregation"] = "median",
            ["cache"] = cachePath is null ? null : Path.GetFileName(cachePath),
            ["requests"] = new JsonObject
            {
                ["total"] = st.Requests,
                ["from_cache"] = st.CacheHits,
                ["sent_this_run"] = st.RequestsSent,
                ["retries_this_run"] = st.Retries,
                ["invalid_replies_this_run"] = st.InvalidReplies,
            },
            ["usage"] = new JsonObject
            {
                ["input_tokens_this_run"] = st.InputTokensSent,
                ["output_tokens_this_run"] = st.OutputTokensSent,
                ["input_tokens_all_answers"] = st.InputTokensAll,
                ["output_tokens_all_answers"] = st.OutputTokensAll,
            },
        };
    }

    /// <summary>Writes the sidecar for <paramref name="tsvPath"/>.</summary>
    public static void Write(string tsvPath, JsonObject doc)
    {
        RealtimeDecode.Engine.Tables.AtomicFile.WriteAllText(SidecarPath(tsvPath), doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    internal static string FileSha256(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }
}
