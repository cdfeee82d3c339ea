using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Networks;

namespace RealtimeDecode.Host.Session;

/// <summary>
/// What every output of a session needs to know about it, fixed before the first volume: the run,
/// the model's targets and feature layout, the atlas's ROI names and networks, and the TR.
/// </summary>
/// <param name="Run">Run name (file or folder) or the watched folder.</param>
/// <param name="ModelName">Model package name (folder or file name).</param>
/// <param name="ModelSha256">Hash of the model package (model.json and arrays), for provenance and LSL source ids.</param>
/// <param name="Atlas">Atlas file name.</param>
/// <param name="Targets">Target names in the model's order (one estimate per target).</param>
/// <param name="Tr">Repetition time (s).</param>
/// <param name="Window">Sliding-window length (volumes); 1 for ROI-amplitude models.</param>
/// <param name="RoiNames">ROI names in the model's ROI order.</param>
/// <param name="Networks">Network of each ROI, or null when the atlas has none.</param>
/// <param name="ExpectedVolumes">Volumes in the run when known (replay), else null (live).</param>
/// <param name="LinearModel">The model when it is linear, so outputs can show which network blocks drive each
/// estimate (<see cref="NetworkContributions"/>); null otherwise.</param>
/// <param name="MeasuredLag">How old the estimates are as the model package states it (measured by <c>evaluate</c>), or null when not
/// measured; outputs publish <see cref="Lag"/>, never this.</param>
internal sealed record SessionContext(
    string Run,
    string ModelName,
    string ModelSha256,
    string Atlas,
    IReadOnlyList<string> Targets,
    double Tr,
    int Window,
    IReadOnlyList<string> RoiNames,
    IReadOnlyList<string>? Networks,
    int? ExpectedVolumes,
    DecodingModel? LinearModel = null,
    EstimateLag? MeasuredLag = null)
{
    /// <summary>
    /// The lag every output publishes (dashboard, LSL, console): the package's when it holds at this session's TR
    /// (<see cref="EstimateLag.At"/>), else null, shown and sent as not measured; never a number measured at another TR.
    /// </summary>
    public EstimateLag? Lag => MeasuredLag?.At(Tr);

    /// <summary>One warning line when the package's lag was measured at another TR than <see cref="Tr"/>; null otherwise.</summary>
    public string? LagWarning => MeasuredLag?.NotKnownAt(Tr);
}
