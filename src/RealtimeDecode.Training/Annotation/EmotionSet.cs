using System.Text.RegularExpressions;

namespace RealtimeDecode.Training.Annotation;

/// <summary>One rated dimension: its key (a TSV column and a JSON key) and what 0 and 1 mean.</summary>
/// <param name="Name">Lower-case key: letters, digits and underscores, starting with a letter.</param>
/// <param name="Scale">What the emotion covers and what 0 and 1 mean, shown to the model after its name.</param>
public sealed record Emotion(string Name, string Scale);

/// <summary>
/// The set of emotions an LLM rates for each segment; every rating is a number in [0, 1].
/// <list type="bullet">
/// <item><see cref="Plutchik8"/>: anticipation, joy, trust, fear, surprise, sadness, disgust, anger
/// (the published design's set and order), 0 = absent, 1 = extremely intense.</item>
/// <item><see cref="Ekman6"/>: anger, disgust, fear, joy, sadness, surprise, same anchors.</item>
/// <item><see cref="ValenceArousal"/>: valence on a bipolar scale mapped to [0, 1] (0 = very
/// unpleasant, 0.5 = neutral, 1 = very pleasant) and arousal (0 = calm, 1 = highly activated).</item>
/// </list>
/// A comma-separated list of names (e.g. <c>joy,fear,awe</c>) makes a custom set: known names keep
/// their anchors, others get "0 = not at all, 1 = extremely".
/// </summary>
public sealed partial class EmotionSet
{
    private const string Unipolar = "0 = not felt at all, 1 = felt extremely intensely";

    private static readonly Dictionary<string, string> KnownScales = new(StringComparer.Ordinal)
    {
        ["anticipation"] = "expectancy, interest in what comes next; " + Unipolar,
        ["joy"] = "happiness, delight; " + Unipolar,
        ["trust"] = "acceptance, admiration, feeling safe with someone; " + Unipolar,
        ["fear"] = "apprehension, anxiety, terror; " + Unipolar,
        ["surprise"] = "the unexpected, amazement; " + Unipolar,
        ["sadness"] = "sorrow, loss, grief; " + Unipolar,
        ["disgust"] = "aversion, loathing; " + Unipolar,
        ["anger"] = "annoyance, rage; " + Unipolar,
        ["valence"] = "how pleasant the feeling is; 0 = very unpleasant, 0.5 = neutral, 1 = very pleasant",
        ["arousal"] = "how activated the feeling is; 0 = very calm, 1 = extremely excited or agitated",
    };

    /// <summary>Creates a set; names must be unique keys (see <see cref="Emotion.Name"/>).</summary>
    public EmotionSet(string name, IReadOnlyList<Emotion> emotions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(emotions);
        if (emotions.Count == 0) throw new ArgumentOutOfRangeException(nameof(emotions), "An emotion set needs at least one emotion.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in emotions)
        {
            if (!KeyPattern().IsMatch(e.Name))
                throw new ArgumentOutOfRangeException(nameof(emotions), $"Emotion name '{e.Name}' must be lower-case letters, digits or underscores, starting with a letter.");
            if (!seen.Add(e.Name)) throw new ArgumentOutOfRangeException(nameof(emotions), $"Emotion '{e.Name}' appears twice.");
        }
        Name = name;
        Emotions = emotions;
    }

    /// <summary>The set's name (recorded in provenance).</summary>
    public string Name { get; }

    /// <summary>The emotions, in column order.</summary>
    public IReadOnlyList<Emotion> Emotions { get; }

    /// <summary>The emotions' keys, in column order.</summary>
    public IReadOnlyList<string> Names => Emotions.Select(e => e.Name).ToArray();

    public int Count => Emotions.Count;

    /// <summary>Plutchik's eight basic emotions in the published design's order.</summary>
    public static EmotionSet Plutchik8 { get; } = Known("plutchik8", "anticipation", "joy", "trust", "fear", "surprise", "sadness", "disgust", "anger");

    /// <summary>Ekman's six basic emotions.</summary>
    public static EmotionSet Ekman6 { get; } = Known("ekman6", "anger", "disgust", "fear", "joy", "sadness", "surprise");

    /// <summary>Valence (bipolar, mapped to [0, 1], 0.5 neutral) and arousal.</summary>
    public static EmotionSet ValenceArousal { get; } = Known("valence-arousal", "valence", "arousal");

    /// <summary>
    /// A set by name (<c>plutchik8</c>, <c>ekman6</c>, <c>valence-arousal</c>; case-insensitive) or a
    /// comma-separated list of emotion names. Throws <see cref="ArgumentException"/> with a readable message.
    /// </summary>
    public static EmotionSet Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        switch (t.ToLowerInvariant())
        {
            case "plutchik8" or "plutchik": return Plutchik8;
            case "ekman6" or "ekman": return Ekman6;
            case "valence-arousal" or "valencearousal" or "va": return ValenceArousal;
        }
        var names = t.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0) throw new ArgumentException($"'{text}' names no emotion: use plutchik8, ekman6, valence-arousal or a comma list.");
        foreach (var n in names)
            if (!KeyPattern().IsMatch(n))
                throw new ArgumentException($"'{n}' is not a valid emotion name (lower-case letters, digits, underscores) nor a set (plutchik8, ekman6, valence-arousal).");
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Length)
            throw new ArgumentException($"'{text}' names an emotion twice.");
        return new EmotionSet("custom", names.Select(n => new Emotion(n, KnownScales.GetValueOrDefault(n) ?? Unipolar)).ToArray());
    }

    private static EmotionSet Known(string name, params string[] emotions) =>
        new(name, emotions.Select(e => new Emotion(e, KnownScales[e])).ToArray());

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex KeyPattern();
}
