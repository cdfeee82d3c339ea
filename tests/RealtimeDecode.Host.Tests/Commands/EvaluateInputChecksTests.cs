namespace RealtimeDecode.Host.Tests.Commands;

/// <summary>
/// evaluate checks what it can without the runs' features before it reads any run or model: a targets table that
/// is missing or unreadable, a count of targets tables other than the runs', and a report path it cannot write are
/// each refused with one line naming the file, exit 2. Here the model folder is empty and the runs do not exist, so
/// reaching either would give another error.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class EvaluateInputChecksTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private CliRunner.Result Evaluate(string[] targets, string? report = null)
    {
        string model = _dir.File("model");
        Directory.CreateDirectory(model);
        var args = new List<string> { "evaluate", "--model", model, "--bold", _dir.File("run1.nii.gz"), "--atlas", _dir.File("atlas.nii.gz"), "--tr", "2" };
        foreach (var t in targets) args.AddRange(["--targets", t]);
        args.AddRange(["--report", report ?? _dir.File("report")]);
        return CliRunner.Run([.. args]);
    }

    private static string OneErrorLine(CliRunner.Result r)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}; stderr: {r.Error}");
        Assert.DoesNotContain("   at ", r.Error);
        return Assert.Single(r.Error.Split('\n').Select(l => l.TrimEnd('\r')), l => l.Length > 0);
    }

    [Fact]
    public void MissingTargetsTable_NamedBeforeTheModelOrRunsAreRead()
    {
        string targets = _dir.File("targets-missing.tsv");
        var line = OneErrorLine(Evaluate([targets]));
        Assert.Contains(targets, line, StringComparison.Ordinal);
        Assert.DoesNotContain("run1.nii.gz", line, StringComparison.Ordinal);
        Assert.DoesNotContain("model.json", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.File("report")), "no report folder is made for a refused evaluation");
    }

    [Fact]
    public void TargetsCountOtherThanRuns_Refused()
    {
        string a = _dir.File("a.tsv"), b = _dir.File("b.tsv");
        File.WriteAllLines(a, ["volume\tjoy", "0\t1"]);
        File.WriteAllLines(b, ["volume\tjoy", "0\t1"]);
        var line = OneErrorLine(Evaluate([a, b]));
        Assert.Contains("1 run(s) of features but 2 --targets file(s)", line, StringComparison.Ordinal);
    }

    [Fact]
    public void TrOtherThanTheRunStates_Warned()
    {
        Host.Session.BundledSession.EnsureRuns(TextWriter.Null);
        string model = _dir.File("model");
        Directory.CreateDirectory(model);
        string run = Host.Session.BundledSession.Run(2);

        string targets = _dir.File("t.tsv");
        File.WriteAllLines(targets, ["volume\tjoy", "0\t1"]);

        var r = CliRunner.Run("evaluate", "--model", model, "--bold", run, "--atlas", Host.Session.BundledSession.Atlas, "--tr", "3",
            "--targets", targets, "--report", _dir.File("report"));

        // The empty model folder ends the command once the warning is out.
        Assert.Equal(2, r.ExitCode);
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"warning: --tr 3 but {run} states TR 2 s: the lag of the estimates is measured at TR 3 s", lines[0].TrimEnd('\r'));
        Assert.StartsWith("error: ", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void ReportPathIsAFile_RefusedBeforeTheModelIsRead()
    {
        string targets = _dir.File("t.tsv");
        File.WriteAllLines(targets, ["volume\tjoy", "0\t1"]);
        string report = _dir.File("report.html");
        File.WriteAllText(report, "x");
        var line = OneErrorLine(Evaluate([targets], report));
        Assert.Contains(report, line, StringComparison.Ordinal);
        Assert.Contains("--report", line, StringComparison.Ordinal);
    }
}
