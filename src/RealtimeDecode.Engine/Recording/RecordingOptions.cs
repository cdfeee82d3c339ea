namespace RealtimeDecode.Engine.Recording;

/// <summary>What a <see cref="RecordingSink"/> writes and where.</summary>
public sealed record RecordingOptions
{
    /// <summary>Creates options.</summary>
    /// <param name="directory">The recording directory (created if absent; must not already hold a recording).</param>
    /// <param name="targetNames">Target names, in the model's output order: the estimate columns.</param>
    public RecordingOptions(string directory, IReadOnlyList<string> targetNames)
    {
        if (string.IsNullOrWhiteSpace(directory)) throw new ArgumentOutOfRangeException(nameof(directory), "The recording directory must be given.");
        ArgumentNullException.ThrowIfNull(targetNames);
        if (targetNames.Count == 0) throw new ArgumentOutOfRangeException(nameof(targetNames), "At least one target name is needed.");
        Directory = directory;
        TargetNames = targetNames;
    }

    /// <summary>The recording directory.</summary>
    public string Directory { get; }

    /// <summary>Target names (estimate columns).</summary>
    public IReadOnlyList<string> TargetNames { get; }

    /// <summary>The session's configuration, serialised as is under <c>configuration</c> in session.json
    /// (any object System.Text.Json can serialise, or a JsonNode).</summary>
    public object? Configuration { get; init; }

    /// <summary>The session realigns volumes: volumes.tsv gains the six motion parameters,
    /// framewise_displacement and realign_status, and motion.tsv is written beside it.</summary>
    public bool Motion { get; init; }

    /// <summary>FD (mm) above which a volume is counted high-motion in session.json (with <see cref="Motion"/>).</summary>
    public double FdThresholdMm { get; init; } = Features.FeatureSettings.DefaultFdThresholdMm;

    /// <summary>The session's censor policy, recorded in session.json (with <see cref="Motion"/>).</summary>
    public Engine.Motion.CensorPolicy Censor { get; init; } = Engine.Motion.CensorPolicy.Flag;

    /// <summary>The session's id (the one its dashboard and Redis publish it under), written to session.json as <c>session</c>; null when it has none.</summary>
    public string? SessionId { get; init; }

    /// <summary>SHA-256 of the model package (hex), or null.</summary>
    public string? ModelSha256 { get; init; }

    /// <summary>TR of the run, written to session.json.</summary>
    public TimeSpan? RepetitionTime { get; init; }

    /// <summary>Volumes each estimate spans (the model's window W, 1 for ROI models: the estimate at volume v is of the
    /// window ending at v), written to session.json as <c>window_volumes</c> so that offline feedback times estimates as
    /// the session did (<see cref="RecordedEstimateTiming"/>).</summary>
    public int? WindowVolumes { get; init; }

    /// <summary>Origin of the <c>*_ms</c> timing columns, a timestamp of the recorder's TimeProvider;
    /// null = the moment the recorder is created.</summary>
    public long? SessionStartTimestamp { get; init; }

    /// <summary>When the recording started on the wall clock (<c>started_utc</c> of session.json); null = the moment the recorder is created.</summary>
    public DateTimeOffset? StartedUtc { get; init; }

    /// <summary>True (the default) for the session's own folder, which holds the session log and <c>handoffs.tsv</c>; false for a
    /// later series' folder (<c>series-N/</c>), whose session.json then does not list the log and points to <c>../handoffs.tsv</c>.</summary>
    public bool SessionFolder { get; init; } = true;

    /// <summary>The session's neurofeedback protocol (path, SHA-256 of its table and sidecar), written to session.json; null without one.</summary>
    public System.Text.Json.Nodes.JsonNode? Protocol { get; init; }
}
