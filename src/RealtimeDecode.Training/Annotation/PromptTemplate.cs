using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace RealtimeDecode.Training.Annotation;

/// <summary>
/// The two messages sent for each segment: a system message and a user message, both templates with
/// <c>{{placeholder}}</c> fields:
/// <list type="table">
/// <item><term>context</term><description>the text the model sees, one segment per line: by default
/// the story so far including the rated segment (see <see cref="PromptContext"/>)</description></item>
/// <item><term>segment</term><description>the rated segment's text</description></item>
/// <item><term>emotions</term><description>the emotion keys, comma-separated</description></item>
/// <item><term>emotion_scales</term><description>one line per emotion: "- key: meaning of 0 and 1"</description></item>
/// <item><term>json_example</term><description>the reply's shape, e.g. {"joy": 0.0, "fear": 0.0}</description></item>
/// <item><term>index</term>, <term>count</term><description>1-based segment number and number of segments</description></item>
/// <item><term>onset</term>, <term>offset</term><description>the segment's times in seconds</description></item>
/// </list>
/// An unknown placeholder is an error, so a typo never reaches a paid endpoint.
/// </summary>
public sealed partial class PromptTemplate
{
    /// <summary>The default system message.</summary>
    public const string DefaultSystem =
        "You are an expert annotator of emotion in narrative text. You rate how intensely a listener " +
        "hearing a story would feel each of several emotions at a given sentence. You answer with a " +
        "single JSON object and nothing else.";

    /// <summary>The default user message: the story so far, then the last sentence to rate.</summary>
    public const string DefaultUser =
        "Here is a story, up to and including its latest sentence:\n\n" +
        "\"\"\"\n{{context}}\n\"\"\"\n\n" +
        "Focus on the last sentence: \"{{segment}}\"\n\n" +
        "Using the story so far as context, rate how intensely a listener would feel each of these " +
        "emotions while hearing the last sentence. Each rating is a number from 0 to 1:\n" +
        "{{emotion_scales}}\n\n" +
        "Reply with only a JSON object with exactly these keys ({{emotions}}), each a number between 0 and 1, like:\n" +
        "{{json_example}}";

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
        { "context", "segment", "emotions", "emotion_scales", "json_example", "index", "count", "onset", "offset" };

    /// <summary>Creates a template; throws <see cref="ArgumentException"/> on an unknown placeholder.</summary>
    public PromptTemplate(string system, string user)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(user);
        foreach (var (text, which) in new[] { (system, "system prompt"), (user, "prompt") })
            foreach (Match m in Placeholder().Matches(text))
                if (!Known.Contains(m.Groups[1].Value))
                    throw new ArgumentException($"The {which} template has an unknown placeholder {{{{{m.Groups[1].Value}}}}}; known: {string.Join(", ", Known.Order(StringComparer.Ordinal))}.");
        if (!user.Contains("{{segment}}", StringComparison.Ordinal) && !user.Contains("{{context}}", StringComparison.Ordinal))
            throw new ArgumentException("The prompt template must contain {{segment}} or {{context}}: otherwise every segment gets the same prompt.");
        System = system;
        User = user;
    }

    /// <summary>The default template.</summary>
    public static PromptTemplate Default { get; } = new(DefaultSystem, DefaultUser);

    public string System { get; }
    public string User { get; }

    /// <summary>SHA-256 (hex, lower case) of the system and user templates, for provenance.</summary>
    public string Sha256
    {
        get
        {
            var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(System + "\u0000" + User));
            return Convert.ToHexStringLower(bytes);
        }
    }

    /// <summary>Fills the templates for segment <paramref name="index"/>.</summary>
    public (string System, string User) Render(IReadOnlyList<TranscriptSegment> segments, int index, EmotionSet emotions, PromptContext context)
    {
        var seg = segments[index];
        int first = context.Kind switch
        {
            PromptContextKind.Story => 0,
            PromptContextKind.Segment => index,
            _ => Math.Max(0, index - context.Window + 1),
        };
        var ctx = new StringBuilder();
        for (int i = first; i <= index; i++)
        {
            if (i > first) ctx.Append('\n');
            ctx.Append(segments[i].Text.Trim());
        }
        var scales = string.Join("\n", emotions.Emotions.Select(e => $"- {e.Name}: {e.Scale}"));
        var example = "{" + string.Join(", ", emotions.Names.Select(n => $"\"{n}\": 0.0")) + "}";
        string Fill(string t) => Placeholder().Replace(t, m => m.Groups[1].Value switch
        {
            "context" => ctx.ToString(),
            "segment" => seg.Text.Trim(),
            "emotions" => string.Join(", ", emotions.Names),
            "emotion_scales" => scales,
            "json_example" => example,
            "index" => (index + 1).ToString(CultureInfo.InvariantCulture),
            "count" => segments.Count.ToString(CultureInfo.InvariantCulture),
            "onset" => seg.Onset.ToString("0.###", CultureInfo.InvariantCulture),
            "offset" => seg.Offset.ToString("0.###", CultureInfo.InvariantCulture),
            _ => m.Value,
        });
        return (Fill(System), Fill(User));
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z_]+)\s*\}\}")]
    private static partial Regex Placeholder();
}

/// <summary>How much of the story goes into <c>{{context}}</c>.</summary>
public enum PromptContextKind
{
    /// <summary>Every segment from the first up to and including the rated one (the published design).</summary>
    Story,
    /// <summary>Only the rated segment.</summary>
    Segment,
    /// <summary>The rated segment and the ones before it, <see cref="PromptContext.Window"/> in all.</summary>
    Window,
}

/// <summary>The context setting: <c>story</c>, <c>segment</c> or <c>window:N</c>.</summary>
public readonly record struct PromptContext(PromptContextKind Kind, int Window)
{
    public static PromptContext Story => new(PromptContextKind.Story, 0);

    /// <summary>Parses <c>story</c>, <c>segment</c> or <c>window:N</c> (N ≥ 1).</summary>
    public static PromptContext Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "story") return Story;
        if (t == "segment") return new(PromptContextKind.Segment, 1);
        if (t.StartsWith("window:", StringComparison.Ordinal)
            && int.TryParse(t.AsSpan(7), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 1)
            return new(PromptContextKind.Window, n);
        throw new ArgumentException($"context '{text}' is not one of story, segment, window:N (N ≥ 1)");
    }

    public override string ToString() => Kind switch
    {
        PromptContextKind.Story => "story",
        PromptContextKind.Segment => "segment",
        _ => $"window:{Window.ToString(CultureInfo.InvariantCulture)}",
    };
}
