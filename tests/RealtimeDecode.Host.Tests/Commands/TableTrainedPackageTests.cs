using RealtimeDecode.Host.Session;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary>
/// A package trained on feature tables records no atlas (a table does not say its own), so nothing can check the
/// atlas a command gives it: the command says so, and a package that records its atlas says nothing.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class TableTrainedPackageTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void PredictWithAtlas_PackageFromTables_WarnsThatTheAtlasIsUnchecked()
    {
        BundledSession.EnsureRuns(TextWriter.Null);
        string roi = _dir.File("roi.tsv"), model = _dir.File("model");
        var targets = Path.Combine(BundledSession.Root, "sub-01", "func", "sub-01_task-alice_run-1_desc-truth_targets.tsv");
        Assert.Equal(0, CliRunner.Run("extract", "--bold", BundledSession.Run(1), "--atlas", BundledSession.Atlas, "--out", roi).ExitCode);
        var train = CliRunner.Run("train", "--features", "roi", "--table", roi, "--targets", targets, "--cv", "none", "--out", model);
        Assert.True(train.ExitCode == 0, train.Error);

        var fromTables = CliRunner.Run("predict", "--model", model, "--bold", BundledSession.Run(2), "--atlas", BundledSession.Atlas, "--out", _dir.File("p1.tsv"));
        var recorded = CliRunner.Run("predict", "--model", BundledSession.Model, "--bold", BundledSession.Run(2), "--atlas", BundledSession.Atlas, "--out", _dir.File("p2.tsv"));

        Assert.True(fromTables.ExitCode == 0, fromTables.Error);
        var warning = Assert.Single(fromTables.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("warning: ", StringComparison.Ordinal));
        Assert.Equal($"warning: {model} records no atlas (trained on feature tables): nothing checks that {BundledSession.Atlas} is the atlas its features came from; one of another parcellation with as many labels would give estimates without a word", warning);
        Assert.True(recorded.ExitCode == 0, recorded.Error);
        Assert.DoesNotContain("records no atlas", recorded.Error, StringComparison.Ordinal);
    }
}
