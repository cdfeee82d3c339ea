using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Annotation;

namespace RealtimeDecode.Training.Tests.Annotation;

public sealed class TranscriptTests
{
    private static IReadOnlyList<TranscriptSegment> Read(string tsv) => Transcript.Read(new StringReader(tsv), "T.tsv");

    [Fact]
    public void Read_ColumnsInAnyOrderWithExtras_ReadsSegments()
    {
        var s = Read("speaker\ttext\toffset\tonset\nA\tAlice was beginning.\t2.5\t0\nA\tSo she was \\\"considering\\\\\\t.\t5\t2.5\n");

        Assert.Equal(2, s.Count);
        Assert.Equal(new TranscriptSegment(0, 0, 2.5, "Alice was beginning."), s[0]);
        Assert.Equal("So she was \\\"considering\\\t.", s[1].Text);
    }

    [Theory]
    [InlineData("onset\toffset\n0\t1\n", "missing column 'text'")]
    [InlineData("onset\ttext\n0\thello\n", "missing column 'offset' (or 'duration')")]
    [InlineData("onset\tduration\ttext\n0\t2\tone\n1\t1\ttwo\n", "line 3: segment 1–2 s overlaps the previous one (0–2 s)")]
    [InlineData("onset\tduration\ttext\n0\t0\tone\n", "offset 0 s is not after onset 0 s")]
    [InlineData("", "empty file")]
    [InlineData("onset\toffset\ttext\n", "no segments")]
    [InlineData("onset\toffset\ttext\n0\t2\tone\n1.5\t3\ttwo\n", "line 3: segment 1.5–3 s overlaps the previous one (0–2 s)")]
    [InlineData("onset\toffset\ttext\n4\t6\tone\n0\t2\ttwo\n", "line 3: segments are not sorted by onset")]
    [InlineData("onset\toffset\ttext\n0\t2\t   \n", "line 2: empty text")]
    [InlineData("onset\toffset\ttext\n0\t2\t\n", "line 2: empty text")]
    [InlineData("onset\toffset\ttext\n2\t2\tone\n", "line 2: offset 2 s is not after onset 2 s")]
    [InlineData("onset\toffset\ttext\nzero\t2\tone\n", "line 2, column 'onset': 'zero' is not a number")]
    [InlineData("onset\toffset\ttext\n0\t2\tone\ttwo\n", "line 2 has 4 columns, the header has 3")]
    [InlineData("onset\toffset\ttext\ttext\n0\t2\tone\ttwo\n", "column 'text' appears twice")]
    public void Read_BadTranscript_ThrowsOneLineNamingFile(string tsv, string expected)
    {
        var ex = Assert.Throws<InputDataException>(() => Read(tsv));

        Assert.StartsWith("T.tsv: ", ex.Message);
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Read_TableOfAnotherKindWithManyColumns_ErrorNamesTheFirstColumnsAndTheCount()
    {
        string header = "volume\t" + string.Join('\t', Enumerable.Range(1, 100));

        var ex = Assert.Throws<InputDataException>(() => Read(header + "\n0\t" + string.Join('\t', Enumerable.Repeat("1", 100)) + "\n"));

        Assert.Contains("missing column 'onset' (the header has: volume, 1, 2, 3, 4, 5, 6, 7, 8, 9, … (101 columns); required: onset, offset, text)", ex.Message);
        Assert.True(ex.Message.Length < 200, ex.Message);
    }

    [Fact]
    public void Read_BidsDurationInsteadOfOffset_GivesOffsets()
    {
        var s = Read("onset\tduration\ttrial_type\ttext\n1.5\t2.25\tsentence\tOne.\n3.75\t1\tsentence\tTwo.\n");

        Assert.Equal(3.75, s[0].Offset);
        Assert.Equal(4.75, s[1].Offset);
    }

    [Fact]
    public void Read_TouchingSegments_AreNotOverlapping()
    {
        var s = Read("onset\toffset\ttext\n0\t2\tone\n2\t4\ttwo\n\n");

        Assert.Equal(2, s.Count);
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFound()
    {
        var ex = Assert.Throws<InputDataException>(() => Transcript.Read("/nonexistent/T.tsv"));

        Assert.Equal("/nonexistent/T.tsv: file not found", ex.Message);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("tab\there")]
    [InlineData("two\nlines\r\n")]
    [InlineData("back\\slash \\t literal")]
    public void Escape_ThenUnescape_RoundTrips(string text)
    {
        var e = TsvText.Escape(text);

        Assert.DoesNotContain('\t', e);
        Assert.DoesNotContain('\n', e);
        Assert.Equal(text, TsvText.Unescape(e));
    }
}
