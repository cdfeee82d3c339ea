using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Ingest;
using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Host.Session;

/// <summary>
/// What a session has checked and derived before it makes anything (no dashboard, no folder, no file):
/// the atlas, the model package and its feature settings (model, atlas, run, realignment and protocol
/// agree), the run to replay or nothing for a live session, the TR, and where the recording goes.
/// </summary>
/// <param name="Atlas">The atlas, with its labels.</param>
/// <param name="Package">The model package, checked against the atlas.</param>
/// <param name="Settings">The model's feature settings.</param>
/// <param name="NewRealignment">A realignment for each run (null without --realign).</param>
/// <param name="Run">The run to replay; null for a live session.</param>
/// <param name="Tr">Repetition time (s).</param>
/// <param name="Speed">Replay speed.</param>
/// <param name="Protocol">The feedback protocol, checked against the model and the run; null without one.</param>
/// <param name="ModelSha256">Hash of the model package (<see cref="SessionRunner.ModelHash"/>).</param>
/// <param name="Context">What every output needs to know about the session.</param>
/// <param name="Recording">The recording folder (not yet created).</param>
/// <param name="TrFromFirstVolume">A live session given no TR: <paramref name="Tr"/> is the default until the first volume's
/// header says (<see cref="WithTr"/>).</param>
internal sealed record SessionSetup(
    Atlas Atlas,
    ModelPackage Package,
    FeatureSettings Settings,
    Func<VolumeRealignment?> NewRealignment,
    BoldRun? Run,
    double Tr,
    ReplaySpeed Speed,
    FeedbackProtocol? Protocol,
    string ModelSha256,
    SessionContext Context,
    string Recording,
    bool TrFromFirstVolume = false)
{
    /// <summary>The same set-up at <paramref name="tr"/> (s), its context included.</summary>
    public SessionSetup WithTr(double tr) => this with { Tr = tr, Context = Context with { Tr = tr }, TrFromFirstVolume = false };
}
