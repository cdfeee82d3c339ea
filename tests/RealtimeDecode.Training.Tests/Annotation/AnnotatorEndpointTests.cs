using System.Globalization;
using System.Text.Json.Nodes;
using RealtimeDecode.Training.Annotation;
using RealtimeDecode.Training.Tests.Support;

namespace RealtimeDecode.Training.Tests.Annotation;

/// <summary>The annotator against a chat completions endpoint on loopback (Kestrel), in virtual time.</summary>
public sealed class AnnotatorEndpointTests
{
    private static readonly TranscriptSegment[] Story =
    [
        new(0, 0.0, 2.4, "Alice was beginning to get very tired."),
        new(1, 2.4, 5.0, "Suddenly a White Rabbit with pink eyes ran close by her."),
        new(2, 5.5, 8.1, "Down, down, down she fell."),
        new(3, 8.1, 11.0, "Would the fall never come to an end?"),
    ];

    private static readonly EmotionSet Set = EmotionSet.Parse("joy,fear");

    private static string Json(double joy, double fear) =>
        $"{{\"joy\": {joy.ToString("R", CultureInfo.InvariantCulture)}, \"fear\": {fear.ToString("R", CultureInfo.InvariantCulture)}}}";

    /// <summary>The segment a request rates: the last story segment its prompt contains.</summary>
    private static int SegmentOf(RecordedRequest r)
    {
        int found = -1;
        for (int i = 0; i < Story.Length; i++) if (r.UserMessage.Contains(Story[i].Text, StringComparison.Ordinal)) found = i;
        return found;
    }

    private static FakeReply Canned(RecordedRequest r)
    {
        int i = SegmentOf(r);
        return FakeReply.Ok(Json(0.1 * (i + 1), 0.25 * i));
    }

    private static AnnotatorSettings Settings(FakeChatServer server, TimeProvider time) => new()
    {
        Endpoint = server.Endpoint,
        Model = "test-model",
        Emotions = Set,
        Time = time,
        RequestsPerMinute = 0,
    };

    private static Annotator Make(FakeChatServer server, AnnotatorSettings s, AnnotationCache? cache = null) =>
        new(ChatEndpoint.Create(server.Endpoint, s.Model, "sk-test-secret"), s, cache ?? AnnotationCache.InMemory());

    private static int RequestsFor(FakeChatServer server, int segment) => server.Requests.Count(r => SegmentOf(r) == segment);

    [Fact]
    public async Task AnnotateAsync_CannedReplies_ReturnsRatingsAndSendsExactlyTheExpectedPrompts()
    {
        await using var server = await FakeChatServer.StartAsync(Canned);
        var time = new AutoAdvanceTimeProvider();
        var s = Settings(server, time);

        var result = await Make(server, s).AnnotateAsync(Story);

        for (int i = 0; i < Story.Length; i++)
        {
            Assert.Equal(0.1 * (i + 1), result[i, 0]);
            Assert.Equal(0.25 * i, result[i, 1]);
        }
        var requests = server.Requests.ToArray();
        Assert.Equal(4, requests.Length);
        for (int i = 0; i < 4; i++)
        {
            var r = requests[i];
            var (sys, user) = PromptTemplate.Default.Render(Story, i, Set, PromptContext.Story);
            Assert.Equal("/v1/chat/completions", r.Path);
            Assert.Equal("Bearer sk-test-secret", r.Authorization);
            Assert.Equal("test-model", r.Model);
            Assert.Equal(0.0, (double)r.Body["temperature"]!);
            Assert.Equal(200, (int)(r.Body["max_completion_tokens"] ?? r.Body["max_tokens"])!);
            Assert.Equal("json_schema", (string)r.Body["response_format"]!["type"]!);
            Assert.False(r.Body["response_format"]!["json_schema"]!["schema"]!["additionalProperties"]!.GetValue<bool>());
            Assert.Equal(2, r.Messages.Count);
            Assert.Equal(sys, r.SystemMessage);
            Assert.Equal(user, r.UserMessage);
        }
        Assert.Contains("Down, down, down she fell.\nWould the fall never come to an end?", requests[3].UserMessage);
        Assert.Equal(4, result.Stats.RequestsSent);
        Assert.Equal(400, result.Stats.InputTokensSent);
        Assert.Equal(80, result.Stats.OutputTokensAll);
        Assert.Equal(["test-model-served"], result.Stats.ModelsReported);
    }

    [Fact]
    public async Task AnnotateAsync_429WithRetryAfter_WaitsThatLongAndRetries()
    {
        int calls = 0;
        await using var server = await FakeChatServer.StartAsync(r =>
            SegmentOf(r) == 1 && Interlocked.Increment(ref calls) == 1 ? FakeReply.Error(429, "7") : Canned(r));
        var time = new AutoAdvanceTimeProvider();

        var result = await Make(server, Settings(server, time)).AnnotateAsync(Story);

        Assert.Equal(2, RequestsFor(server, 1));
        Assert.Equal(5, server.Count);
        Assert.Equal([TimeSpan.FromSeconds(7)], time.Delays);
        Assert.Equal(1, result.Stats.Retries);
        Assert.Equal(0.2, result[1, 0]);
    }

    [Fact]
    public async Task AnnotateAsync_500Twice_BacksOffExponentially()
    {
        int calls = 0;
        await using var server = await FakeChatServer.StartAsync(r =>
            SegmentOf(r) == 2 && Interlocked.Increment(ref calls) <= 2 ? FakeReply.Error(500) : Canned(r));
        var time = new AutoAdvanceTimeProvider();

        var result = await Make(server, Settings(server, time)).AnnotateAsync(Story);

        Assert.Equal(3, RequestsFor(server, 2));
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], time.Delays);
        Assert.Equal(0.5, result[2, 1]);
    }

    [Fact]
    public async Task AnnotateAsync_503Always_GivesUpAfterMaxAttemptsNamingSegment()
    {
        await using var server = await FakeChatServer.StartAsync(r => SegmentOf(r) == 0 ? FakeReply.Error(503) : Canned(r));
        var time = new AutoAdvanceTimeProvider();

        var ex = await Assert.ThrowsAsync<AnnotationException>(() => Make(server, Settings(server, time) with { MaxAttempts = 3 }).AnnotateAsync(Story));

        Assert.Equal(0, ex.Segment);
        Assert.StartsWith("segment 0 (0–2.4 s, \"Alice was beginning to get very tired.\"): gave up after 3 attempts", ex.Message);
        Assert.Contains("HTTP 503", ex.Message);
        Assert.Equal(3, server.Count);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], time.Delays);
    }

    [Fact]
    public async Task AnnotateAsync_401_FailsAtOnceWithoutRetry()
    {
        await using var server = await FakeChatServer.StartAsync(_ => FakeReply.Error(401));

        var ex = await Assert.ThrowsAsync<AnnotationException>(() => Make(server, Settings(server, new AutoAdvanceTimeProvider())).AnnotateAsync(Story));

        Assert.Equal(1, server.Count);
        Assert.Contains("refused the request (HTTP 401", ex.Message);
    }

    [Fact]
    public async Task AnnotateAsync_MalformedJson_RejectsNamingSegmentAndKeepsEarlierAnswers()
    {
        await using var server = await FakeChatServer.StartAsync(r => SegmentOf(r) == 2 ? FakeReply.Ok("{\"joy\": 0.3, \"fear\": ") : Canned(r));
        using var cache = AnnotationCache.InMemory();

        var ex = await Assert.ThrowsAsync<AnnotationException>(() => Make(server, Settings(server, new AutoAdvanceTimeProvider()), cache).AnnotateAsync(Story));

        Assert.Equal(2, ex.Segment);
        Assert.StartsWith("segment 2 (5.5–8.1 s, \"Down, down, down she fell.\"): invalid reply (the reply is not valid JSON", ex.Message);
        Assert.EndsWith("on all 2 attempts", ex.Message);
        Assert.Equal(2, RequestsFor(server, 2));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public async Task AnnotateAsync_OutOfRangeValue_RejectsNamingSegmentAndValue()
    {
        await using var server = await FakeChatServer.StartAsync(r => SegmentOf(r) == 1 ? FakeReply.Ok(Json(0.4, 7)) : Canned(r));

        var ex = await Assert.ThrowsAsync<AnnotationException>(() =>
            Make(server, Settings(server, new AutoAdvanceTimeProvider()) with { InvalidReplyAttempts = 1 }).AnnotateAsync(Story));

        Assert.Equal(1, ex.Segment);
        Assert.Contains("segment 1 ", ex.Message);
        Assert.Contains("'fear' is 7, outside [0, 1]", ex.Message);
        Assert.Equal(1, RequestsFor(server, 1));
    }

    [Fact]
    public async Task AnnotateAsync_InvalidThenValid_AsksAgainAndSucceeds()
    {
        int calls = 0;
        await using var server = await FakeChatServer.StartAsync(r =>
            SegmentOf(r) == 3 && Interlocked.Increment(ref calls) == 1 ? FakeReply.Ok("I think joy is high.") : Canned(r));

        var result = await Make(server, Settings(server, new AutoAdvanceTimeProvider())).AnnotateAsync(Story);

        Assert.Equal(1, result.Stats.InvalidReplies);
        Assert.Equal(0.4, result[3, 0], 12);
        Assert.Equal(5, server.Count);
    }

    [Fact]
    public async Task AnnotateAsync_SlowReply_TimesOutAndRetries()
    {
        int calls = 0;
        await using var server = await FakeChatServer.StartAsync(r =>
            SegmentOf(r) == 0 && Interlocked.Increment(ref calls) == 1 ? Canned(r) with { Delay = TimeSpan.FromSeconds(30) } : Canned(r));
        var time = new AutoAdvanceTimeProvider();

        var result = await Make(server, Settings(server, time) with { RequestTimeout = TimeSpan.FromSeconds(1.5) }).AnnotateAsync(Story);

        Assert.Equal(2, RequestsFor(server, 0));
        Assert.Equal(1, result.Stats.Retries);
        Assert.Equal([TimeSpan.FromSeconds(1)], time.Delays);
        Assert.Equal(0.1, result[0, 0]);
    }

    [Fact]
    public async Task AnnotateAsync_StoppedThenRerun_ResumesFromCacheAndSendsOnlyTheRest()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rtd-annot-{Guid.NewGuid():N}.jsonl");
        try
        {
            using var cts = new CancellationTokenSource();
            int phase = 1;
            await using var server = await FakeChatServer.StartAsync(r =>
            {
                if (Volatile.Read(ref phase) > 1 || r.Number < 3) return Canned(r);
                cts.Cancel();                       // the user presses Ctrl+C while request 3 is in flight
                return Canned(r) with { Delay = TimeSpan.FromSeconds(30) };
            });
            using (var cache = AnnotationCache.Open(path))
            {
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                    Make(server, Settings(server, new AutoAdvanceTimeProvider()), cache).AnnotateAsync(Story, null, cts.Token));
            }
            Assert.Equal(3, server.Count);
            Volatile.Write(ref phase, 2);

            AnnotationResult result;
            using (var cache = AnnotationCache.Open(path))
            {
                Assert.Equal(2, cache.Count);
                result = await Make(server, Settings(server, new AutoAdvanceTimeProvider()), cache).AnnotateAsync(Story);
            }

            Assert.Equal(5, server.Count);
            Assert.Equal([2, 3], server.Requests.Skip(3).Select(SegmentOf));
            Assert.Equal(2, result.Stats.CacheHits);
            Assert.Equal(2, result.Stats.RequestsSent);
            Assert.Equal(0.75, result[3, 1]);
            Assert.Equal(0.2, result[1, 0]);

            using (var cache = AnnotationCache.Open(path))
            {
                var again = await Make(server, Settings(server, new AutoAdvanceTimeProvider()), cache).AnnotateAsync(Story);
                Assert.Equal(result.Values, again.Values);
                Assert.Equal(0, again.Stats.RequestsSent);
            }
            Assert.Equal(5, server.Count);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task AnnotateAsync_ThreeVotes_TakesMedianPerEmotion()
    {
        double[] joys = [0.2, 0.9, 0.4];
        double[] fears = [0.6, 0.1, 0.3];
        await using var server = await FakeChatServer.StartAsync(r => FakeReply.Ok(Json(joys[(r.Number - 1) % 3], fears[(r.Number - 1) % 3])));

        var result = await Make(server, Settings(server, new AutoAdvanceTimeProvider()) with { Votes = 3, Temperature = 0.7f }).AnnotateAsync(Story[..1]);

        Assert.Equal(3, server.Count);
        Assert.All(server.Requests, r => Assert.Equal(0.7, (double)r.Body["temperature"]!, 6));
        Assert.Equal(0.4, result[0, 0]);
        Assert.Equal(0.3, result[0, 1]);
    }

    [Fact]
    public async Task AnnotateAsync_PlanOverBudget_RefusesBeforeSendingAnything()
    {
        await using var server = await FakeChatServer.StartAsync(Canned);

        var ex = await Assert.ThrowsAsync<AnnotationException>(() =>
            Make(server, Settings(server, new AutoAdvanceTimeProvider()) with { MaxRequests = 3 }).AnnotateAsync(Story));

        Assert.Contains("would send 4 requests", ex.Message);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task AnnotateAsync_RetriesExhaustBudget_StopsAtTheLimit()
    {
        await using var server = await FakeChatServer.StartAsync(r => SegmentOf(r) == 1 ? FakeReply.Error(500) : Canned(r));

        var ex = await Assert.ThrowsAsync<AnnotationException>(() =>
            Make(server, Settings(server, new AutoAdvanceTimeProvider()) with { MaxRequests = 5 }).AnnotateAsync(Story));

        Assert.Contains("limit of 5 requests is reached", ex.Message);
        Assert.Equal(5, server.Count);
    }

    [Fact]
    public async Task AnnotateAsync_RateLimit_SpacesRequestStarts()
    {
        await using var server = await FakeChatServer.StartAsync(Canned);
        var time = new AutoAdvanceTimeProvider();

        await Make(server, Settings(server, time) with { RequestsPerMinute = 30 }).AnnotateAsync(Story);

        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)], time.Delays);
        Assert.Equal(TimeSpan.FromSeconds(6), time.Elapsed);
    }

    [Fact]
    public async Task AnnotateAsync_Concurrent_GivesSameRatings()
    {
        await using var server = await FakeChatServer.StartAsync(Canned);

        var result = await Make(server, Settings(server, new AutoAdvanceTimeProvider()) with { MaxConcurrency = 3 }).AnnotateAsync(Story);

        Assert.Equal(4, server.Count);
        Assert.Equal([0.1, 0.0, 0.2, 0.25, 0.30000000000000004, 0.5, 0.4, 0.75], result.Values);
    }

    [Fact]
    public async Task Plan_WithPartialCache_CountsWhatWouldBeSentAndSendsNothing()
    {
        await using var server = await FakeChatServer.StartAsync(Canned);
        using var cache = AnnotationCache.InMemory();
        var s = Settings(server, new AutoAdvanceTimeProvider()) with { Votes = 2 };
        var a = Make(server, s, cache);
        var first = a.Plan(Story);
        var r = first.Requests[0];
        cache.Add(new CachedAnswer(r.Key, 0, 0, Json(0, 0), null, null, null, "t"));

        var plan = a.Plan(Story);

        Assert.Equal(8, plan.Total);
        Assert.Equal(1, plan.Cached);
        Assert.Equal(7, plan.ToSend);
        Assert.True(plan.EstimatedPromptTokensToSend > 7 * 100);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task Provenance_AfterRun_RecordsWhatWasAskedAndCostWithoutTheKey()
    {
        await using var server = await FakeChatServer.StartAsync(Canned);
        var time = new AutoAdvanceTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var s = Settings(server, time) with { Seed = 42 };
        var result = await Make(server, s).AnnotateAsync(Story);

        var doc = AnnotationProvenance.Build(s, result, "/nonexistent/T.tsv", "A.cache.jsonl");
        var json = doc.ToJsonString();

        Assert.Equal("2026-01-02T03:04:05.0000000+00:00", (string)doc["created_utc"]!);
        Assert.Equal(server.Endpoint, (string)doc["endpoint"]!);
        Assert.Equal("test-model", (string)doc["model"]!);
        Assert.Equal(PromptTemplate.Default.Sha256, (string)doc["prompt"]!["template_sha256"]!);
        Assert.Equal(1, (int)doc["votes"]!);
        Assert.Equal(42, (long)doc["seed"]!);
        Assert.Equal(0.0, (double)doc["temperature"]!);
        Assert.Equal(400, (long)doc["usage"]!["input_tokens_all_answers"]!);
        Assert.Equal(4, (int)doc["requests"]!["sent_this_run"]!);
        Assert.DoesNotContain("sk-test-secret", json);
    }
}
