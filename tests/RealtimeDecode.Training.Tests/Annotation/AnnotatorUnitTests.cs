using RealtimeDecode.Training.Annotation;

namespace RealtimeDecode.Training.Tests.Annotation;

public sealed class AnnotatorUnitTests
{
    [Theory]
    [InlineData(new[] { 0.3 }, 0.3)]
    [InlineData(new[] { 0.9, 0.1, 0.5 }, 0.5)]
    [InlineData(new[] { 0.9, 0.1, 0.5, 0.2 }, 0.35)]
    public void Median_OddAndEven_MiddleOrMeanOfMiddleTwo(double[] x, double expected)
    {
        Assert.Equal(expected, Annotator.Median(x), 12);
    }

    [Fact]
    public void BackoffDelay_Doubles_CappedAndRetryAfterWins()
    {
        var a = new Annotator(DummyClient(),
            new AnnotatorSettings { Endpoint = "http://x/v1", Model = "m", MaxBackoff = TimeSpan.FromSeconds(10) }, AnnotationCache.InMemory());

        Assert.Equal(TimeSpan.FromSeconds(1), a.BackoffDelay(1, null));
        Assert.Equal(TimeSpan.FromSeconds(8), a.BackoffDelay(4, null));
        Assert.Equal(TimeSpan.FromSeconds(10), a.BackoffDelay(5, null));
        Assert.Equal(TimeSpan.FromSeconds(3), a.BackoffDelay(5, TimeSpan.FromSeconds(3)));
        Assert.Equal(TimeSpan.FromSeconds(10), a.BackoffDelay(1, TimeSpan.FromMinutes(5)));
    }

    private static Microsoft.Extensions.AI.IChatClient DummyClient() => ChatEndpoint.Create("http://127.0.0.1:9/v1", "m", null);

    [Fact]
    public void ParseRetryAfter_SecondsOrHttpDate()
    {
        var now = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromSeconds(2.5), EndpointFailure.ParseRetryAfter("2.5", now));
        Assert.Equal(TimeSpan.FromSeconds(30), EndpointFailure.ParseRetryAfter("Wed, 01 Jan 2025 12:00:30 GMT", now));
        Assert.Null(EndpointFailure.ParseRetryAfter("soon", now));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1")]
    [InlineData("http://127.0.0.1:8080/v1/", "http://127.0.0.1:8080/v1")]
    [InlineData("http://localhost:11434/v1/chat/completions", "http://localhost:11434/v1")]
    public void NormalizeEndpoint_CutsChatCompletionsPath(string url, string expected)
    {
        Assert.Equal(expected, ChatEndpoint.NormalizeEndpoint(url).ToString().TrimEnd('/'));
    }

    [Theory]
    [InlineData("https://user:secret@example.org/v1?api-key=secret", "https://example.org/v1")]
    [InlineData("http://127.0.0.1:8080/v1/", "http://127.0.0.1:8080/v1")]
    public void Redact_RemovesUserInfoAndQuery(string url, string expected)
    {
        Assert.Equal(expected, ChatEndpoint.Redact(url));
    }

    [Theory]
    [InlineData("localhost:8080")]
    [InlineData("ftp://x/v1")]
    public void NormalizeEndpoint_NotHttp_Throws(string url)
    {
        Assert.Throws<ArgumentException>(() => ChatEndpoint.NormalizeEndpoint(url));
    }

    [Fact]
    public void New_InvalidSettings_ThrowsBeforeAnyRequest()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new Annotator(DummyClient(), new AnnotatorSettings { Endpoint = "http://x/v1", Model = "m", Votes = 0 }, AnnotationCache.InMemory()));
    }
}
