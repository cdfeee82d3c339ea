using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RealtimeDecode.Training.Annotation;

/// <summary>One answered request as the cache keeps it.</summary>
/// <param name="Key">See <see cref="AnnotationCache.Key"/>.</param>
/// <param name="Segment">0-based segment index when it was asked (informative only).</param>
/// <param name="Vote">0-based vote number.</param>
/// <param name="Reply">The model's raw reply text, validated before it was stored.</param>
/// <param name="ModelReported">The model name the endpoint reported, if any.</param>
/// <param name="InputTokens">Prompt tokens the endpoint reported, if any.</param>
/// <param name="OutputTokens">Completion tokens the endpoint reported, if any.</param>
/// <param name="Time">When the answer arrived (UTC, ISO 8601).</param>
public sealed record CachedAnswer(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("segment")] int Segment,
    [property: JsonPropertyName("vote")] int Vote,
    [property: JsonPropertyName("reply")] string Reply,
    [property: JsonPropertyName("model_reported")] string? ModelReported,
    [property: JsonPropertyName("input_tokens")] long? InputTokens,
    [property: JsonPropertyName("output_tokens")] long? OutputTokens,
    [property: JsonPropertyName("time")] string Time);

/// <summary>
/// On-disk cache of answered requests: a JSON-lines file, one <see cref="CachedAnswer"/> per line,
/// appended and flushed to disk as each answer arrives, so an interrupted run loses nothing and a
/// rerun sends nothing already answered. Only valid replies are stored. A line cut short by a crash
/// (or otherwise unreadable) is skipped on load and counted in <see cref="SkippedLines"/>.
/// Thread-safe.
/// </summary>
public sealed class AnnotationCache : IDisposable
{
    private readonly Dictionary<string, CachedAnswer> _answers = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private FileStream? _stream;

    private AnnotationCache(string? path) => Path = path;

    /// <summary>The cache file, or null for an in-memory cache.</summary>
    public string? Path { get; }

    /// <summary>Lines that could not be read when the cache was opened.</summary>
    public int SkippedLines { get; private set; }

    public int Count { get { lock (_gate) return _answers.Count; } }

    /// <summary>A cache that lives only in memory (dry runs, tests).</summary>
    public static AnnotationCache InMemory() => new(null);

    /// <summary>Opens (or creates on first write) the cache file at <paramref name="path"/>.</summary>
    public static AnnotationCache Open(string path)
    {
        var cache = new AnnotationCache(path);
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path, Encoding.UTF8))
            {
                if (line.Length == 0) continue;
                try
                {
                    var a = JsonSerializer.Deserialize<CachedAnswer>(line);
                    if (a is null || string.IsNullOrEmpty(a.Key) || a.Reply is null) { cache.SkippedLines++; continue; }
                    cache._answers[a.Key] = a;
                }
                catch (JsonException) { cache.SkippedLines++; }
            }
        }
        return cache;
    }

    /// <summary>The stored answer for <paramref name="key"/>, if any.</summary>
    public bool TryGet(string key, out CachedAnswer answer)
    {
        lock (_gate) return _answers.TryGetValue(key, out answer!);
    }

    /// <summary>Stores <paramref name="answer"/> and, for a file cache, writes it to disk before returning.</summary>
    public void Add(CachedAnswer answer)
    {
        lock (_gate)
        {
            _answers[answer.Key] = answer;
            if (Path is null) return;
            if (_stream is null)
            {
                var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
                if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
                _stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
                // A crash mid-line leaves no newline at the end: start on a fresh line so the cut line stays alone.
                if (_stream.Length > 0 && LastByte(Path) != (byte)'\n') _stream.WriteByte((byte)'\n');
            }
            var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(answer) + "\n");
            _stream.Write(bytes);
            _stream.Flush(flushToDisk: true);
        }
    }

    private static int LastByte(string path)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (f.Length == 0) return -1;
        f.Seek(-1, SeekOrigin.End);
        return f.ReadByte();
    }

    /// <summary>
    /// The cache key: SHA-256 (hex) of a canonical JSON of everything that decides the answer: the
    /// endpoint (as <see cref="ChatEndpoint.NormalizeEndpoint"/> gives it), the model, temperature, seed, token limit, response format,
    /// both rendered messages (which hold the segment and its context), the segment text and the vote
    /// number. Never the API key.
    /// </summary>
    public static string Key(string endpoint, string model, AnnotatorSettings settings, string system, string user, string segmentText, int vote)
    {
        var canonical = JsonSerializer.Serialize(new object?[]
        {
            "rtdecode-annotation-v1", CanonicalEndpoint(endpoint), model, settings.Temperature, settings.Seed,
            settings.MaxOutputTokens, settings.ResponseFormat.ToString(), system, user, segmentText, vote,
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static string CanonicalEndpoint(string endpoint)
    {
        try { return ChatEndpoint.NormalizeEndpoint(endpoint).AbsoluteUri.TrimEnd('/'); }
        catch (ArgumentException) { return endpoint.Trim().TrimEnd('/'); }
    }

    public void Dispose()
    {
        lock (_gate) { _stream?.Dispose(); _stream = null; }
    }
}
