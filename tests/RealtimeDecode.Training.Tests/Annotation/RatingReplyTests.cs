using RealtimeDecode.Training.Annotation;

namespace RealtimeDecode.Training.Tests.Annotation;

public sealed class RatingReplyTests
{
    private static readonly EmotionSet Va = EmotionSet.ValenceArousal;

    [Theory]
    [InlineData("{\"valence\": 0.25, \"arousal\": 1}")]
    [InlineData("  {\"arousal\":1.0,\"valence\":0.25}\n")]
    [InlineData("```json\n{\"valence\": 0.25, \"arousal\": 1}\n```")]
    [InlineData("<think>\nThe rabbit is exciting.\n</think>\n\n{\"valence\": 0.25, \"arousal\": 1}")]
    public void Parse_Valid_ReturnsRatingsInSetOrder(string reply)
    {
        Assert.Equal([0.25, 1.0], RatingReply.Parse(reply, Va));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("<think>still thinking", "not valid JSON")]
    [InlineData("{\"valence\": 0.2, \"arousal\": }", "not valid JSON")]
    [InlineData("Sure! {\"valence\": 0.2, \"arousal\": 0.1}", "not valid JSON")]
    [InlineData("[0.2, 0.1]", "not an object")]
    [InlineData("{\"valence\": 1.5, \"arousal\": 0.1}", "'valence' is 1.5, outside [0, 1]")]
    [InlineData("{\"valence\": -0.1, \"arousal\": 0.1}", "outside [0, 1]")]
    [InlineData("{\"valence\": \"0.2\", \"arousal\": 0.1}", "'valence' is \"0.2\", not a number")]
    [InlineData("{\"valence\": 0.2}", "lacks 'arousal'")]
    [InlineData("{\"valence\": 0.2, \"arousal\": 0.1, \"joy\": 0.3}", "unexpected key 'joy'")]
    [InlineData("{\"valence\": 0.2, \"valence\": 0.3, \"arousal\": 0.1}", "key 'valence' twice")]
    [InlineData("{\"valence\": 0.2, \"arousal\": 0.1,}", "not valid JSON")]
    public void Parse_Invalid_ThrowsFormatExceptionSayingWhy(string reply, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => RatingReply.Parse(reply, Va));

        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Schema_RequiresEveryEmotionInUnitRangeAndNothingElse()
    {
        var s = RatingReply.Schema(Va);

        Assert.False(s.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(2, s.GetProperty("required").GetArrayLength());
        Assert.Equal(1, s.GetProperty("properties").GetProperty("arousal").GetProperty("maximum").GetInt32());
    }
}
