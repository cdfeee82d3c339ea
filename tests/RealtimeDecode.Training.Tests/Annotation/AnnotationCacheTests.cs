using RealtimeDecode.Training.Annotation;

namespace RealtimeDecode.Training.Tests.Annotation;

public sealed class AnnotationCacheTests
{
    private static CachedAnswer Answer(string key) => new(key, 0, 0, "{\"joy\":0.5}", "m", 10, 2, "2025-01-01T00:00:00Z");

    [Fact]
    public void Open_AfterAdd_FindsAnswersFromDisk()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rtd-cache-{Guid.NewGuid():N}.jsonl");
        try
        {
            using (var c = AnnotationCache.Open(path)) { c.Add(Answer("a")); c.Add(Answer("b")); }

            using var again = AnnotationCache.Open(path);

            Assert.Equal(2, again.Count);
            Assert.True(again.TryGet("b", out var b));
            Assert.Equal("{\"joy\":0.5}", b.Reply);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Open_LineCutByCrash_IsSkippedAndNextWriteStartsOnFreshLine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rtd-cache-{Guid.NewGuid():N}.jsonl");
        try
        {
            using (var c = AnnotationCache.Open(path)) c.Add(Answer("a"));
            File.AppendAllText(path, "{\"key\":\"b\",\"segm");

            using (var c = AnnotationCache.Open(path))
            {
                Assert.Equal(1, c.SkippedLines);
                c.Add(Answer("c"));
            }
            using var again = AnnotationCache.Open(path);

            Assert.Equal(1, again.SkippedLines);
            Assert.True(again.TryGet("a", out _));
            Assert.True(again.TryGet("c", out _));
            Assert.False(again.TryGet("b", out _));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Key_DependsOnEndpointModelPromptAndVote()
    {
        var s = new AnnotatorSettings { Endpoint = "http://x/v1", Model = "m" };
        string k = AnnotationCache.Key("http://x/v1", "m", s, "sys", "user", "seg", 0);

        Assert.Equal(k, AnnotationCache.Key("http://x/v1/", "m", s, "sys", "user", "seg", 0));
        Assert.Equal(k, AnnotationCache.Key("http://x/v1/chat/completions", "m", s, "sys", "user", "seg", 0));
        Assert.NotEqual(k, AnnotationCache.Key("http://y/v1", "m", s, "sys", "user", "seg", 0));
        Assert.NotEqual(k, AnnotationCache.Key("http://x/v1", "m2", s, "sys", "user", "seg", 0));
        Assert.NotEqual(k, AnnotationCache.Key("http://x/v1", "m", s, "sys", "user2", "seg", 0));
        Assert.NotEqual(k, AnnotationCache.Key("http://x/v1", "m", s, "sys", "user", "seg", 1));
        Assert.NotEqual(k, AnnotationCache.Key("http://x/v1", "m", s with { Temperature = 0.7f }, "sys", "user", "seg", 0));
    }
}
