using System.Globalization;
using System.Text.Json;
using RealtimeDecode.Host.Tests.Commands;
using RealtimeDecode.Tests.Support;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary>
/// Motion regressors, censoring and failed volumes on the session path: the package's motion settings are
/// enforced before the first volume, censoring follows the recorded FD, a failed volume stays out of the
/// window, and a bad reference stops the session before it starts.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class MotionCensorSessionTests : IClassFixture<MotionSession>
{
    private const int Window = 13;
    private readonly MotionSession _s;

    public MotionCensorSessionTests(MotionSession s) => _s = s;

    private string[] Replay(string run, string model, string record, params string[] more) =>
        ["replay", "--run", run, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", model,
            "--speed", "max", "--no-dashboard", "--no-lsl", "--record", record, .. more];

    private static void AssertOneLineRefusal(CliRunner.Result r, string record, string mentions)
    {
        Assert.Equal(2, r.ExitCode);
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error:", lines[0]);
        Assert.Contains(mentions, lines[0]);
        Assert.False(File.Exists(Path.Combine(record, "volumes.tsv")), "refused before the first volume");
    }

    [Theory]
    [InlineData(new[] { "--realign" }, "--motion-regressors 24")]
    [InlineData(new[] { "--realign", "--motion-regressors", "12" }, "--motion-regressors 24")]
    [InlineData(new[] { "--realign", "--motion-regressors", "24", "--fd-threshold", "0.3" }, "--fd-threshold 0.5")]
    [InlineData(new[] { "--realign", "--motion-regressors", "24", "--censor", "withhold" }, "--censor flag")]
    [InlineData(new string[0], "--realign")]
    public void Replay_MotionSettingsOtherThanThePackages_RefusedInOneLineBeforeFirstVolume(string[] options, string mentions)
    {
        string record = _s.Path("rec");
        AssertOneLineRefusal(CliRunner.Run(Replay(_s.Run2, _s.Model, record, options)), record, mentions);
    }

    [Theory]
    [InlineData(new[] { "--motion-regressors", "24" }, "needs --realign")]
    [InlineData(new[] { "--realign", "--motion-regressors", "7" }, "--motion-regressors 7")]
    [InlineData(new[] { "--realign", "--fd-threshold", "-1" }, "--fd-threshold")]
    [InlineData(new[] { "--realign", "--censor", "hide" }, "--censor 'hide'")]
    public void Replay_BadMotionOption_OneLineExit2(string[] options, string mentions)
    {
        string record = _s.Path("rec");
        AssertOneLineRefusal(CliRunner.Run(Replay(_s.Run2, _s.Model, record, options)), record, mentions);
    }

    [Fact]
    public void Evaluate_MotionOptionOtherThanThePackages_Refused()
    {
        var r = CliRunner.Run("evaluate", "--model", _s.Model, "--bold", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels,
            "--targets", _s.Synth.Truth[1], "--report", _s.Path("report"), "--motion-regressors", "6");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--motion-regressors 24", r.Error);
    }

    [Fact]
    public void Replay_Withhold_CensoredColumnFollowsRecordedFdAndOfflinePredictLeavesTheSameWindowsOut()
    {
        string model = _s.Path("model-withhold");
        var t = CliRunner.Run("train", "--bold", _s.Run1, "--atlas", _s.Atlas, "--labels", _s.Labels, "--targets", _s.Synth.Truth[0],
            "--estimator", "ridge", "--cv", "none", "--realign", "--motion-regressors", "24", "--censor", "withhold", "--fd-threshold", "1", "--out", model);
        Assert.True(t.ExitCode == 0, $"train exited {t.ExitCode}: {t.Error}");
        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "model.json"))))
        {
            var pre = doc.RootElement.GetProperty("features").GetProperty("preprocessing");
            Assert.True(pre.GetProperty("realign").GetBoolean());
            Assert.Equal(24, pre.GetProperty("motion_regressors").GetInt32());
            Assert.Equal(1.0, pre.GetProperty("fd_threshold_mm").GetDouble());
            Assert.Equal("withhold", pre.GetProperty("censor").GetString());
        }

        string record = _s.Path("rec");
        var r = CliRunner.Run(Replay(_s.Run2, model, record, "--realign", "--motion-regressors", "24", "--censor", "withhold", "--fd-threshold", "1"));
        Assert.True(r.ExitCode == 0, $"replay exited {r.ExitCode}: {r.Error}");

        var volumes = TsvTable.Read(Path.Combine(record, "volumes.tsv"));
        int fdColumn = volumes.Column("framewise_displacement");
        var high = volumes.Rows.Where(row => row[fdColumn] != "n/a" && double.Parse(row[fdColumn], CultureInfo.InvariantCulture) > 1.0)
            .Select(row => int.Parse(row[0], CultureInfo.InvariantCulture)).ToHashSet();
        Assert.NotEmpty(high);                                    // the session moves
        var estimates = TsvTable.Read(Path.Combine(record, "estimates.tsv"));
        int censoredColumn = estimates.Column("censored");
        Assert.Equal("latency_ms", estimates.Header[^1]);
        Assert.Equal(estimates.Header.Length - 6, censoredColumn); // between the targets and the timing columns
        var censored = new HashSet<int>();
        foreach (var row in estimates.Rows)
        {
            int v = int.Parse(row[0], CultureInfo.InvariantCulture);
            bool expected = Enumerable.Range(v - Window + 1, Window).Any(high.Contains);
            Assert.True((row[censoredColumn] == "1") == expected, $"volume {v}: censored {row[censoredColumn]}, high-motion volumes {string.Join(",", high)}");
            if (expected) censored.Add(v);
        }
        Assert.NotEmpty(censored);
        Assert.True(censored.Count < estimates.Rows.Count, "some windows are still");

        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(record, "session.json"))))
        {
            var motion = doc.RootElement.GetProperty("motion");
            Assert.Equal(high.Count, motion.GetProperty("high_motion").GetInt32());
            Assert.Equal(high.Order(), motion.GetProperty("high_motion_volumes").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal(censored.Count, motion.GetProperty("censored_estimates").GetInt32());
            Assert.Equal("withhold", motion.GetProperty("censor").GetString());
        }

        // predict on the same run gives the estimates the session published, and none of the withheld ones
        string predicted = _s.Path("pred.tsv");
        var p = CliRunner.Run("predict", "--model", model, "--bold", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--out", predicted);
        Assert.True(p.ExitCode == 0, $"predict exited {p.ExitCode}: {p.Error}");
        var targets = Recording.Targets(record);
        var offline = TsvTable.Read(predicted).ByVolume(targets);
        var online = estimates.ByVolume(targets);
        Assert.Equal(online.Keys.Where(v => !censored.Contains(v)).Order(), offline.Keys.Order());
        foreach (var (v, values) in offline)
            for (int k = 0; k < targets.Length; k++)
                Assert.True(Math.Abs(values[k] - online[v][k]) <= 1e-12, $"volume {v} {targets[k]}: offline {values[k]:R} online {online[v][k]:R}");
    }

    [Fact]
    public void Replay_WithholdUnderAProtocol_WithheldEstimatesCountAsMissingInFeedbackAsRecomputed()
    {
        string model = _s.Path("model-withhold-protocol");
        var t = CliRunner.Run("train", "--bold", _s.Run1, "--atlas", _s.Atlas, "--labels", _s.Labels, "--targets", _s.Synth.Truth[0],
            "--estimator", "ridge", "--cv", "none", "--realign", "--motion-regressors", "24", "--censor", "withhold", "--fd-threshold", "1", "--out", model);
        Assert.True(t.ExitCode == 0, $"train exited {t.ExitCode}: {t.Error}");
        string dir = _s.Path("protocol");
        Directory.CreateDirectory(dir);
        string protocol = Path.Combine(dir, "nf.tsv");
        File.WriteAllText(protocol, "onset\tduration\ttrial_type\n0\t20\tbase\n20\t40\tup\n60\t20\tbase\n80\t40\tup\n");
        File.WriteAllText(Path.ChangeExtension(protocol, ".json"), """
            {"Conditions": {"base": {"Role": "baseline"}, "up": {"Role": "regulate", "Target": "joy", "Feedback": "continuous"}},
             "Normalisation": {"Method": "z", "BaselineSkip": 4}, "HaemodynamicDelay": 0}
            """);

        string record = _s.Path("rec");
        var r = CliRunner.Run(Replay(_s.Run2, model, record, "--realign", "--motion-regressors", "24", "--censor", "withhold", "--fd-threshold", "1", "--protocol", protocol));
        Assert.True(r.ExitCode == 0, $"replay exited {r.ExitCode}: {r.Error}");

        string estimates = Path.Combine(record, "estimates.tsv"), theirs = _s.Path("theirs.tsv");
        PythonRunner.Run(PythonRunner.RepoFile("tests", "RealtimeDecode.Engine.Tests", "Feedback", "recompute_feedback.py"),
            protocol, estimates, "2", Window.ToString(CultureInfo.InvariantCulture), theirs, "withhold");
        var ours = File.ReadAllLines(Path.Combine(record, "feedback.tsv"));
        var expected = File.ReadAllLines(theirs);
        Assert.Equal(expected[0], ours[0]);
        Assert.Equal(expected.Length, ours.Length);
        for (int i = 1; i < ours.Length; i++)
        {
            var x = ours[i].Split('\t');
            var y = expected[i].Split('\t');
            for (int c = 0; c < x.Length; c++)
            {
                if (c == 10) continue; // displayed_ms: no display in this session
                if (double.TryParse(y[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double yv)
                    && double.TryParse(x[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double xv))
                    Assert.True(Math.Abs(xv - yv) <= 1e-9 * Math.Max(1, Math.Abs(yv)), $"line {i + 1} column {c}: {x[c]} vs {y[c]}");
                else Assert.True(x[c] == y[c], $"line {i + 1} column {c}: {x[c]} vs {y[c]}");
            }
        }

        // Withheld windows were censored in the recording, and their feedback rows have no estimate and show nothing.
        var table = TsvTable.Read(estimates);
        int censoredColumn = table.Column("censored");
        var withheld = table.Rows.Where(row => row[censoredColumn] == "1").Select(row => row[0]).ToHashSet();
        Assert.NotEmpty(withheld);
        var rows = ours.Skip(1).Select(l => l.Split('\t')).ToList();
        Assert.All(rows.Where(x => withheld.Contains(x[0])), x => Assert.Equal(("n/a", "0"), (x[4], x[8])));
        Assert.Contains(rows, x => !withheld.Contains(x[0]) && x[8] == "1");

        // protocol feedback beside the recording takes the TR, the window and the withhold policy from session.json.
        string offline = _s.Path("offline.tsv");
        var f = CliRunner.Run("protocol", "feedback", protocol, "--estimates", estimates, "--out", offline);
        Assert.True(f.ExitCode == 0, f.Error);
        Assert.Contains($"TR 2 s, window {Window} volumes, censor withhold from {Path.Combine(record, "session.json")}", f.Out);
        Assert.Equal(ours, File.ReadAllLines(offline));
        var flag = CliRunner.Run("protocol", "feedback", protocol, "--estimates", estimates, "--censor", "flag", "--out", offline);
        Assert.Equal(2, flag.ExitCode);
        Assert.Contains("the recording's censor policy (motion.censor) is withhold; --censor flag contradicts it", flag.Error);
    }

    [Fact]
    public void ReplayOnRealCli_BlankAndNoiseVolumes_RecordedAsFailedSessionGoesOnAndWindowSkipsThem()
    {
        var volumes = NiftiReader.ReadAllVolumes(_s.Run2).ToList();
        var blank = volumes[20];
        var rng = new Random(7);
        var noise = new float[blank.VoxelCount];
        for (int i = 0; i < noise.Length; i++) noise[i] = (float)(rng.NextDouble() * 2000);
        var failed = volumes.ToList();
        failed[20] = new Volume(blank.Nx, blank.Ny, blank.Nz, new float[blank.VoxelCount], blank.Affine, 20);
        failed[35] = new Volume(blank.Nx, blank.Ny, blank.Nz, noise, blank.Affine, 35);
        var options = new NiftiWriteOptions { DataType = NiftiDataType.Float32, RepetitionTimeSeconds = 2 };
        string withFailures = _s.Path("failed.nii.gz"), without = _s.Path("without.nii.gz");
        NiftiWriter.Write(withFailures, failed, options);
        NiftiWriter.Write(without, volumes.Where((_, i) => i is not (20 or 35)).ToList(), options);

        string recA = _s.Path("rec-failed"), recB = _s.Path("rec-without");
        var a = CliProcess.Run(Replay(withFailures, _s.Model, recA, "--realign", "--motion-regressors", "24"));
        Assert.True(a.ExitCode == 0, $"replay exited {a.ExitCode}: {a.Error}");
        var b = CliProcess.Run(Replay(without, _s.Model, recB, "--realign", "--motion-regressors", "24"));
        Assert.True(b.ExitCode == 0, $"replay exited {b.ExitCode}: {b.Error}");

        // recorded as failed: status ok (the file was read), realign_status says why, parameters n/a
        var table = TsvTable.Read(Path.Combine(recA, "volumes.tsv"));
        int status = table.Column("realign_status");
        Assert.Equal(60, table.Rows.Count);
        Assert.Equal("blank", table.Rows[20][status]);
        Assert.NotEqual("ok", table.Rows[35][status]);
        Assert.Equal("n/a", table.Rows[35][table.Column("trans_x")]);
        Assert.All(table.Rows.Where((_, i) => i is not (20 or 35)), row => Assert.Equal("ok", row[status]));
        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(recA, "session.json"))))
            Assert.Equal([20, 35], doc.RootElement.GetProperty("motion_failed_volumes").GetProperty("volumes").EnumerateArray().Select(e => e.GetInt32()));

        // the session went on: every other volume from the first full window on has a finite estimate, and each
        // equals the estimate of the same volume in the run without the failed ones (no NaN, no trace of them)
        var targets = Recording.Targets(recA);
        var withEst = Recording.Estimates(recA);
        var withoutEst = Recording.Estimates(recB);
        Assert.Equal(Enumerable.Range(Window - 1, 60 - Window + 1).Where(v => v is not (20 or 35)), withEst.Keys.Order());
        foreach (var (v, values) in withEst)
        {
            Assert.All(values, x => Assert.True(double.IsFinite(x), $"volume {v}: {x}"));
            if (v < 20) continue;   // the shorter run's indices shift after each removed volume
            int u = v - (v > 35 ? 2 : 1);
            for (int k = 0; k < targets.Length; k++)
                Assert.True(Math.Abs(values[k] - withoutEst[u][k]) <= 1e-9, $"volume {v} (without: {u}) {targets[k]}: {values[k]:R} vs {withoutEst[u][k]:R}");
        }
        Assert.True(Recording.Completed(recA));
    }

    [Fact]
    public void Replay_ReferenceOnAnotherGrid_OneLineExit2BeforeFirstVolume()
    {
        string reference = _s.Path("small.nii");
        NiftiWriter.Write(reference, [new Volume(10, 10, 10, new float[1000], Affine.Diagonal(2, 2, 2))]);
        string record = _s.Path("rec");
        var r = CliRunner.Run(Replay(_s.Run2, _s.Model, record, "--realign", "--motion-regressors", "24", "--reference", reference));
        AssertOneLineRefusal(r, record, "grid");
        Assert.Contains("small.nii", r.Error);
    }

    [Fact]
    public void Live_UnreadableReference_OneLineExit2BeforeFirstVolume()
    {
        string reference = _s.Path("broken.nii");
        File.WriteAllBytes(reference, [1, 2, 3, 4, 5, 6, 7]);
        string watch = _s.Path("watch");
        Directory.CreateDirectory(watch);
        string record = _s.Path("rec");
        var r = CliRunner.Run("live", "--watch", watch, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
            "--no-dashboard", "--no-lsl", "--record", record, "--realign", "--motion-regressors", "24", "--reference", reference);
        AssertOneLineRefusal(r, record, "broken.nii");
    }
}
