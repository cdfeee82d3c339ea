using System.Text.Json.Nodes;
using RealtimeDecode.Host.Tests.Session;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary>
/// <c>train --recording</c>: a run replayed with a preprocessing model leaves roi.tsv; training from it gives the
/// package that training from the same run's NIfTI with the same preprocessing gives, array for array, byte for byte.
/// Bad recordings and settings that contradict the recording are one line and exit 2.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class TrainFromRecordingTests : IClassFixture<TrainFromRecordingTests.Recorded>
{
    /// <summary>Run 1 of a small session replayed with a model that detrends (order 1) and z-scores online.</summary>
    public sealed class Recorded : IDisposable
    {
        public Recorded()
        {
            Session = new SmallSession(volumes: 100, seed: 4, train: false);
            Model = Session.Path("preprocessing-model");
            var t = CliRunner.Run("train", "--bold", Session.Run1, "--atlas", Session.Atlas, "--labels", Session.Labels, "--targets", Session.Synth.Truth[0],
                "--detrend", "1", "--zscore", "--alpha", "100", "--cv", "none", "--out", Model);
            Assert.True(t.ExitCode == 0, t.Error);
            Recording = Session.Path("rec");
            var r = CliRunner.Run("replay", "--run", Session.Run1, "--atlas", Session.Atlas, "--labels", Session.Labels, "--model", Model,
                "--speed", "max", "--no-dashboard", "--no-lsl", "--record", Recording);
            Assert.True(r.ExitCode == 0, r.Error);
        }

        public SmallSession Session { get; }
        public string Model { get; }
        public string Recording { get; }

        public void Dispose() => Session.Dispose();
    }

    private readonly Recorded _r;

    public TrainFromRecordingTests(Recorded recorded) => _r = recorded;

    private SmallSession S => _r.Session;

    private static void AssertOneLine(CliRunner.Result r, params string[] mentions)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}; stdout: {r.Out}; stderr: {r.Error}");
        var line = r.Error.TrimEnd('\n', '\r');
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain("   at ", r.Error + r.Out);
        Assert.StartsWith("error: ", line);
        foreach (var m in mentions) Assert.Contains(m, line, StringComparison.Ordinal);
    }

    private string CopyOfRecording()
    {
        string copy = S.Path("copy");
        Directory.CreateDirectory(copy);
        foreach (var f in Directory.GetFiles(_r.Recording)) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        return copy;
    }

    [Theory]
    [InlineData("dfc", "alpha=10,100,1000", "blocked:3")]
    [InlineData("roi", "alpha=1,10", "blocked:3")]
    [InlineData("dfc", null, "none")]
    public void Train_FromRecordingAndFromNifti_SameArraysByteForByte(string features, string? search, string cv)
    {
        var sidecar = JsonNode.Parse(File.ReadAllText(Path.Combine(_r.Recording, "roi.json")))!;
        Assert.Equal(1, sidecar["preprocessing"]!["detrend_order"]!.GetValue<int>());
        Assert.True(sidecar["preprocessing"]!["zscore"]!.GetValue<bool>());

        string fromRecording = S.Path("from-recording"), fromNifti = S.Path("from-nifti");
        string[] fit = ["--features", features, "--targets", S.Synth.Truth[0], "--estimator", "ridge", "--cv", cv, .. search is null ? new[] { "--alpha", "30" } : ["--search", search]];
        // The recording's preprocessing is taken from it: no --detrend/--zscore here.
        var a = CliRunner.Run(["train", "--recording", _r.Recording, "--out", fromRecording, .. fit]);
        Assert.True(a.ExitCode == 0, a.Error);
        var b = CliRunner.Run(["train", "--bold", S.Run1, "--atlas", S.Atlas, "--labels", S.Labels, "--detrend", "1", "--zscore", "--out", fromNifti, .. fit]);
        Assert.True(b.ExitCode == 0, b.Error);

        var arrays = Directory.GetFiles(fromNifti, "*.npy").Select(Path.GetFileName).Order().ToArray();
        Assert.Contains("coef.npy", arrays);
        Assert.Equal(arrays, Directory.GetFiles(fromRecording, "*.npy").Select(Path.GetFileName).Order().ToArray());
        foreach (var f in arrays)
            Assert.True(File.ReadAllBytes(Path.Combine(fromNifti, f!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(fromRecording, f!))), $"{f} differs");

        // model.json: the same everywhere but in where the runs came from.
        var ja = JsonNode.Parse(File.ReadAllText(Path.Combine(fromRecording, "model.json")))!.AsObject();
        var jb = JsonNode.Parse(File.ReadAllText(Path.Combine(fromNifti, "model.json")))!.AsObject();
        Assert.Equal(Path.GetFullPath(_r.Recording), Path.GetFullPath(ja["training"]!["runs"]![0]!["features"]!.GetValue<string>()));
        ja["training"]!.AsObject().Remove("runs");
        jb["training"]!.AsObject().Remove("runs");
        Assert.True(JsonNode.DeepEquals(ja, jb), $"model.json differs:\n{ja}\n---\n{jb}");
    }

    [Fact]
    public void Train_RecordingModel_LoadsForAReplayWithTheRecordedAtlas()
    {
        string model = S.Path("m");
        Assert.Equal(0, CliRunner.Run("train", "--recording", _r.Recording, "--targets", S.Synth.Truth[0], "--alpha", "100", "--cv", "none", "--out", model).ExitCode);
        var r = CliRunner.Run("replay", "--run", S.Run2, "--atlas", S.Atlas, "--labels", S.Labels, "--model", model,
            "--speed", "max", "--no-dashboard", "--no-lsl", "--record", S.Path("rec2"));
        Assert.True(r.ExitCode == 0, r.Error);
    }

    [Fact]
    public void Train_RecordingWithoutRoiTable_OneLineExit2NoPackage()
    {
        string rec = CopyOfRecording();
        File.Delete(Path.Combine(rec, "roi.tsv"));
        string output = S.Path("out");
        AssertOneLine(CliRunner.Run("train", "--recording", rec, "--targets", S.Synth.Truth[0], "--cv", "none", "--out", output), rec, "roi.tsv");
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Train_RaggedRoiTable_OneLineExit2()
    {
        string rec = CopyOfRecording();
        string table = Path.Combine(rec, "roi.tsv");
        var lines = File.ReadAllLines(table);
        lines[10] = string.Join('\t', lines[10].Split('\t')[..^3]);
        File.WriteAllLines(table, lines);
        AssertOneLine(CliRunner.Run("train", "--recording", rec, "--targets", S.Synth.Truth[0], "--cv", "none", "--out", S.Path("out")), table, "line 11", "ragged");
    }

    [Theory]
    [InlineData("--zscore", "false")]
    [InlineData("--detrend", "2")]
    [InlineData("--realign", "true")]
    public void Train_OptionAskingOtherPreprocessingThanRecorded_OneLineExit2(string option, string value)
    {
        AssertOneLine(CliRunner.Run("train", "--recording", _r.Recording, option, value, "--targets", S.Synth.Truth[0], "--cv", "none", "--out", S.Path("out")),
            _r.Recording, option, "detrend order 1");
    }

    [Fact]
    public void Train_SamePreprocessingGivenExplicitly_Accepted()
    {
        var r = CliRunner.Run("train", "--recording", _r.Recording, "--detrend", "1", "--zscore", "--targets", S.Synth.Truth[0], "--alpha", "10", "--cv", "none", "--out", S.Path("out"));
        Assert.True(r.ExitCode == 0, r.Error);
    }

    [Fact]
    public void Train_AtlasOtherThanRecorded_OneLineExit2()
    {
        var like = NiftiReader.ReadVolume(S.Atlas);
        var data = (float[])like.Data.Clone();
        int a = Array.FindIndex(data, v => v > 0), b = Array.FindLastIndex(data, v => v > 0 && v != data[a]);
        data[a] = data[b]; // one voxel changes parcel: same labels, another atlas
        string other = S.Path("other-atlas") + ".nii.gz";
        NiftiWriter.Write(other, [new Volume(like.Nx, like.Ny, like.Nz, data, like.Affine)]);
        AssertOneLine(CliRunner.Run("train", "--recording", _r.Recording, "--atlas", other, "--targets", S.Synth.Truth[0], "--cv", "none", "--out", S.Path("out")),
            other, "is not the atlas");
    }

    [Fact]
    public void Train_RecordingAndBoldTogether_OneLineExit2()
    {
        AssertOneLine(CliRunner.Run("train", "--recording", _r.Recording, "--bold", S.Run1, "--atlas", S.Atlas, "--targets", S.Synth.Truth[0], "--targets", S.Synth.Truth[0],
            "--cv", "none", "--out", S.Path("out")), "--recording");
    }
}
