using Serilog;
using Serilog.Events;

namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// The "log" output: one structured event per frame (estimates at Information, warm-up at Debug,
/// skipped volumes are already logged by the pipeline at Warning and are logged here at Debug only).
/// </summary>
public sealed class LogSink : IFrameSink
{
    private readonly ILogger _log;
    private readonly IReadOnlyList<string> _targets;

    /// <summary>Creates the sink; <paramref name="targetNames"/> name the estimates in the log.</summary>
    public LogSink(ILogger log, IReadOnlyList<string> targetNames)
    {
        _log = (log ?? throw new ArgumentNullException(nameof(log))).ForContext<LogSink>();
        _targets = targetNames ?? throw new ArgumentNullException(nameof(targetNames));
    }

    /// <inheritdoc />
    public string Name => "log";

    /// <inheritdoc />
    public ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken)
    {
        switch (frame)
        {
            case EstimateFrame { Estimates: { } values } e when _log.IsEnabled(LogEventLevel.Information):
                var named = new Dictionary<string, double>(values.Length);
                for (int i = 0; i < values.Length; i++) named[i < _targets.Count ? _targets[i] : $"target{i}"] = values[i];
                _log.Information("Volume {Index} estimates {@Estimates} in {LatencyMs:0.0} ms", e.Volume, named, e.Timing.LatencyMs);
                break;
            case EstimateFrame { IsWarmingUp: true } w:
                _log.Debug("Volume {Index} warming up in {LatencyMs:0.0} ms", w.Volume, w.Timing.LatencyMs);
                break;
            case SkippedFrame s:
                _log.Debug("Volume {Index} skipped: {Status}", s.Volume, s.Status.ToFileValue());
                break;
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken)
    {
        if (error is null) _log.Information("Pipeline completed");
        else _log.Error(error, "Pipeline failed");
        return ValueTask.CompletedTask;
    }
}
