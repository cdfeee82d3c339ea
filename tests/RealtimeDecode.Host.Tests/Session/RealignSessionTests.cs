using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Host.Session;
using RealtimeDecode.Host.Tests.Commands;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary>Realignment on the session path: the same numbers as offline, and a package that disagrees is refused.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class RealignSessionTests : IClassFixture<SmallSession>
{
    private readonly SmallSession _s;

    public RealignSessionTests(SmallSession s) => _s = s;

    private string TrainRealigned()
    {
        string model = _s.Path("model-realigned");
        var r = CliRunner.Run("train", "--bold", _s.Run1, "--atlas", _s.Atlas, "--labels", _s.Labels, "--targets", _s.Synth.Truth[0],
            "--estimator", "ridge", "--cv", "none", "--realign", "--out", model);
        Assert.True(r.ExitCode == 0, $"train exited {r.ExitCode}: {r.Error}");
        return model;
    }

    [Fact]
    public void SessionRoiStage_WithRealign_EqualsExtractRealign()
    {
        string model = TrainRealigned();
        var package = ModelPackage.Load(model);
        var settings = package.Features.Settings;
        Assert.True(settings.Realign);
        var atlas = Atlas.Load(_s.Atlas, _s.Labels);
        var run = BoldRun.Open(_s.Run2);

        var stages = SessionRunner.Stages(atlas, settings, package, "nifti", () => new VolumeRealignment());
        var online = run.ReadVolumes().Select(stages.Roi).ToList();

        string table = _s.Path("roi.tsv");
        var r = CliRunner.Run("extract", "--bold", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--realign", "--out", table);
        Assert.True(r.ExitCode == 0, r.Error);
        var offline = TsvTable.Read(table);
        Assert.Equal(online.Count, offline.Rows.Count);
        for (int t = 0; t < online.Count; t++)
            for (int c = 0; c < online[t].Length; c++)
            {
                string cell = offline.Rows[t][c + 1];
                double v = cell == "n/a" ? double.NaN : double.Parse(cell, System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal(online[t][c], v);
            }

        // and realignment did something: the table differs from the one without it
        string plain = _s.Path("plain.tsv");
        Assert.Equal(0, CliRunner.Run("extract", "--bold", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--out", plain).ExitCode);
        Assert.NotEqual(File.ReadAllText(plain), File.ReadAllText(table));
    }

    [Fact]
    public void Replay_RealignAgainstPlainModel_RefusedBeforeFirstVolume()
    {
        string record = _s.Path("rec");
        var r = CliRunner.Run("replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
            "--realign", "--speed", "max", "--no-dashboard", "--no-lsl", "--record", record);
        Assert.Equal(2, r.ExitCode);
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("without realignment", lines[0]);
        Assert.False(File.Exists(Path.Combine(record, "volumes.tsv")));
    }

    [Fact]
    public void Replay_PlainSessionWithRealignedModel_RefusedAndRealignedSessionRuns()
    {
        string model = TrainRealigned();
        var r = CliRunner.Run("replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", model,
            "--speed", "max", "--no-dashboard", "--no-lsl", "--record", _s.Path("rec"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--realign", r.Error);

        string record = _s.Path("rec");
        r = CliRunner.Run("replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", model,
            "--realign", "--speed", "max", "--no-dashboard", "--no-lsl", "--record", record);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Error}");
        string motion = Directory.GetFiles(record, "motion.tsv", SearchOption.AllDirectories).Single();
        string volumes = Path.Combine(Path.GetDirectoryName(motion)!, "volumes.tsv");

        // the session's motion equals the offline realign command's, number for number
        string offline = _s.Path("motion.tsv");
        Assert.Equal(0, CliRunner.Run("realign", "--bold", _s.Run2, "--out", offline).ExitCode);
        Assert.Equal(File.ReadAllText(offline), File.ReadAllText(motion));

        // volumes.tsv carries the same columns after volume, status, file
        var v = TsvTable.Read(volumes);
        var m = TsvTable.Read(motion);
        Assert.Equal(["volume", "status", "file", .. m.Header], v.Header);
        Assert.Equal(m.Rows.Count, v.Rows.Count);
        for (int i = 0; i < m.Rows.Count; i++) Assert.Equal(m.Rows[i], v.Rows[i][3..]);
    }
}
