using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Lsl;

namespace RealtimeDecode.Host.Session;

/// <summary>Everything a replay or live session is started with, after configuration and options are merged.</summary>
internal sealed record SessionRequest
{
    /// <summary>Run to replay (null for live).</summary>
    public string? Run { get; init; }

    /// <summary>Run named by the configuration (<c>Session:Run</c>), replayed when no <c>--run</c> is given.</summary>
    public string? ConfiguredRun { get; init; }

    /// <summary>Export folder to watch (live).</summary>
    public string? Watch { get; init; }

    public string Format { get; init; } = "auto";
    public double? Tr { get; init; }
    public required string Atlas { get; init; }
    public string? Labels { get; init; }
    public required string Model { get; init; }
    public string Speed { get; init; } = "1";
    public string? Record { get; init; }

    /// <summary>Neurofeedback protocol (events table with its sidecar), or null.</summary>
    public string? Protocol { get; init; }

    public string RecordRoot { get; init; } = "recordings";
    public bool KeepServing { get; init; }
    public double MissingAfterTrs { get; init; } = 3;
    public int PollIntervalMs { get; init; } = 200;
    public int MaxGapTrs { get; init; } = 100;

    /// <summary>Largest corner shift (mm) from the run's first volume still decoded (<c>Live:AffineToleranceMm</c>).</summary>
    public double AffineToleranceMm { get; init; } = 1;
    public bool IncludeExisting { get; init; }

    /// <summary>Realign every volume before the ROI means (must match the model package).</summary>
    public bool Realign { get; init; }

    /// <summary>3D NIfTI to realign to (default: each series' first volume).</summary>
    public string? Reference { get; init; }

    /// <summary>Motion regressors in the online regression (0, 6, 12 or 24; must match the model package).</summary>
    public int MotionRegressors { get; init; }

    /// <summary>FD (mm) above which a volume is high-motion (must match the model package).</summary>
    public double FdThresholdMm { get; init; } = Engine.Features.FeatureSettings.DefaultFdThresholdMm;

    /// <summary>What becomes of an estimate whose window holds a high-motion volume (must match the model package).</summary>
    public Engine.Motion.CensorPolicy Censor { get; init; } = Engine.Motion.CensorPolicy.Flag;

    /// <summary>The session's id (<c>--session</c>); null: host name and start time.</summary>
    public string? SessionId { get; init; }
    public required DashboardOptions Dashboard { get; init; }
    public required FeedbackOptions Feedback { get; init; }
    public required LslOptions Lsl { get; init; }

    /// <summary>The merged configuration, recorded in session.json.</summary>
    public object? Configuration { get; init; }
}
