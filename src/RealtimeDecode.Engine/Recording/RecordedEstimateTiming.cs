using System.Text.Json;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Recording;

/// <summary>
/// What a recording's <c>session.json</c> says about how the estimates beside it were made, as the feedback rule
/// needs it: the TR (<c>repetition_time_s</c>), the window each estimate spans (<c>window_volumes</c>: the estimate at
/// volume v is of the window ending at v) and, for a realigned session, its censor policy (<c>motion.censor</c>).
/// A value the file does not state is null (<c>window_volumes</c> is written since recordings of this version; an
/// earlier recording's window is recovered from its warm-up, see <see cref="WindowFromWarmUp"/>).
/// </summary>
/// <param name="Path">The session.json read.</param>
/// <param name="RepetitionTimeSeconds">TR (s), or null.</param>
/// <param name="WindowVolumes">Window length in volumes (1 for ROI models), or null.</param>
/// <param name="Censor">The censor policy of a realigned session; null when the session did not realign (nothing censored).</param>
public sealed record RecordedEstimateTiming(string Path, double? RepetitionTimeSeconds, int? WindowVolumes, CensorPolicy? Censor)
{
    /// <summary>The volumes of the recording's run that went into the window before it was full (<c>warmup_volumes.count</c>), or null.</summary>
    public int? WarmUpVolumes { get; init; }

    /// <summary>The rows of the recording's estimates.tsv (<c>estimate_rows</c>: every volume with a full window, not-finite ones included), or null.</summary>
    public int? EstimateRows { get; init; }

    /// <summary>
    /// The window recovered from the warm-up, for a recording that does not state <c>window_volumes</c>: a warm-up
    /// volume is one read whose features were not yet made, and the window fills on its W-th such volume (volumes that
    /// were missing, corrupt or failed realignment never enter it, and nothing else delays it), so W is the warm-up
    /// count plus one, exactly, once the window has filled: when the run has an estimate row. Null when it cannot be
    /// known so (<see cref="WindowUnknownBecause"/> says why).
    /// </summary>
    public int? WindowFromWarmUp => WarmUpVolumes is int w && EstimateRows > 0 ? w + 1 : null;

    /// <summary>Why <see cref="WindowFromWarmUp"/> is null, as a clause for an error line; null when it is not.</summary>
    public string? WindowUnknownBecause => WindowFromWarmUp is not null ? null
        : WarmUpVolumes is null ? "nor its warm-up (warmup_volumes), from which the window would follow"
        : $"and its run ended before the window was full (no estimate row after its {WarmUpVolumes} warm-up volume{(WarmUpVolumes == 1 ? "" : "s")}), so the warm-up does not tell it";

    /// <summary>Reads the session.json in <paramref name="directory"/>; null when there is none.</summary>
    /// <exception cref="InputDataException">The file is not JSON, or a value has the wrong type or range.</exception>
    public static RecordedEstimateTiming? TryRead(string directory)
    {
        string path = System.IO.Path.Combine(directory, RecordingLayout.SessionFile);
        if (!File.Exists(path)) return null;
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InputDataException(path, $"is not valid JSON ({e.Message.Split('\n')[0]})", e); }
        if (root is not JsonObject o) throw new InputDataException(path, "must hold a JSON object");
        try
        {
            double? tr = o["repetition_time_s"]?.GetValue<double>();
            if (tr is double t && !(t > 0 && double.IsFinite(t))) throw new InputDataException(path, "repetition_time_s must be > 0");
            int? window = o["window_volumes"]?.GetValue<int>();
            if (window < 1) throw new InputDataException(path, "window_volumes must be ≥ 1");
            CensorPolicy? censor = null;
            if (o["motion"] is JsonObject motion)
            {
                string? name = motion["censor"]?.GetValue<string>();
                if (!CensorPolicyNames.TryParse(name, out var policy)) throw new InputDataException(path, $"motion.censor '{name}' is not publish, flag or withhold");
                censor = policy;
            }
            int? warmUp = o["warmup_volumes"] is JsonObject w ? w["count"]?.GetValue<int>() : null;
            int? rows = o["estimate_rows"]?.GetValue<int>();
            if (warmUp < 0) throw new InputDataException(path, "warmup_volumes.count must be ≥ 0");
            if (rows < 0) throw new InputDataException(path, "estimate_rows must be ≥ 0");
            return new RecordedEstimateTiming(path, tr, window, censor) { WarmUpVolumes = warmUp, EstimateRows = rows };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new InputDataException(path, $"a value has the wrong type ({e.Message})", e);
        }
    }
}
