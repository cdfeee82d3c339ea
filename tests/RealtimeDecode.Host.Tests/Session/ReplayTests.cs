using RealtimeDecode.Host.Tests.Commands;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary><c>replay</c> end to end on a small synthetic session: the online estimates equal the offline chain's, and bad inputs end with one line.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ReplayTests : IClassFixture<SmallSession>
{
    private readonly SmallSession _s;

    public ReplayTests(SmallSession session) => _s = session;

    private CliRunner.Result Replay(string run, string record, params string[] more) =>
        CliRunner.Run(["replay", "--run", run, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
            "--speed", "max", "--no-dashboard", "--no-lsl", "--record", record, .. more]);

    [Fact]
    public void Replay_MaxSpeed_EstimatesEqualOfflineExtractConnectivityPredict()
    {
        string rec = _s.Path("rec");
        var r = Replay(_s.Run2, rec);
        Assert.True(r.ExitCode == 0, $"replay exited {r.ExitCode}: {r.Error}");

        string roi = _s.Path("roi.tsv"), dfc = _s.Path("dfc.tsv"), fromFeatures = _s.Path("pred-features.tsv"), fromBold = _s.Path("pred-bold.tsv");
        foreach (var args in new[]
        {
            new[] { "extract", "--bold", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--out", roi },
            new[] { "connectivity", "--roi", roi, "--window", "13", "--fisher", "--out", dfc },
            new[] { "predict", "--model", _s.Model, "--features", dfc, "--out", fromFeatures },
            new[] { "predict", "--model", _s.Model, "--bold", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--out", fromBold },
        })
        {
            var o = CliRunner.Run(args);
            Assert.True(o.ExitCode == 0, $"{args[0]} exited {o.ExitCode}: {o.Error}");
        }

        var targets = Recording.Targets(rec);
        var online = Recording.Estimates(rec);
        Assert.Equal(40 - 12, online.Count);
        Assert.Equal(Enumerable.Range(12, 28), online.Keys.Order());
        double worst = 0;
        foreach (var offlinePath in new[] { fromFeatures, fromBold })
        {
            var offline = TsvTable.Read(offlinePath).ByVolume(targets);
            Assert.Equal(online.Keys.Order(), offline.Keys.Order());
            foreach (var (v, values) in online)
                for (int t = 0; t < targets.Length; t++)
                {
                    double d = Math.Abs(values[t] - offline[v][t]);
                    worst = Math.Max(worst, d);
                    Assert.True(d <= 1e-12, $"{Path.GetFileName(offlinePath)} volume {v} {targets[t]}: online {values[t]:R} offline {offline[v][t]:R}");
                }
        }
        Console.WriteLine($"online vs offline: {online.Count} volumes × {targets.Length} targets, largest difference {worst:E2}");

        Assert.Equal(Enumerable.Range(0, 40).Select(v => (v, "ok")), Recording.Volumes(rec));
        Assert.True(Recording.Completed(rec));

        // session.json records what the session ran with after the command line, not only the configuration files.
        var configuration = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(rec, "session.json")))!["configuration"]!;
        Assert.Equal(_s.Run2, (string?)configuration["Session:Run"]);
        Assert.Equal(_s.Model, (string?)configuration["Session:Model"]);
        Assert.Equal(_s.Atlas, (string?)configuration["Session:Atlas"]);
        Assert.Equal("False", (string?)configuration["Dashboard:Enabled"]);
        Assert.Equal("False", (string?)configuration["Lsl:Enabled"]);
        Assert.Equal("max", (string?)configuration["Session:Speed"]);
        Assert.Null(configuration["Live:Watch"]);
    }

    private static void AssertOneLineUserError(CliRunner.Result r, string file, string problem)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}; stderr: {r.Error}");
        var line = r.Error.TrimEnd('\n', '\r');
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain("   at ", r.Error + r.Out);
        Assert.StartsWith("error: ", line);
        Assert.Contains(file, line);
        Assert.Contains(problem, line);
    }

    [Fact]
    public void Replay_MissingModel_OneLineExit2()
    {
        string missing = _s.Path("no-model");
        var r = CliRunner.Run("replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", missing,
            "--speed", "max", "--no-dashboard", "--no-lsl", "--record", _s.Path("rec"));
        AssertOneLineUserError(r, missing, "model package not found");
    }

    [Fact]
    public void Replay_ModelTrainedOnAnotherAtlas_OneLineExit2()
    {
        using var other = new SmallSession(volumes: 20, seed: 7, train: false);
        Assert.NotEqual(RealtimeDecode.Host.Session.BundledSession.Sha256(_s.Atlas), RealtimeDecode.Host.Session.BundledSession.Sha256(other.Atlas));
        var r = CliRunner.Run("replay", "--run", _s.Run2, "--atlas", other.Atlas, "--labels", other.Labels, "--model", _s.Model,
            "--speed", "max", "--no-dashboard", "--no-lsl", "--record", _s.Path("rec"));
        AssertOneLineUserError(r, _s.Model, "atlas");
    }

    [Fact]
    public void Replay_RunOnAnotherGrid_OneLineExit2()
    {
        using var other = new SmallSession(volumes: 20, seed: 1, nx: 16, ny: 20, nz: 14, train: false);
        var r = Replay(other.Run2, _s.Path("rec"));
        AssertOneLineUserError(r, _s.Atlas, "grid dimensions differ");
        Assert.Contains(Path.GetFileName(other.Run2).Replace(".nii.gz", "", StringComparison.Ordinal), r.Error);
    }

    [Fact]
    public void Replay_RunShorterThanWindow_OneLineExit2()
    {
        string shortRun = _s.Path("short.nii.gz");
        using (var reader = NiftiReader.Open(_s.Run2))
            NiftiWriter.Write(shortRun, Enumerable.Range(0, 8).Select(reader.ReadVolume).ToList(), new NiftiWriteOptions { RepetitionTimeSeconds = 2 });
        var r = Replay(shortRun, _s.Path("rec"));
        AssertOneLineUserError(r, shortRun, "window");
    }
}
