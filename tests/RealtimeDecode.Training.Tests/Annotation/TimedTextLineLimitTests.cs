using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Annotation;

namespace RealtimeDecode.Training.Tests.Annotation;

/// <summary>A transcript or annotation table whose line never ends is refused at the line limit, not read into memory whole.</summary>
public sealed class TimedTextLineLimitTests
{
    /// <summary>A header, then text without a line end, forever.</summary>
    private sealed class EndlessText(string header) : TextReader
    {
        private bool _headerServed;

        public override int Read(char[] buffer, int index, int count)
        {
            if (!_headerServed)
            {
                _headerServed = true;
                header.CopyTo(buffer.AsSpan(index));
                return header.Length;
            }
            buffer.AsSpan(index, count).Fill('a');
            return count;
        }
    }

    [Fact]
    public void TranscriptRead_EndlessLine_OneLineErrorNamingFileAndLine()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InputDataException>(() => Transcript.Read(new EndlessText("onset\toffset\ttext\n0\t2\t"), "story.tsv"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal($"story.tsv: line 2 is longer than {BoundedLineReader.MaxLineChars} characters, the limit for a line of a table", e.Message);
        Assert.True(allocated < 8L * BoundedLineReader.MaxLineChars, $"{allocated} bytes allocated");
    }

    [Fact]
    public void AnnotationRead_EndlessHeader_OneLineError()
    {
        var e = Assert.Throws<InputDataException>(() => AnnotationTable.Read(new EndlessText("onset\toffset\ttext\tjoy"), "annotations.tsv"));
        Assert.Equal($"annotations.tsv: line 1 is longer than {BoundedLineReader.MaxLineChars} characters, the limit for a line of a table", e.Message);
    }
}
