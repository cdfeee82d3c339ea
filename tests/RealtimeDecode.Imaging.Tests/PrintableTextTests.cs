namespace RealtimeDecode.Imaging.Tests;

public sealed class PrintableTextTests
{
    [Theory]
    [InlineData("index, name", "index, name")]
    [InlineData("Präfrontal 前頭 😀", "Präfrontal 前頭 😀")]
    [InlineData("a\tb\nc\rd", "a\\tb\\nc\\rd")]
    [InlineData("\u001b[31mred\u0007", "\\x1b[31mred\\x07")]
    [InlineData("\0\u007f\u0085", "\\x00\\x7f\\x85")]
    [InlineData("left\u202eright\u200b", "left\\u202eright\\u200b")]
    [InlineData("line\u2028para\u2029", "line\\u2028para\\u2029")]
    [InlineData("bad \ufffd\ufffd bytes", "bad \\ufffd\\ufffd bytes")]
    [InlineData("private \ue000", "private \\ue000")]
    public void Escape_Text_KeepsPrintableEscapesTheRest(string text, string expected) =>
        Assert.Equal(expected, PrintableText.Escape(text));

    [Fact]
    public void Escape_LoneSurrogate_Escaped()
    {
        // Built at run time: an attribute argument cannot hold a lone surrogate.
        var text = "lone " + (char)0xD800 + " surrogate " + (char)0xDC00;
        Assert.Equal("lone \\ud800 surrogate \\udc00", PrintableText.Escape(text));
    }

    [Fact]
    public void Escape_AnyBinaryAsText_NoControlOrReplacementCharacterLeft()
    {
        var bytes = Enumerable.Range(0, 4096).Select(i => (byte)(i * 131 % 256)).ToArray();
        var escaped = PrintableText.Escape(System.Text.Encoding.UTF8.GetString(bytes));
        Assert.DoesNotContain(escaped, char.IsControl);
        Assert.DoesNotContain('\ufffd', escaped);
        Assert.Equal(escaped, PrintableText.Escape(escaped));
    }

    [Fact]
    public void InputDataException_PathAndProblemWithControlCharacters_MessageEscaped()
    {
        var e = new InputDataException("dir\nname.tsv", "found: \u001b[2J");
        Assert.Equal("dir\\nname.tsv: found: \\x1b[2J", e.Message);
        Assert.Equal("found: \\x1b[2J", e.Problem);
        Assert.Equal("dir\nname.tsv", e.Path);
    }
}
