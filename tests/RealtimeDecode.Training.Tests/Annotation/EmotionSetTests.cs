using RealtimeDecode.Training.Annotation;

namespace RealtimeDecode.Training.Tests.Annotation;

public sealed class EmotionSetTests
{
    [Fact]
    public void Plutchik8_HasThePublishedOrder()
    {
        Assert.Equal(["anticipation", "joy", "trust", "fear", "surprise", "sadness", "disgust", "anger"], EmotionSet.Plutchik8.Names);
    }

    [Theory]
    [InlineData("plutchik8", 8)]
    [InlineData("Ekman6", 6)]
    [InlineData("valence-arousal", 2)]
    [InlineData("joy, fear,awe", 3)]
    public void Parse_NameOrList_GivesTheSet(string text, int count)
    {
        Assert.Equal(count, EmotionSet.Parse(text).Count);
    }

    [Fact]
    public void Parse_CustomList_KeepsKnownAnchorsAndDefaultsOthers()
    {
        var s = EmotionSet.Parse("valence,awe");

        Assert.Contains("0.5 = neutral", s.Emotions[0].Scale);
        Assert.StartsWith("0 = not felt at all", s.Emotions[1].Scale);
    }

    [Theory]
    [InlineData("")]
    [InlineData("joy,joy")]
    [InlineData("Joy")]
    [InlineData("joy,bad name")]
    public void Parse_Invalid_ThrowsArgumentException(string text)
    {
        Assert.Throws<ArgumentException>(() => EmotionSet.Parse(text));
    }
}
