using RealtimeDecode.Host.Tests.Commands;
using RealtimeDecode.Training.Synthesis;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary>
/// A small synthetic session with high head motion that covaries with joy (20 × 24 × 18 grid, 60 parcels, two
/// runs of 60 volumes) and a ridge DFC model trained on its run 1 with the CLI: realigned, Friston 24 motion
/// regressors, censoring at FD 0.5 mm flagged.
/// </summary>
public sealed class MotionSession : IDisposable
{
    private readonly TempFolder _dir = new();

    public MotionSession()
    {
        Synth = SyntheticSession.Write(_dir.File("session"), new SynthOptions
        {
            Nx = 20, Ny = 24, Nz = 18, Parcels = 60, Volumes = 60, Runs = 2, Seed = 3,
            Motion = MotionLevel.High, MotionCovaries = "joy",
        });
        Model = _dir.File("model");
        var r = CliRunner.Run("train", "--bold", Run1, "--atlas", Atlas, "--labels", Labels, "--targets", Synth.Truth[0],
            "--estimator", "ridge", "--cv", "none", "--realign", "--motion-regressors", "24", "--out", Model);
        Assert.True(r.ExitCode == 0, $"train exited {r.ExitCode}: {r.Error}");
    }

    public SynthResult Synth { get; }
    public string Atlas => Synth.Atlas;
    public string Labels => Synth.Labels;
    public string Run1 => Synth.Runs[0];
    public string Run2 => Synth.Runs[1];

    /// <summary>Realigned, 24 motion regressors, FD 0.5 mm, censor flag.</summary>
    public string Model { get; }

    /// <summary>A fresh path in the session's temporary folder.</summary>
    public string Path(string name) => _dir.File(name + "-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose() => _dir.Dispose();
}
