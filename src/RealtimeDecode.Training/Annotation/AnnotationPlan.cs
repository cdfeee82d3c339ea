namespace RealtimeDecode.Training.Annotation;

/// <summary>One request: a segment, a vote number, its rendered messages and its cache key.</summary>
public sealed record AnnotationRequest(int Segment, int Vote, string System, string User, string Key, bool Cached);

/// <summary>
/// Every request a run needs, and which of them the cache already answers. Prompt tokens are
/// estimated at four characters per token (a rough rule for English text), to weigh cost before
/// anything is sent.
/// </summary>
public sealed record AnnotationPlan(IReadOnlyList<AnnotationRequest> Requests)
{
    public int Total => Requests.Count;
    public int Cached => Requests.Count(r => r.Cached);
    public int ToSend => Total - Cached;

    /// <summary>Estimated prompt tokens of the requests still to send.</summary>
    public long EstimatedPromptTokensToSend => Requests.Where(r => !r.Cached).Sum(r => (long)(r.System.Length + r.User.Length + 3) / 4);
}

/// <summary>Progress of a run: requests done (answered or found in the cache) out of the total.</summary>
public readonly record struct AnnotationProgress(int Done, int Total, int FromCache, int Sent, int Retries);

/// <summary>Counts of what a run did; tokens are those the endpoint reported (null when it reported none).</summary>
public sealed record AnnotationRunStats
{
    public int Requests { get; init; }
    public int CacheHits { get; init; }
    public int RequestsSent { get; init; }
    public int Retries { get; init; }
    public int InvalidReplies { get; init; }
    public long? InputTokensSent { get; init; }
    public long? OutputTokensSent { get; init; }
    public long? InputTokensAll { get; init; }
    public long? OutputTokensAll { get; init; }
    public IReadOnlyList<string> ModelsReported { get; init; } = [];
}

/// <summary>The ratings: rows = segments, columns = emotions, values in [0, 1].</summary>
public sealed record AnnotationResult(IReadOnlyList<TranscriptSegment> Segments, EmotionSet Emotions, double[] Values, AnnotationRunStats Stats)
{
    public double this[int segment, int emotion] => Values[segment * Emotions.Count + emotion];
}
