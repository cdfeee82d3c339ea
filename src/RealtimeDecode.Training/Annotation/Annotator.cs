using System.Globalization;
using Microsoft.Extensions.AI;

namespace RealtimeDecode.Training.Annotation;

/// <summary>
/// Rates every segment of a transcript on a set of emotions with a chat model. For each segment and
/// vote it renders the prompt, looks the request up in the <see cref="AnnotationCache"/>, and only
/// otherwise sends it, through a <see cref="RequestRateLimiter"/>, with exponential back-off on
/// 429, 5xx, timeouts and connection failures (honouring Retry-After), and with the reply checked
/// against <see cref="RatingReply"/>. A valid reply is written to the cache at once. The rating of a
/// segment is the per-emotion median of its votes.
/// </summary>
public sealed class Annotator
{
    private readonly IChatClient _client;
    private readonly AnnotatorSettings _s;
    private readonly AnnotationCache _cache;

    public Annotator(IChatClient client, AnnotatorSettings settings, AnnotationCache cache)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(cache);
        settings.Validate();
        _client = client;
        _s = settings;
        _cache = cache;
    }

    /// <summary>Renders every request and checks the cache; sends nothing.</summary>
    public AnnotationPlan Plan(IReadOnlyList<TranscriptSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Count == 0) throw new ArgumentException("The transcript has no segments.", nameof(segments));
        var list = new List<AnnotationRequest>(segments.Count * _s.Votes);
        for (int i = 0; i < segments.Count; i++)
        {
            var (sys, user) = _s.Template.Render(segments, i, _s.Emotions, _s.Context);
            for (int v = 0; v < _s.Votes; v++)
            {
                var key = AnnotationCache.Key(_s.Endpoint, _s.Model, _s, sys, user, segments[i].Text, v);
                list.Add(new AnnotationRequest(i, v, sys, user, key, _cache.TryGet(key, out _)));
            }
        }
        return new AnnotationPlan(list);
    }

    /// <summary>
    /// Annotates <paramref name="segments"/>. Throws <see cref="AnnotationException"/> (naming the
    /// segment) when a reply stays invalid, the endpoint keeps failing or refuses, or the request
    /// budget would be exceeded; every answer received before is kept in the cache.
    /// </summary>
    public async Task<AnnotationResult> AnnotateAsync(IReadOnlyList<TranscriptSegment> segments, IProgress<AnnotationProgress>? progress = null, CancellationToken ct = default)
    {
        var plan = Plan(segments);
        if (_s.MaxRequests is { } budget && plan.ToSend > budget)
            throw new AnnotationException($"this run would send {plan.ToSend} requests ({plan.Cached} of {plan.Total} are cached), more than the limit of {budget}; raise the limit or check the plan with a dry run");

        var limiter = new RequestRateLimiter(_s.RequestsPerMinute, _s.Time);
        var options = BuildOptions();
        var counters = new Counters { FromCache = plan.Cached, Done = plan.Cached };
        progress?.Report(counters.Snapshot(plan.Total));

        await Parallel.ForEachAsync(plan.Requests.Where(r => !r.Cached),
            new ParallelOptions { MaxDegreeOfParallelism = _s.MaxConcurrency, CancellationToken = ct },
            async (req, token) =>
            {
                await AskAsync(req, segments, options, limiter, counters, token).ConfigureAwait(false);
                lock (counters) counters.Done++;
                progress?.Report(counters.Snapshot(plan.Total));
            }).ConfigureAwait(false);

        return Assemble(segments, plan, counters);
    }

    private ChatOptions BuildOptions()
    {
        var o = new ChatOptions
        {
            ModelId = _s.Model,
            Temperature = _s.Temperature,
            Seed = _s.Seed,
            MaxOutputTokens = _s.MaxOutputTokens,
        };
        o.ResponseFormat = _s.ResponseFormat switch
        {
            ReplyFormat.JsonSchema => ChatResponseFormat.ForJsonSchema(RatingReply.Schema(_s.Emotions), "emotion_ratings", "One rating in [0, 1] per emotion."),
            ReplyFormat.JsonObject => ChatResponseFormat.Json,
            _ => null,
        };
        return o;
    }

    private async Task AskAsync(AnnotationRequest req, IReadOnlyList<TranscriptSegment> segments, ChatOptions options,
        RequestRateLimiter limiter, Counters counters, CancellationToken ct)
    {
        var seg = segments[req.Segment];
        var messages = new List<ChatMessage>(2);
        if (req.System.Length > 0) messages.Add(new ChatMessage(ChatRole.System, req.System));
        messages.Add(new ChatMessage(ChatRole.User, req.User));

        int transientFailures = 0, invalid = 0;
        while (true)
        {
            lock (counters)
            {
                if (_s.MaxRequests is { } budget && counters.Sent >= budget)
                    throw new AnnotationException($"{Describe(seg)}: the limit of {budget} requests is reached (retries count); answers so far are cached", seg.Index);
                counters.Sent++;
            }
            await limiter.WaitAsync(ct).ConfigureAwait(false);
            ChatResponse response;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                timeout.CancelAfter(_s.RequestTimeout);
                string? failure = null;
                TimeSpan? retryAfter = null;
                try
                {
                    response = await _client.GetResponseAsync(messages, options, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    failure = $"no reply within {_s.RequestTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
                    response = null!;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    var verdict = EndpointFailure.Classify(e, _s.Time.GetUtcNow());
                    if (!verdict.Transient)
                        throw new AnnotationException(verdict.Description.StartsWith("HTTP", StringComparison.Ordinal)
                            ? $"{Describe(seg)}: the endpoint refused the request ({verdict.Description})"
                            : $"{Describe(seg)}: the request failed ({verdict.Description})", seg.Index, e);
                    failure = verdict.Description;
                    retryAfter = verdict.RetryAfter;
                    response = null!;
                }
                if (failure is not null)
                {
                    transientFailures++;
                    if (transientFailures >= _s.MaxAttempts)
                        throw new AnnotationException($"{Describe(seg)}: gave up after {transientFailures} attempts; last failure: {failure}", seg.Index);
                    lock (counters) counters.Retries++;
                    await Task.Delay(BackoffDelay(transientFailures, retryAfter), _s.Time, ct).ConfigureAwait(false);
                    continue;
                }
            }

            var text = response.Text;
            try
            {
                RatingReply.Parse(text, _s.Emotions);
            }
            catch (FormatException fe)
            {
                invalid++;
                lock (counters) counters.Invalid++;
                if (invalid >= _s.InvalidReplyAttempts)
                    throw new AnnotationException($"{Describe(seg)}: invalid reply ({fe.Message}){(invalid > 1 ? $" on all {invalid} attempts" : "")}", seg.Index, fe);
                lock (counters) counters.Retries++;
                continue;
            }

            var usage = response.Usage;
            lock (counters)
            {
                if (usage?.InputTokenCount is { } it) counters.InputTokens = (counters.InputTokens ?? 0) + it;
                if (usage?.OutputTokenCount is { } ot) counters.OutputTokens = (counters.OutputTokens ?? 0) + ot;
            }
            _cache.Add(new CachedAnswer(req.Key, req.Segment, req.Vote, text, response.ModelId, usage?.InputTokenCount, usage?.OutputTokenCount,
                _s.Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)));
            return;
        }
    }

    /// <summary>Back-off before retry number <paramref name="failures"/>: Retry-After if given (capped at the maximum), else initial × 2^(failures−1), capped.</summary>
    internal TimeSpan BackoffDelay(int failures, TimeSpan? retryAfter)
    {
        if (retryAfter is { } ra) return ra > _s.MaxBackoff ? _s.MaxBackoff : ra;
        double s = _s.InitialBackoff.TotalSeconds * Math.Pow(2, failures - 1);
        return s >= _s.MaxBackoff.TotalSeconds ? _s.MaxBackoff : TimeSpan.FromSeconds(s);
    }

    private AnnotationResult Assemble(IReadOnlyList<TranscriptSegment> segments, AnnotationPlan plan, Counters counters)
    {
        int e = _s.Emotions.Count;
        var values = new double[segments.Count * e];
        var votes = new double[e][];
        for (int k = 0; k < e; k++) votes[k] = new double[_s.Votes];
        long? inAll = null, outAll = null;
        var models = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var group in plan.Requests.GroupBy(r => r.Segment))
        {
            foreach (var r in group)
            {
                if (!_cache.TryGet(r.Key, out var a))
                    throw new InvalidOperationException($"Answer for segment {r.Segment}, vote {r.Vote} is missing from the cache.");
                var ratings = RatingReply.Parse(a.Reply, _s.Emotions);
                for (int k = 0; k < e; k++) votes[k][r.Vote] = ratings[k];
                if (a.InputTokens is { } it) inAll = (inAll ?? 0) + it;
                if (a.OutputTokens is { } ot) outAll = (outAll ?? 0) + ot;
                if (!string.IsNullOrEmpty(a.ModelReported)) models.Add(a.ModelReported);
            }
            for (int k = 0; k < e; k++) values[group.Key * e + k] = Median(votes[k]);
        }
        var stats = new AnnotationRunStats
        {
            Requests = plan.Total,
            CacheHits = plan.Cached,
            RequestsSent = counters.Sent,
            Retries = counters.Retries,
            InvalidReplies = counters.Invalid,
            InputTokensSent = counters.InputTokens,
            OutputTokensSent = counters.OutputTokens,
            InputTokensAll = inAll,
            OutputTokensAll = outAll,
            ModelsReported = models.ToArray(),
        };
        return new AnnotationResult(segments, _s.Emotions, values, stats);
    }

    /// <summary>Median; the mean of the two middle values for an even count. Sorts <paramref name="x"/> in place.</summary>
    internal static double Median(double[] x)
    {
        Array.Sort(x);
        int n = x.Length;
        return n % 2 == 1 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
    }

    internal static string Describe(TranscriptSegment s)
    {
        var t = s.Text.Replace('\n', ' ').Trim();
        if (t.Length > 40) t = t[..37] + "...";
        return $"segment {s.Index} ({TimedTextTable.Fmt(s.Onset)}–{TimedTextTable.Fmt(s.Offset)} s, \"{t}\")";
    }

    private sealed class Counters
    {
        public int Done, FromCache, Sent, Retries, Invalid;
        public long? InputTokens, OutputTokens;
        public AnnotationProgress Snapshot(int total) { lock (this) return new(Done, total, FromCache, Sent, Retries); }
    }
}
