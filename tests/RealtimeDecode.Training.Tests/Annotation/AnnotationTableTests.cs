using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Annotation;

namespace RealtimeDecode.Training.Tests.Annotation;

public sealed class AnnotationTableTests
{
    [Fact]
    public void Write_ThenRead_RoundTripsTextWithTabsAndNewlinesAndNaN()
    {
        var segs = new[] { new TranscriptSegment(0, 0, 2.25, "one\ttab"), new TranscriptSegment(1, 2.25, 4.1, "two\nlines \\ slash") };
        var t = new AnnotationTable(segs, ["joy", "fear"], [0.1, 0.123456789012345, double.NaN, 1]);
        var w = new StringWriter();

        t.Write(w);
        var back = AnnotationTable.Read(new StringReader(w.ToString()), "A.tsv");

        Assert.Equal(3, w.ToString().Count(c => c == '\n'));
        Assert.Equal(segs, back.Segments);
        Assert.Equal(["joy", "fear"], back.Emotions);
        Assert.Equal(t.Values, back.Values);
    }

    [Fact]
    public void Read_NoRatingColumns_Throws()
    {
        var ex = Assert.Throws<InputDataException>(() => AnnotationTable.Read(new StringReader("onset\toffset\ttext\n0\t1\ta\n"), "A.tsv"));

        Assert.Contains("no rating columns", ex.Message);
    }

    [Fact]
    public void Read_RatingNotANumber_ThrowsNamingLineAndColumn()
    {
        var ex = Assert.Throws<InputDataException>(() => AnnotationTable.Read(new StringReader("onset\toffset\ttext\tjoy\n0\t1\ta\thigh\n"), "A.tsv"));

        Assert.Equal("A.tsv: line 2, column 'joy': 'high' is not a number", ex.Message);
    }

    [Theory]
    [InlineData("onset\toffset\ttext\tjoy\x01\n0\t1\ta\t0.5\n", "control")]
    [InlineData("onset\toffset\ttext\tjoy\tjoy\n0\t1\ta\t0.5\t0.1\n", "twice")]
    public void Read_EmotionNameThatWouldBreakTables_ThrowsNamingTheFile(string tsv, string problem)
    {
        var ex = Assert.Throws<InputDataException>(() => AnnotationTable.Read(new StringReader(tsv), "A.tsv"));

        Assert.StartsWith("A.tsv", ex.Message);
        Assert.Contains(problem, ex.Message);
    }
}
