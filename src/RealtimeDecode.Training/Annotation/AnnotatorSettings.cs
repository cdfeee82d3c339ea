namespace RealtimeDecode.Training.Annotation;

/// <summary>What the endpoint is asked to return.</summary>
public enum ReplyFormat
{
    /// <summary>Structured output constrained by the reply's JSON Schema (OpenAI, vLLM, llama.cpp, Ollama support it).</summary>
    JsonSchema,
    /// <summary>Any JSON object (older servers); the schema is still enforced on the reply.</summary>
    JsonObject,
    /// <summary>No response_format at all; the prompt alone asks for JSON.</summary>
    Text,
}

/// <summary>
/// Settings of an annotation run. Defaults follow the published design (Plutchik 8, story-so-far
/// context, temperature 0, one vote) and are careful with paid endpoints (one request at a time,
/// 60 requests per minute, 200 output tokens at most).
/// </summary>
public sealed record AnnotatorSettings
{
    /// <summary>Base URL of the OpenAI-compatible API (recorded and part of the cache key).</summary>
    public required string Endpoint { get; init; }

    /// <summary>Model name sent with each request.</summary>
    public required string Model { get; init; }

    public EmotionSet Emotions { get; init; } = EmotionSet.Plutchik8;
    public PromptTemplate Template { get; init; } = PromptTemplate.Default;
    public PromptContext Context { get; init; } = PromptContext.Story;

    /// <summary>Sampling temperature; 0 asks for the most likely reply.</summary>
    public float Temperature { get; init; }

    /// <summary>Seed passed to endpoints that support one (reproducibility), or null.</summary>
    public long? Seed { get; init; }

    /// <summary>Output token limit per request (bounds cost), or null for none.</summary>
    public int? MaxOutputTokens { get; init; } = 200;

    public ReplyFormat ResponseFormat { get; init; } = ReplyFormat.JsonSchema;

    /// <summary>Requests per segment; the rating is the median per emotion (mean of the middle two for an even count).</summary>
    public int Votes { get; init; } = 1;

    /// <summary>Attempts per request on 429, 5xx, timeouts and connection failures (1 = no retry).</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>Attempts per request when replies are invalid (not JSON, wrong keys, out of range).</summary>
    public int InvalidReplyAttempts { get; init; } = 2;

    /// <summary>First back-off delay; it doubles after each failure up to <see cref="MaxBackoff"/>. A Retry-After header wins.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Per-request timeout. Unlike back-off and rate limiting (which use <see cref="Time"/>) it runs
    /// on the wall clock, because it measures the network.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Upper bound on request starts per minute (retries included); 0 or less means no bound.</summary>
    public double RequestsPerMinute { get; init; } = 60;

    /// <summary>Requests in flight at once.</summary>
    public int MaxConcurrency { get; init; } = 1;

    /// <summary>Most requests this run may send, retries included; a plan that needs more is refused before sending anything.</summary>
    public int? MaxRequests { get; init; }

    /// <summary>Clock for back-off, rate limiting and timestamps.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a setting out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Endpoint)) throw new ArgumentOutOfRangeException(nameof(Endpoint), "The endpoint is empty.");
        if (string.IsNullOrWhiteSpace(Model)) throw new ArgumentOutOfRangeException(nameof(Model), "The model name is empty.");
        if (Votes < 1) throw new ArgumentOutOfRangeException(nameof(Votes), $"Votes must be at least 1, got {Votes}.");
        if (!float.IsFinite(Temperature) || Temperature < 0 || Temperature > 2) throw new ArgumentOutOfRangeException(nameof(Temperature), $"Temperature must be in [0, 2], got {Temperature}.");
        if (MaxAttempts < 1) throw new ArgumentOutOfRangeException(nameof(MaxAttempts), $"MaxAttempts must be at least 1, got {MaxAttempts}.");
        if (InvalidReplyAttempts < 1) throw new ArgumentOutOfRangeException(nameof(InvalidReplyAttempts), $"InvalidReplyAttempts must be at least 1, got {InvalidReplyAttempts}.");
        if (MaxOutputTokens is < 1) throw new ArgumentOutOfRangeException(nameof(MaxOutputTokens), $"MaxOutputTokens must be at least 1, got {MaxOutputTokens}.");
        if (MaxConcurrency < 1) throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), $"MaxConcurrency must be at least 1, got {MaxConcurrency}.");
        if (MaxRequests is < 0) throw new ArgumentOutOfRangeException(nameof(MaxRequests), $"MaxRequests must not be negative, got {MaxRequests}.");
        if (RequestTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RequestTimeout), "RequestTimeout must be positive.");
        if (InitialBackoff < TimeSpan.Zero || MaxBackoff < InitialBackoff) throw new ArgumentOutOfRangeException(nameof(InitialBackoff), "Back-off delays must satisfy 0 ≤ initial ≤ max.");
        if (double.IsNaN(RequestsPerMinute)) throw new ArgumentOutOfRangeException(nameof(RequestsPerMinute), "RequestsPerMinute is NaN.");
    }
}
