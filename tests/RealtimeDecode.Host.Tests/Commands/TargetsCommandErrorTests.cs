namespace RealtimeDecode.Host.Tests.Commands;

/// <summary>Bad timing input to <c>targets</c>: one line on stderr naming the file or option, exit 2, nothing written.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class TargetsCommandErrorTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Good = "onset\toffset\ttext\tjoy\n0\t4\tOne.\t0.2\n4\t9\tTwo.\t0.8\n9.5\t20\tThree.\t0.5\n";

    [Theory]
    [InlineData("overlap", "onset\toffset\ttext\tjoy\n0\t4\tOne.\t0.2\n3\t9\tTwo.\t0.8\n", "2", "12", "overlaps")]
    [InlineData("backwards", "onset\toffset\ttext\tjoy\n0\t4\tOne.\t0.2\n9\t6\tTwo.\t0.8\n", "2", "12", "not after onset")]
    [InlineData("unsorted", "onset\toffset\ttext\tjoy\n4\t8\tOne.\t0.2\n0\t3\tTwo.\t0.8\n", "2", "12", "not sorted")]
    [InlineData("past-run", Good, "2", "9", "runs to 20 s")]
    [InlineData("tr-zero", Good, "0", "12", "--tr")]
    [InlineData("tr-negative", Good, "-2", "12", "--tr")]
    public void Targets_BadTiming_OneLineAndExit2(string name, string tsv, string tr, string volumes, string says)
    {
        var annotations = _dir.File(name + ".tsv");
        File.WriteAllText(annotations, tsv);
        var outPath = _dir.File("T.tsv");

        var r = CliRunner.Run("targets", "--annotations", annotations, "--tr", tr, "--volumes", volumes, "--hrf", "spm", "--out", outPath);

        Assert.Equal(2, r.ExitCode);
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(says, lines[0]);
        Assert.False(File.Exists(outPath));
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("end")]
    public void Targets_BadAcquisition_OneLineNamingTheOption(string value)
    {
        var annotations = _dir.File("A.tsv");
        File.WriteAllText(annotations, Good);

        var r = CliRunner.Run("targets", "--annotations", annotations, "--tr", "2", "--volumes", "12", "--hrf", "spm", "--acquisition", value, "--out", _dir.File("T.tsv"));

        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--acquisition", r.Error);
    }
}
