using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Tests.Support;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tests.Feedback;

public sealed class ProtocolFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Sidecar => ProtocolFiles.StandardSidecar.Replace("METHOD", "z").Replace("SMOOTH", "1");

    private string Write(string events, string? sidecar = null) => ProtocolFiles.Write(_dir.Path, "p", events, sidecar ?? Sidecar);

    private InputDataException Fails(string events, string? sidecar = null)
    {
        var e = Assert.Throws<InputDataException>(() => ProtocolFile.Read(Write(events, sidecar)));
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    [Fact]
    public void Read_ValidProtocol_BlocksConditionsAndDefaults()
    {
        var p = ProtocolFile.Read(Write(ProtocolFiles.Rows((0, 10, "rest"), (10, 20, "base"), (30, 20, "up"), (50, 20, "down"), (70, 4, "score"))));
        Assert.Equal(5, p.Blocks.Count);
        Assert.Equal([1, 2, 3, 4, 5], p.Blocks.Select(b => b.Number));
        Assert.Equal(NormalisationMethod.Z, p.Normalisation);
        Assert.Equal(3, p.BaselineSkipSeconds);
        Assert.Equal(4, p.HaemodynamicDelaySeconds);
        Assert.Equal((-2.5, 2.5), (p.RangeMin, p.RangeMax));
        var down = p.Blocks[3].Condition;
        Assert.Equal(FeedbackMode.Intermittent, down.Feedback);
        Assert.Equal(-1, down.Direction);
        Assert.Equal(-0.5, down.Source["joy"]);
        Assert.True(p.Blocks[2].Condition.Thermometer);
        Assert.False(p.Blocks[1].Condition.Thermometer);
        Assert.Equal(1, p.BaselineOf(3));
        Assert.Equal(1, p.BaselineOf(2));
        Assert.Equal(2, p.BlockAt(30));
        Assert.Equal(-1, p.BlockAt(74));
        Assert.Equal(-1, p.BlockAt(-1));
    }

    [Fact]
    public void Read_DefaultsWhenKeysAreAbsent_ZSkip6Smoothing1Delay6()
    {
        var p = ProtocolFile.Read(Write(ProtocolFiles.Rows((0, 10, "b"), (10, 10, "r")),
            """{"Conditions": {"b": {"Role": "baseline"}, "r": {"Role": "regulate", "Target": "joy"}}}"""));
        Assert.Equal((NormalisationMethod.Z, 6.0, 1, 6.0), (p.Normalisation, p.BaselineSkipSeconds, p.Smoothing, p.HaemodynamicDelaySeconds));
        Assert.Equal(FeedbackMode.Continuous, p.Blocks[1].Condition.Feedback);
        Assert.Equal(1, p.Blocks[1].Condition.Direction);
    }

    [Fact]
    public void Read_OverlappingBlocks_NamesBoth()
    {
        var e = Fails(ProtocolFiles.Rows((0, 20, "base"), (15, 10, "up")));
        Assert.Contains("blocks 1 (base", e.Message);
        Assert.Contains("and 2 (up", e.Message);
        Assert.Contains("overlap", e.Message);
    }

    [Fact]
    public void Read_UnknownCondition_NamesItAndTheLine()
    {
        var e = Fails(ProtocolFiles.Rows((0, 20, "base"), (20, 10, "happy")));
        Assert.Contains("line 3", e.Message);
        Assert.Contains("'happy' is not defined", e.Message);
    }

    [Fact]
    public void Read_RegulateWithoutBaselineBefore_Fails()
    {
        var e = Fails(ProtocolFiles.Rows((0, 20, "rest"), (20, 10, "up"), (30, 10, "base")));
        Assert.Contains("regulation block 2 (up) has no baseline block before it", e.Message);
    }

    [Theory]
    [InlineData("0\t10\n", "has 2 fields")]
    [InlineData("x\t10\tbase\n", "onset 'x'")]
    [InlineData("0\t0\tbase\n", "duration '0'")]
    [InlineData("-1\t5\tbase\n", "onset '-1'")]
    public void Read_MalformedRow_OneLine(string events, string expected) => Assert.Contains(expected, Fails(events).Message);

    [Theory]
    [InlineData("""{"Conditions": {"base": {"Role": "sleep"}}}""", "Role 'sleep'")]
    [InlineData("""{"Conditions": {"base": {"Role": "regulate"}}}""", "Target is required")]
    [InlineData("""{"Conditions": {"base": {"Role": "baseline"}}, "Normalisation": {"Method": "ratio"}}""", "Method 'ratio'")]
    [InlineData("""{"Conditions": {"base": {"Role": "baseline"}}, "Smoothing": 0}""", "Smoothing")]
    [InlineData("""{"Conditions": {"base": {"Role": "baseline", "Feedback": "continuous"}}}""", "Feedback is only for regulate")]
    [InlineData("""{"Conditions": """, "not valid JSON")]
    public void Read_BadSidecar_OneLine(string sidecar, string expected) =>
        Assert.Contains(expected, Fails(ProtocolFiles.Rows((0, 10, "base")), sidecar).Message);

    [Fact]
    public void CheckRun_OnsetPastTheRunsEnd_Fails()
    {
        var p = ProtocolFile.Read(Write(ProtocolFiles.Rows((0, 20, "base"), (20, 20, "up"))));
        p.CheckRun(2, 11);
        var e = Assert.Throws<InputDataException>(() => p.CheckRun(2, 10));
        Assert.Contains("block 2 (up) starts at 20 s", e.Message);
    }

    [Fact]
    public void CheckTargets_SourceTheModelLacks_Fails()
    {
        var p = ProtocolFile.Read(Write(ProtocolFiles.Rows((0, 20, "base"), (20, 20, "down"))));
        p.CheckTargets(["joy", "fear"], "m");
        var e = Assert.Throws<InputDataException>(() => p.CheckTargets(["joy", "anger"], "m"));
        Assert.Contains("'fear', which model m lacks", e.Message);
    }
}
