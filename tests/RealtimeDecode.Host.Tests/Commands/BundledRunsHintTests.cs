using RealtimeDecode.Host.Commands;
using RealtimeDecode.Host.Session;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary>
/// A path not found in the bundled session folder (as the bundled BOLD runs are on a fresh clone) gets the
/// line saying how they are made; a path not found elsewhere does not. Run 7 is used: no command makes it,
/// so the test does not depend on whether the runs have been generated here.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class BundledRunsHintTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string MissingBundledRun => Path.Combine(BundledSession.Root, "sub-01", "func", "sub-01_task-alice_run-7_bold.nii.gz");

    private static string OneErrorLine(CliRunner.Result r)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}; stderr: {r.Error}");
        var line = r.Error.TrimEnd('\n', '\r');
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith("error: ", line);
        return line;
    }

    [Fact]
    public void Extract_MissingRunInBundledFolder_FileNotFoundWithHowTheRunsAreMade()
    {
        var r = CliRunner.Run("extract", "--bold", MissingBundledRun, "--atlas", BundledSession.Atlas, "--out", _dir.File("roi.tsv"));
        Assert.Equal($"error: {MissingBundledRun}: file not found{BundledRunsHint.Text}", OneErrorLine(r));
        Assert.Contains("realtime-decode replay", BundledRunsHint.Text, StringComparison.Ordinal);
        Assert.Contains("realtime-decode synth --out replay-data/session --seed 1", BundledRunsHint.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_MissingRunInBundledFolder_RunNotFoundWithHint()
    {
        var r = CliRunner.Run("train", "--features", "roi", "--bold", MissingBundledRun, "--atlas", BundledSession.Atlas,
            "--targets", Path.Combine(BundledSession.Root, "sub-01", "func", "sub-01_task-alice_run-1_desc-truth_targets.tsv"),
            "--cv", "none", "--out", _dir.File("model"));
        var line = OneErrorLine(r);
        Assert.StartsWith($"error: {MissingBundledRun}: ", line);
        Assert.EndsWith(BundledRunsHint.Text, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_MissingRunElsewhere_FileNotFoundWithoutHint()
    {
        var missing = _dir.File("sub-01_task-alice_run-1_bold.nii.gz");
        var r = CliRunner.Run("extract", "--bold", missing, "--atlas", BundledSession.Atlas, "--out", _dir.File("roi.tsv"));
        Assert.Equal($"error: {missing}: file not found", OneErrorLine(r));
    }

    [Fact]
    public void Applies_OnlyToAPathNotFoundUnderTheRoot()
    {
        var root = _dir.File("replay-data/session");
        Directory.CreateDirectory(Path.Combine(root, "atlas"));
        var existing = Path.Combine(root, "atlas", "labels.tsv");
        File.WriteAllText(existing, "id\tname\n");
        Assert.True(BundledRunsHint.Applies(new InputDataException(Path.Combine(root, "sub-01", "x.nii.gz"), "file not found"), root));
        Assert.True(BundledRunsHint.Applies(new InputDataException(Path.Combine(root, "x.nii.gz"), "run not found (no such file or folder)"), root));
        Assert.False(BundledRunsHint.Applies(new InputDataException(existing, "the header row must name the columns index and name"), root));
        Assert.False(BundledRunsHint.Applies(new InputDataException(Path.Combine(root, "new", "out.tsv"), "--out: this folder cannot be made"), root));
        Assert.False(BundledRunsHint.Applies(new InputDataException(root + "-other/x.nii.gz", "file not found"), root));
        Assert.False(BundledRunsHint.Applies(new InputDataException(null, "--bold is required"), root));
    }
}
