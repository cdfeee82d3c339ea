using RealtimeDecode.Host.Configuration;

namespace RealtimeDecode.Host.Tests.Commands;

[Collection(ConsoleCollection.Name)]
public sealed class ProtocolCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string events, string target = "joy")
    {
        var path = _dir.File("p.tsv");
        File.WriteAllText(path, "onset\tduration\ttrial_type\n" + events);
        File.WriteAllText(_dir.File("p.json"), """
            {"Conditions": {"base": {"Role": "baseline"}, "up": {"Role": "regulate", "Target": "TARGET", "Feedback": "intermittent"},
             "score": {"Role": "display"}}, "HaemodynamicDelay": 6}
            """.Replace("TARGET", target));
        return path;
    }

    private static string BundledModel => RepositoryPaths.Bundled("replay-data", "models", "default");

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

    [Fact]
    public void Check_BundledExample_FitsTheBundledRunAndModelWithoutNotes()
    {
        // Its continuous blocks last 36 s: the W = 13 model's estimates arrive 18 s after the time they describe.
        var r = CliRunner.Run("protocol", "check", RepositoryPaths.Bundled("configs", "protocols", "joy-upregulation.tsv"),
            "--tr", "2", "--volumes", "372", "--model", BundledModel);
        Assert.True(r.ExitCode == 0, r.Error);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(lines, l => l.StartsWith("note:", StringComparison.Ordinal));
        // every intermittent block's score has a display block to show it
        Assert.Equal(4, lines.Count(l => l.Contains("\tintermittent\t", StringComparison.Ordinal)));
        Assert.Equal(4, lines.Count(l => l.Contains("\tdisplay\t", StringComparison.Ordinal)));
    }

    [Fact]
    public void Check_WithModel_ItsWindowTimesTheEstimates()
    {
        var r = CliRunner.Run("protocol", "check", Write("0\t20\tbase\n20\t20\tup\n40\t30\tscore\n"), "--tr", "2", "--volumes", "40", "--model", BundledModel);
        Assert.True(r.ExitCode == 0, r.Error);
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith($"; estimates: window 13 volumes (model {BundledModel})", lines[0]);
        // Described time (v − 6)·2 − 6 lies in [20, 40) for v = 19–28.
        Assert.Equal("2\t20\t40\tup\tregulate\tintermittent\tup joy\tblock 1\t10-19\t19-28", lines[3]);
    }

    [Fact]
    public void Check_WithoutModelOrWindow_SaysItAssumesAWindowOfOne()
    {
        var r = CliRunner.Run("protocol", "check", Write("0\t20\tbase\n20\t20\tup\n40\t4\tscore\n"), "--tr", "2");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.EndsWith("; estimates: window 1 volume assumed (ROI models; give --model or --window for a windowed model)", r.Out.Split('\n')[0]);
    }

    [Fact]
    public void Check_SourceTheModelLacks_OneLineExit2AsASessionRefusesIt()
    {
        var r = CliRunner.Run("protocol", "check", Write("0\t20\tbase\n20\t20\tup\n", "contentment"), "--model", BundledModel);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"condition 'up' takes feedback from 'contentment', which model {BundledModel} lacks", r.Error);
        Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Check_WindowContradictingTheModel_OneLineNamingBoth()
    {
        var r = CliRunner.Run("protocol", "check", Write("0\t20\tbase\n20\t20\tup\n"), "--tr", "2", "--model", BundledModel, "--window", "7");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"error: {BundledModel}: the model's window is 13 volumes; --window 7 contradicts it: leave --window out (protocol check takes the model's)", r.Error.Trim());
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
    public void Feedback_CensoredColumnWithoutRecording_NeedsTheCensorPolicyAndWithholdCountsCensoredAsMissing()
    {
        var est = _dir.File("estimates.tsv");
        File.WriteAllText(est, "volume\tonset_s\tjoy\tcensored\tpublished_ms\n0\t0\t1\t0\t3\n1\t2\t2\t1\t5\n2\t4\t3\t0\t7\n");
        string protocol = Write("0\t20\tbase\n20\t20\tup\n"), output = _dir.File("f.tsv");
        var r = CliRunner.Run("protocol", "feedback", protocol, "--estimates", est, "--tr", "2", "--window", "1", "--out", output);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("has a censored column and no session.json beside it states the session's censor policy: give --censor", r.Error);

        r = CliRunner.Run("protocol", "feedback", protocol, "--estimates", est, "--tr", "2", "--window", "1", "--censor", "withhold", "--out", output);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("protocol feedback: TR 2 s from --tr; window 1 volume from --window; censor withhold from --censor", r.Out);
        // The censored volume 1 is missing (estimate n/a); the censored column is no target.
        Assert.Equal(["1", "3"], File.ReadAllLines(output).Skip(1).Select(l => l.Split('\t')).Where(f => f[4] != "n/a").Select(f => f[4]));
    }

    [Fact]
    public void Feedback_TargetTheEstimatesLack_OneLineExit2()
    {
        var est = _dir.File("estimates.tsv");
        File.WriteAllText(est, "volume\tonset_s\tfear\tpublished_ms\n0\t0\t1\t3\n");
        var r = CliRunner.Run("protocol", "feedback", Write("0\t20\tbase\n20\t20\tup\n"), "--estimates", est, "--tr", "2", "--window", "1", "--out", _dir.File("f.tsv"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("'joy', which model", r.Error);
    }
}

[Collection(ConsoleCollection.Name)]
public sealed class ProtocolImportTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Prt = """
        FileVersion:        2

        ResolutionOfTime:   Volumes

        Experiment:         NF

        NrOfConditions:  2

        Rest
        NrOfIntervals: 2
           1   10
          21   30
        Color: 192 192 192

        Happy
        NrOfIntervals: 1
          11   20
        Color: 255 0 0
        """;

    [Fact]
    public void Import_VolumePrt_BlocksAtTrTimesAndASidecarThatChecks()
    {
        File.WriteAllText(_dir.File("nf.prt"), Prt);
        var r = CliRunner.Run("protocol", "import", _dir.File("nf.prt"), "--tr", "2", "--target", "joy", "--out", _dir.File("nf.tsv"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(["onset\tduration\ttrial_type", "0\t20\tRest", "20\t20\tHappy", "40\t20\tRest"], File.ReadAllLines(_dir.File("nf.tsv")));
        var p = RealtimeDecode.Engine.Feedback.ProtocolFile.Read(_dir.File("nf.tsv"));
        Assert.Equal(RealtimeDecode.Engine.Feedback.ConditionRole.Baseline, p.Blocks[0].Condition.Role);
        Assert.Equal(RealtimeDecode.Engine.Feedback.ConditionRole.Regulate, p.Blocks[1].Condition.Role);
        Assert.Equal(1.0, p.Blocks[1].Condition.Source["joy"]);
        Assert.Equal("#ff0000", p.Blocks[1].Condition.Colour);
        var check = CliRunner.Run("protocol", "check", _dir.File("nf.tsv"), "--tr", "2", "--volumes", "30");
        Assert.Equal(0, check.ExitCode);
    }

    [Fact]
    public void Import_WithoutTarget_SaysItWroteTheSidecarAndThatNoConditionGivesFeedback()
    {
        File.WriteAllText(_dir.File("nf.prt"), Prt);

        var r = CliRunner.Run("protocol", "import", _dir.File("nf.prt"), "--tr", "2", "--out", _dir.File("nf.tsv"));
        var targeted = CliRunner.Run("protocol", "import", _dir.File("nf.prt"), "--tr", "2", "--target", "joy", "--out", _dir.File("joy.tsv"));

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains($"-> {_dir.File("nf.tsv")} and {_dir.File("nf.json")} (", r.Out, StringComparison.Ordinal);
        var note = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"note: no condition gives feedback (no --target): every condition but the baseline 'Rest' is rest; give --target, or make a condition regulate in {_dir.File("nf.json")}", note);
        Assert.True(targeted.ExitCode == 0, targeted.Error);
        Assert.Equal("", targeted.Error);
    }

    [Fact]
    public void Import_BrainVoyagerV3WithParametricWeights_BareCountsReadWeightsKeptAsAColumn()
    {
        // As BrainVoyager writes FileVersion 3: the interval count bare after the name, a weight after each interval.
        File.WriteAllText(_dir.File("v3.prt"), """

            FileVersion:        3

            ResolutionOfTime:   msec

            Experiment:         NF

            BackgroundColor:    0 0 0
            TextColor:          255 255 255
            TimeCourseColor:    255 255 255
            TimeCourseThick:    3
            ReferenceFuncColor: 0 0 80
            ReferenceFuncThick: 3

            ParametricWeights:  1

            NrOfConditions:  2

            Rest
            2
                0  19999  1
            40000  59999  1
            Color: 192 192 192

            Happy
            1
            20000  39999  0.5
            Color: 255 0 0
            """.Replace("\n", "\r\n"));
        var r = CliRunner.Run("protocol", "import", _dir.File("v3.prt"), "--tr", "2", "--target", "joy", "--out", _dir.File("v3.tsv"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(["onset\tduration\ttrial_type\tweight", "0\t19.999\tRest\t1", "20\t19.999\tHappy\t0.5", "40\t19.999\tRest\t1"],
            File.ReadAllLines(_dir.File("v3.tsv")));
        Assert.Equal(0, CliRunner.Run("protocol", "check", _dir.File("v3.tsv"), "--tr", "2", "--volumes", "30").ExitCode);
    }

    [Theory]
    [InlineData("NrOfIntervals: 1\n  11   20\nColor: 255 0 0", "NrOfIntervals: 2\n  11   20", "'Happy' ends after 1 of 2 intervals")]
    [InlineData("  11   20", "  11   x", "is not two numbers")]
    [InlineData("  11   20", "  20   11", "not 1 ≤ start ≤ end")]
    [InlineData("NrOfConditions:  2", "NrOfConditions:  two", "NrOfConditions 'two'")]
    [InlineData("ResolutionOfTime:   Volumes", "ResolutionOfTime:   Frames", "ResolutionOfTime 'Frames'")]
    public void Import_MalformedPrt_OneLineExit2(string from, string to, string expected)
    {
        File.WriteAllText(_dir.File("bad.prt"), Prt.Replace(from, to));
        var r = CliRunner.Run("protocol", "import", _dir.File("bad.prt"), "--tr", "2", "--out", _dir.File("bad.tsv"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Error);
        Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Import_OverlappingIntervals_OneLineExit2()
    {
        File.WriteAllText(_dir.File("o.prt"), Prt.Replace("  11   20", "  9   20"));
        var r = CliRunner.Run("protocol", "import", _dir.File("o.prt"), "--tr", "2", "--out", _dir.File("o.tsv"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("overlap", r.Error);
    }
}
