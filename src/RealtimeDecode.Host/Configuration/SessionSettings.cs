namespace RealtimeDecode.Host.Configuration;

/// <summary>Session settings (section <c>Session</c>); the command's options override them.</summary>
internal sealed class SessionSettings
{
    /// <summary>Run to replay when <c>--run</c> is not given.</summary>
    public string? Run { get; set; }

    /// <summary>Label NIfTI on the run's grid.</summary>
    public string? Atlas { get; set; }

    /// <summary>Labels TSV (index, name, network).</summary>
    public string? Labels { get; set; }

    /// <summary>Model package.</summary>
    public string? Model { get; set; }

    /// <summary>Pace: a factor of real time or max.</summary>
    public string Speed { get; set; } = "1";

    /// <summary>Folder under which each session's recording folder is made.</summary>
    public string RecordRoot { get; set; } = "recordings";

    /// <summary>Keep serving the dashboard after the run ends.</summary>
    public bool KeepServing { get; set; }
}
