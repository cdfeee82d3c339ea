using RealtimeDecode.Host.Session;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary>
/// Targets made by <c>targets</c> state the TR and volume count they were made for: <c>train</c> and <c>evaluate</c>
/// refuse them for a run of another TR before any feature is computed, and warn for another volume count.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class TargetsMadeForRunTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Targets(string tr, string volumes)
    {
        string path = _dir.File($"targets-tr{tr}-{volumes}.tsv");
        var r = CliRunner.Run("targets", "--annotations", Path.Combine(BundledSession.Root, "stimuli", "task-alice_annotations.tsv"),
            "--tr", tr, "--volumes", volumes, "--out", path);
        Assert.True(r.ExitCode == 0, r.Error);
        return path;
    }

    [Fact]
    public void TargetsOfAnotherTr_RefusedByTrainAndEvaluate()
    {
        BundledSession.EnsureRuns(TextWriter.Null);
        string targets = Targets("1", "744");
        string run = BundledSession.Run(1);

        var train = CliRunner.Run("train", "--bold", run, "--atlas", BundledSession.Atlas, "--targets", targets, "--cv", "none", "--out", _dir.File("model"));
        var evaluate = CliRunner.Run("evaluate", "--model", BundledSession.Model, "--bold", run, "--atlas", BundledSession.Atlas, "--targets", targets, "--report", _dir.File("report"));

        foreach (var r in new[] { train, evaluate })
        {
            Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error}");
            var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal($"error: {Path.ChangeExtension(targets, ".json")}: {targets} was made for TR 1 s, but {run} is TR 2 s: every target would sit at the wrong time; remake it with targets --tr 2", line);
            Assert.DoesNotContain("features of", r.Out, StringComparison.Ordinal);
        }
        Assert.False(Directory.Exists(_dir.File("model")));
        Assert.False(Directory.Exists(_dir.File("report")));
    }

    [Fact]
    public void TargetsOfAnotherVolumeCount_Warned()
    {
        BundledSession.EnsureRuns(TextWriter.Null);
        string targets = Targets("2", "400");
        string run = BundledSession.Run(1);

        // An empty model folder stops evaluate right after the check.
        Directory.CreateDirectory(_dir.File("empty"));
        var r = CliRunner.Run("evaluate", "--model", _dir.File("empty"), "--bold", run, "--atlas", BundledSession.Atlas, "--targets", targets, "--report", _dir.File("report"));

        Assert.Contains($"warning: {targets} was made for 400 volumes, {run} has 372: is it this run's?", r.Error, StringComparison.Ordinal);
    }
}
