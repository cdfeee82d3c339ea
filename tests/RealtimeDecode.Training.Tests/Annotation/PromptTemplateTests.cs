using RealtimeDecode.Training.Annotation;

namespace RealtimeDecode.Training.Tests.Annotation;

public sealed class PromptTemplateTests
{
    private static readonly TranscriptSegment[] Story =
    [
        new(0, 0, 2, "Alice was tired."),
        new(1, 2, 4, "A white rabbit ran by."),
        new(2, 4, 6, "She followed it down the hole."),
    ];

    [Fact]
    public void Render_Default_SendsStorySoFarAndFocusesOnLastSegment()
    {
        var (sys, user) = PromptTemplate.Default.Render(Story, 1, EmotionSet.Plutchik8, PromptContext.Story);

        Assert.Equal(PromptTemplate.DefaultSystem, sys);
        Assert.Contains("\"\"\"\nAlice was tired.\nA white rabbit ran by.\n\"\"\"", user);
        Assert.Contains("Focus on the last sentence: \"A white rabbit ran by.\"", user);
        Assert.DoesNotContain("She followed", user);
        Assert.Contains("- anger: annoyance, rage; 0 = not felt at all, 1 = felt extremely intensely", user);
        Assert.Contains("{\"anticipation\": 0.0, \"joy\": 0.0, \"trust\": 0.0, \"fear\": 0.0, \"surprise\": 0.0, \"sadness\": 0.0, \"disgust\": 0.0, \"anger\": 0.0}", user);
        Assert.DoesNotContain("{{", user);
    }

    [Fact]
    public void Render_WindowContext_KeepsOnlyTheLastSegments()
    {
        var t = new PromptTemplate("", "[{{context}}] #{{index}}/{{count}} {{onset}}-{{offset}} {{emotions}}");

        var (_, user) = t.Render(Story, 2, EmotionSet.ValenceArousal, PromptContext.Parse("window:2"));

        Assert.Equal("[A white rabbit ran by.\nShe followed it down the hole.] #3/3 4-6 valence, arousal", user);
    }

    [Fact]
    public void New_UnknownPlaceholder_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PromptTemplate("", "Rate {{segmnet}}"));

        Assert.Contains("{{segmnet}}", ex.Message);
    }

    [Fact]
    public void New_NoSegmentOrContext_Throws()
    {
        Assert.Throws<ArgumentException>(() => new PromptTemplate("", "Rate the emotions {{emotions}}"));
    }

    [Fact]
    public void Sha256_DiffersWhenTemplateChanges()
    {
        var a = new PromptTemplate("s", "{{segment}}");
        var b = new PromptTemplate("s", "{{segment}} ");

        Assert.Equal(64, a.Sha256.Length);
        Assert.NotEqual(a.Sha256, b.Sha256);
        Assert.Equal(a.Sha256, new PromptTemplate("s", "{{segment}}").Sha256);
    }

    [Theory]
    [InlineData("story")]
    [InlineData("segment")]
    [InlineData("window:5")]
    public void PromptContext_Parse_RoundTrips(string text)
    {
        Assert.Equal(text, PromptContext.Parse(text).ToString());
    }

    [Theory]
    [InlineData("window:0")]
    [InlineData("all")]
    public void PromptContext_ParseInvalid_Throws(string text)
    {
        Assert.Throws<ArgumentException>(() => PromptContext.Parse(text));
    }
}
