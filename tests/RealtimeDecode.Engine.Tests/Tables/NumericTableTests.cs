using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tests.Tables;

public class NumericTableTests
{
    [Fact]
    public void WriteRead_RoundTrip_KeepsEveryDoubleAndNaN()
    {
        var values = new[] { 0.1, -1e-300, double.NaN, 1.0 / 3, 12345.678901234567, double.Epsilon };
        var t = new NumericTable(["a", "b~c", "d"], [4, 5], values);
        var sw = new StringWriter();
        t.Write(sw);
        Assert.StartsWith("volume\ta\tb~c\td\n4\t0.1\t", sw.ToString());
        var back = NumericTable.Read(new StringReader(sw.ToString()), "mem");
        Assert.Equal(t.Columns, back.Columns);
        Assert.Equal(t.Volumes, back.Volumes);
        Assert.Equal(values, back.Values);
    }

    [Theory]
    [InlineData("volume\ta\tb\n0\t1\n", "line 2 has 2 columns, the header has 3 (ragged row)")]
    [InlineData("volume\ta\n0\t1\t2\n", "line 2 has more than the header's 2 columns (ragged row)")]
    [InlineData("vol\ta\n0\t1\n", "first column must be 'volume', found 'vol'")]
    [InlineData("volume\ta\n0\tx\n", "line 2, column 'a': 'x' is not a number")]
    [InlineData("volume\ta\n-1\t1\n", "line 2: volume '-1' is not a non-negative integer")]
    [InlineData("", "empty table: no header row")]
    public void Read_BadTable_ThrowsOneLineNamingFileAndProblem(string text, string problem)
    {
        var e = Assert.Throws<InputDataException>(() => NumericTable.Read(new StringReader(text), "roi.tsv"));
        Assert.Equal($"roi.tsv: {problem}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Read_MissingFile_SaysNotFound()
    {
        var e = Assert.Throws<InputDataException>(() => NumericTable.Read("/nonexistent/x.tsv"));
        Assert.Equal("/nonexistent/x.tsv: file not found", e.Message);
    }

    [Fact]
    public void Read_CrlfAndNa_AreAccepted()
    {
        var t = NumericTable.Read(new StringReader("volume\ta\r\n0\tn/a\r\n1\t2\r\n"), "x");
        Assert.True(double.IsNaN(t.Values[0]));
        Assert.Equal(2, t.Values[1]);
        Assert.Equal([0, 1], t.Volumes);
    }
}
