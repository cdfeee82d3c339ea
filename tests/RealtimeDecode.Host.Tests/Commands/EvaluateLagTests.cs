using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Host.Session;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary><c>evaluate</c> measures how old the estimates are, on the bundled session whose delay is known.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class EvaluateLagTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// Known delay: the synthetic brain couples the carriers at volume u by the truth at u with no further
    /// delay (the truth already holds the HRF), and the default model's rectangular window of W = 13
    /// volumes ending at v averages that coupling over v − 12 … v, centred (W − 1)/2 = 6 volumes = 12 s
    /// before the last volume. The measured lag must be within one TR (2 s) of it.
    /// </summary>
    [Fact]
    public void Evaluate_BundledModelOnHeldOutRun_LagWithinOneTrOfTheWindowCentreAndStored()
    {
        BundledSession.EnsureRuns(TextWriter.Null);
        var model = _dir.File("model");
        Directory.CreateDirectory(model);
        foreach (var f in Directory.GetFiles(BundledSession.Model)) File.Copy(f, Path.Combine(model, Path.GetFileName(f)));
        var report = _dir.File("report");
        var truth = Path.Combine(BundledSession.Root, "sub-01", "func", "sub-01_task-alice_run-2_desc-truth_targets.tsv");

        var r = CliRunner.Run("evaluate", "--model", model, "--bold", BundledSession.Run(2), "--atlas", BundledSession.Atlas,
            "--labels", BundledSession.Labels, "--targets", truth, "--report", report, "--store-lag");

        Assert.True(r.ExitCode == 0, r.Error);
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(report, "metrics.json")))!;
        var lag = metrics["models"]![0]!["estimate_lag"]!;
        double seconds = (double)lag["seconds"]!;
        Assert.InRange(seconds, 12 - 2, 12 + 2);
        Assert.InRange((double)lag["standard_error_s"]!, 0, 2);
        Assert.Equal(8, lag["per_target"]!.AsObject().Count);
        Assert.True(File.Exists(Path.Combine(report, "lag.tsv")));

        var package = ModelPackage.Load(model);
        Assert.NotNull(package.Lag);
        Assert.Equal(seconds, package.Lag!.Seconds, 3);
        Assert.Contains("describes about t − ", package.Lag.Describe());
        // the TR it holds at: the run's (its sidecar says 2 s); a session at another TR withholds it
        Assert.Equal(2, package.Lag.RepetitionTimeSeconds);
        Assert.Equal(2, (double)JsonNode.Parse(File.ReadAllText(Path.Combine(model, "model.json")))!["estimate_lag"]!["repetition_time_s"]!);
    }

    [Fact]
    public void Evaluate_StoreLagIntoZipPackage_ExitsWithUserError()
    {
        var r = CliRunner.Run("evaluate", "--model", _dir.File("m.zip"), "--table", _dir.File("x.tsv"), "--targets", _dir.File("t.tsv"),
            "--report", _dir.File("rep"), "--tr", "2", "--store-lag");

        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
