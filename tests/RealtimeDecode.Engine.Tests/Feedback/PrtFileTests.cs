using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Tests.Support;
using RealtimeDecode.Imaging;
using RealtimeDecode.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Feedback;

public sealed class PrtFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string text)
    {
        string path = Path.Combine(_dir.Path, "p.prt");
        File.WriteAllText(path, text);
        return path;
    }

    // As BrainVoyager writes a protocol (FileVersion 2): header keys aligned, CRLF, a blank line between
    // conditions, and each condition's interval count bare on the line after its name.
    private const string BrainVoyagerVolumes =
        "\r\nFileVersion:        2\r\n\r\nResolutionOfTime:   Volumes\r\n\r\nExperiment:         Neurofeedback\r\n\r\n"
        + "BackgroundColor:    0 0 0\r\nTextColor:          255 255 255\r\nTimeCourseColor:    255 255 255\r\nTimeCourseThick:    3\r\n"
        + "ReferenceFuncColor: 0 0 80\r\nReferenceFuncThick: 3\r\n\r\nNrOfConditions:  2\r\n\r\n"
        + "Baseline\r\n2\r\n   1   10\r\n  21   30\r\nColor: 170 170 170\r\n\r\n"
        + "Regulation\r\n1\r\n  11   20\r\nColor: 255 85 0\r\n";

    [Fact]
    public void Read_BrainVoyagerVolumes_BareCountsIntervalsAndColours()
    {
        var c = PrtFile.Read(Write(BrainVoyagerVolumes), 2);
        Assert.Equal(["Baseline", "Regulation"], c.Conditions);
        Assert.Equal(["#aaaaaa", "#ff5500"], c.Colours);
        Assert.Equal(0, c.ParametricWeights);
        // [a, b] in volumes (1-based, inclusive) is onset (a − 1)·TR, duration (b − a + 1)·TR.
        Assert.Equal([(0.0, 20.0, "Baseline"), (20.0, 20.0, "Regulation"), (40.0, 20.0, "Baseline")],
            c.Intervals.Select(i => (i.Onset, i.Duration, i.Condition)));
        Assert.All(c.Intervals, i => Assert.Empty(i.Weights));
    }

    [Fact]
    public void Read_BrainVoyagerMsec_BareCountsAndMillisecondIntervals()
    {
        var text = BrainVoyagerVolumes.Replace("Volumes", "msec")
            .Replace("   1   10\r\n  21   30", "      0  20000\r\n  40000  60000").Replace("  11   20", "  20000  40000");
        var c = PrtFile.Read(Write(text), 2);
        Assert.Equal([(0.0, 20.0, "Baseline"), (20.0, 20.0, "Regulation"), (40.0, 20.0, "Baseline")],
            c.Intervals.Select(i => (i.Onset, i.Duration, i.Condition)));
    }

    [Fact]
    public void Read_FileVersion3WithParametricWeights_WeightsKeptPerInterval()
    {
        var text = BrainVoyagerVolumes.Replace("FileVersion:        2", "FileVersion:        3")
            .Replace("ReferenceFuncThick: 3\r\n", "ReferenceFuncThick: 3\r\n\r\nParametricWeights:  1\r\n")
            .Replace("   1   10\r\n  21   30", "   1   10  1\r\n  21   30  1").Replace("  11   20", "  11   20  2.5");
        var c = PrtFile.Read(Write(text), 2);
        Assert.Equal(1, c.ParametricWeights);
        Assert.Equal([1.0, 2.5, 1.0], c.Intervals.Select(i => Assert.Single(i.Weights)));
        Assert.Equal([0.0, 20.0, 40.0], c.Intervals.Select(i => i.Onset));
    }

    [Fact]
    public void Read_WeightMissingUnderParametricWeights_OneLineNamingTheShape()
    {
        var text = BrainVoyagerVolumes.Replace("ReferenceFuncThick: 3\r\n", "ReferenceFuncThick: 3\r\nParametricWeights:  1\r\n")
            .Replace("   1   10\r\n  21   30", "   1   10  1\r\n  21   30  1");
        var e = Assert.Throws<InputDataException>(() => PrtFile.Read(Write(text), 2));
        Assert.Contains("line 26: interval '11   20' is not three numbers (start end weight; ParametricWeights: 1)", e.Message);
    }

    [Theory]
    [InlineData("Baseline\r\n2\r\n", "Baseline\r\ntwo\r\n", "the number of intervals (a whole number) expected after condition 'Baseline', found 'two'")]
    [InlineData("Baseline\r\n2\r\n", "Baseline\r\n3\r\n", "line 21: interval 'Color: 170 170 170' is not two numbers")]
    [InlineData("  11   20\r\n", "  11   20   7\r\n", "interval '11   20   7' is not two numbers (start end)")]
    [InlineData("  11   20\r\n", "  11   NaN\r\n", "interval '11   NaN' is not two numbers")]
    public void Read_MalformedCountsOrIntervals_OneLine(string from, string to, string expected)
    {
        var e = Assert.Throws<InputDataException>(() => PrtFile.Read(Write(BrainVoyagerVolumes.Replace(from, to)), 2));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("volumes.prt")]
    [InlineData("msec.prt")]
    public void Read_KeyedNrOfIntervalsFixtures_StillParse(string name)
    {
        var c = PrtFile.Read(PythonRunner.RepoFile("tests", "RealtimeDecode.Fuzz", "corpus", "prt", name), 2);
        Assert.Equal(["Rest", "Happy"], c.Conditions);
        Assert.Equal([(0.0, 20.0), (20.0, 20.0), (40.0, 20.0)], c.Intervals.Select(i => (i.Onset, i.Duration)));
    }
}
