using RealtimeDecode.Host.Tests.Session;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary>
/// <c>--reference</c> on train, evaluate and predict (realign every run to one volume, as replay and live do), and the
/// warning when <c>--fd-threshold</c> or <c>--censor</c> is given without realignment; on the real CLI.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class MotionReferenceCommandTests : IClassFixture<MotionSession>
{
    private readonly MotionSession _s;

    public MotionReferenceCommandTests(MotionSession s) => _s = s;

    /// <summary>Writes volume <paramref name="index"/> of <paramref name="run"/> as a 3D NIfTI.</summary>
    private string FirstVolume(string run, int index = 0)
    {
        string path = _s.Path("ref") + ".nii";
        NiftiWriter.Write(path, [NiftiReader.ReadVolume(run, index)]);
        return path;
    }

    private string SmallGridReference()
    {
        string path = _s.Path("small") + ".nii";
        NiftiWriter.Write(path, [new Volume(10, 10, 10, new float[1000], Affine.Diagonal(2, 2, 2))]);
        return path;
    }

    private string[] Predict(string run, string model, string output, params string[] more) =>
        ["predict", "--model", model, "--bold", run, "--atlas", _s.Atlas, "--labels", _s.Labels, "--out", output, .. more];

    private string[] Train(string output, params string[] more) =>
        ["train", "--bold", _s.Run1, "--atlas", _s.Atlas, "--labels", _s.Labels, "--targets", _s.Synth.Truth[0],
            "--estimator", "ridge", "--cv", "none", "--out", output, .. more];

    private static void AssertOneLineRefusal(CliRunner.Result r, string mentions)
    {
        Assert.Equal(2, r.ExitCode);
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error:", lines[0]);
        Assert.Contains(mentions, lines[0]);
    }

    private static string[] Warnings(CliRunner.Result r) =>
        r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("warning:", StringComparison.Ordinal)).ToArray();

    [Fact]
    public void Predict_ReferenceIsTheRunsFirstVolume_SameAsRealign_OtherReferenceDiffers()
    {
        string a = _s.Path("a.tsv"), b = _s.Path("b.tsv"), c = _s.Path("c.tsv");
        var r = CliProcess.Run(Predict(_s.Run2, _s.Model, a, "--realign"));
        Assert.True(r.ExitCode == 0, r.Error);
        r = CliProcess.Run(Predict(_s.Run2, _s.Model, b, "--reference", FirstVolume(_s.Run2)));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(File.ReadAllText(a), File.ReadAllText(b));
        // Realigned to run 1's first volume, the head positions (and so the estimates) are those of another space.
        r = CliProcess.Run(Predict(_s.Run2, _s.Model, c, "--reference", FirstVolume(_s.Run1)));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.NotEqual(File.ReadAllText(a), File.ReadAllText(c));
    }

    [Fact]
    public void Evaluate_ReferenceIsTheRunsFirstVolume_SameMetricsAsRealign()
    {
        string ra = _s.Path("rep-a"), rb = _s.Path("rep-b");
        string[] Evaluate(string report, params string[] more) =>
            ["evaluate", "--model", _s.Model, "--bold", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--targets", _s.Synth.Truth[1], "--report", report, .. more];
        var r = CliProcess.Run(Evaluate(ra, "--realign"));
        Assert.True(r.ExitCode == 0, r.Error);
        r = CliProcess.Run(Evaluate(rb, "--reference", FirstVolume(_s.Run2)));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(File.ReadAllText(Path.Combine(ra, "metrics.tsv")), File.ReadAllText(Path.Combine(rb, "metrics.tsv")));
    }

    [Fact]
    public void Train_ReferenceImpliesRealign_SameModelAsRealignToTheFirstVolume()
    {
        string a = _s.Path("model-a"), b = _s.Path("model-b"), c = _s.Path("model-c");
        var r = CliProcess.Run(Train(a, "--realign"));
        Assert.True(r.ExitCode == 0, r.Error);
        r = CliProcess.Run(Train(b, "--reference", FirstVolume(_s.Run1)));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(File.ReadAllBytes(Path.Combine(a, "coef.npy")), File.ReadAllBytes(Path.Combine(b, "coef.npy")));
        Assert.Contains("\"realign\": true", File.ReadAllText(Path.Combine(b, "model.json")));
        r = CliProcess.Run(Train(c, "--reference", FirstVolume(_s.Run1, 30)));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(a, "coef.npy")), File.ReadAllBytes(Path.Combine(c, "coef.npy")));
    }

    [Fact]
    public void Train_ReferenceOnAnotherGrid_OneLineExit2_NoPackage()
    {
        string output = _s.Path("model");
        var reference = SmallGridReference();
        var r = CliProcess.Run(Train(output, "--reference", reference));
        AssertOneLineRefusal(r, "grid");
        Assert.Contains(Path.GetFileName(reference), r.Error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void PredictAndEvaluate_UnreadableOrOffGridReference_OneLineExit2_NoOutput()
    {
        string broken = _s.Path("broken") + ".nii";
        File.WriteAllBytes(broken, [1, 2, 3, 4, 5, 6, 7]);
        string output = _s.Path("p.tsv");
        var r = CliProcess.Run(Predict(_s.Run2, _s.Model, output, "--reference", broken));
        AssertOneLineRefusal(r, Path.GetFileName(broken));
        Assert.False(File.Exists(output));

        string report = _s.Path("report");
        r = CliProcess.Run("evaluate", "--model", _s.Model, "--bold", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels,
            "--targets", _s.Synth.Truth[1], "--report", report, "--reference", SmallGridReference());
        AssertOneLineRefusal(r, "grid");
        Assert.False(Directory.Exists(report));
    }

    [Fact]
    public void PredictWithReference_ModelTrainedWithoutRealignment_RefusedNamingTheOption()
    {
        string model = _s.Path("still-model");
        var r = CliRunner.Run(Train(model));
        Assert.True(r.ExitCode == 0, r.Error);
        string output = _s.Path("p.tsv");
        AssertOneLineRefusal(CliProcess.Run(Predict(_s.Run2, model, output, "--reference", FirstVolume(_s.Run2))), "drop --reference");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Train_FdThresholdOrCensorWithoutRealign_OneWarningLine_TrainsAsWithout()
    {
        string a = _s.Path("model-a"), b = _s.Path("model-b");
        var plain = CliProcess.Run(Train(a));
        Assert.True(plain.ExitCode == 0, plain.Error);
        Assert.Empty(Warnings(plain));
        var r = CliProcess.Run(Train(b, "--fd-threshold", "1", "--censor", "withhold"));
        Assert.True(r.ExitCode == 0, r.Error);
        var warning = Assert.Single(Warnings(r));
        Assert.Contains("--fd-threshold and --censor", warning);
        Assert.Contains("--realign", warning);
        Assert.Equal(File.ReadAllBytes(Path.Combine(a, "coef.npy")), File.ReadAllBytes(Path.Combine(b, "coef.npy")));
    }

    [Fact]
    public void Predict_CensorForAModelWithoutRealignment_WarningNamingTheModel()
    {
        string model = _s.Path("still-model");
        Assert.Equal(0, CliRunner.Run(Train(model)).ExitCode);
        var r = CliProcess.Run(Predict(_s.Run2, model, _s.Path("p.tsv"), "--censor", "withhold"));
        Assert.True(r.ExitCode == 0, r.Error);
        var warning = Assert.Single(Warnings(r));
        Assert.Contains("--censor has no effect", warning);
        Assert.Contains(model, warning);
    }

    [Fact]
    public void Replay_FdThresholdWithoutRealign_OneWarningLine_SessionRuns()
    {
        string model = _s.Path("still-model");
        Assert.Equal(0, CliRunner.Run(Train(model)).ExitCode);
        string record = _s.Path("rec");
        var r = CliRunner.Run("replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", model,
            "--speed", "max", "--no-dashboard", "--no-lsl", "--record", record, "--fd-threshold", "0.3");
        Assert.True(r.ExitCode == 0, r.Error);
        var warning = Assert.Single(Warnings(r));
        Assert.Contains("--fd-threshold has no effect without realignment", warning);
        Assert.True(File.Exists(Path.Combine(record, "estimates.tsv")));
    }

    [Fact]
    public void Replay_FdThresholdWithRealign_NoWarning()
    {
        string record = _s.Path("rec");
        var r = CliRunner.Run("replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
            "--speed", "max", "--no-dashboard", "--no-lsl", "--record", record, "--realign", "--motion-regressors", "24", "--fd-threshold", "0.5");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Empty(Warnings(r));
    }
}
