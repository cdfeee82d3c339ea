namespace RealtimeDecode.Host.Tests.Commands;

[Collection(ConsoleCollection.Name)]
public sealed class ProtocolCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string events)
    {
        var path = _dir.File("p.tsv");
        File.WriteAllText(path, "onset\tduration\ttrial_type\n" + events);
        File.WriteAllText(_dir.File("p.json"), """
            {"Conditions": {"base": {"Role": "baseline"}, "up": {"Role": "regulate", "Target": "joy", "Feedback": "intermittent"},
             "score": {"Role": "display"}}, "HaemodynamicDelay": 6}
            """);
        return path;
    }

    [Fact]
    public void Check_ValidProtocol_TimelineWithVolumesAndEstimates()
    {
        var r = CliRunner.Run("protocol", "check", Write("0\t20\tbase\n20\t20\tup\n40\t4\tscore\n"), "--tr", "2", "--volumes", "30", "--window", "3");
        Assert.True(r.ExitCode == 0, r.Error);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("block\tonset_s\tend_s\tcondition\trole\tfeedback\tsource\tbaseline\tvolumes\testimates", lines[1]);
        // Acquired 10–19; described time (v − 1)·2 − 6 lies in [20, 40) for v = 14–23.
        Assert.Equal("2\t20\t40\tup\tregulate\tintermittent\tup joy\tblock 1\t10-19\t14-23", lines[3]);
        // The score is released at volume 24 (48 s), after the 40–44 s display block.
        Assert.Equal("note: block 2's score is released at volume 24 (48 s), after display block 3 ends (44 s)", lines[5]);
    }

    [Theory]
    [InlineData("0\t20\tbase\n10\t20\tup\n", new string[0], "overlap")]
    [InlineData("0\t20\tbase\n20\t20\tjoy\n", new string[0], "'joy' is not defined")]
    [InlineData("0\t20\tup\n", new string[0], "has no baseline block before it")]
    [InlineData("0\t20\tbase\n20\t20\tup\n", new[] { "--tr", "2", "--volumes", "10" }, "at or after the run's end")]
    [InlineData("0\tten\tbase\n", new string[0], "duration 'ten'")]
    public void Check_BadProtocol_OneLineExit2(string events, string[] extra, string expected)
    {
        var r = CliRunner.Run(["protocol", "check", Write(events), .. extra]);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("error: ", r.Error);
        Assert.Contains(expected, r.Error);
        Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Feedback_TargetTheEstimatesLack_OneLineExit2()
    {
        var est = _dir.File("estimates.tsv");
        File.WriteAllText(est, "volume\tonset_s\tfear\tpublished_ms\n0\t0\t1\t3\n");
        var r = CliRunner.Run("protocol", "feedback", Write("0\t20\tbase\n20\t20\tup\n"), "--estimates", est, "--tr", "2", "--out", _dir.File("f.tsv"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("'joy', which model", r.Error);
    }
}
