using Serilog;
using Serilog.Events;

namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// The "log" output (not a transport: it hands nothing off, so its times are to decoding, not publication):
/// one structured event per frame (estimates at Information, warm-up at Debug,
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

    /// <summary>Decoded volumes between two Information-level progress events.</summary>
    public const int ProgressEvery = 30;

    private long _decoded;

    /// <inheritdoc />
    public string Name => "log";

    /// <inheritdoc />
    public bool ReleasesArrays => true;

    private static double? Since(FrameTiming t, long? ts) => ts is { } v ? (v - t.DetectedTimestamp) * 1000.0 / t.TimestampFrequency : null;

    /// <inheritdoc />
    public ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken)
    {
        switch (frame)
        {
            case EstimateFrame { Estimates: { } values } e:
                _decoded++;
                if (_log.IsEnabled(LogEventLevel.Debug))
                {
                    var named = new Dictionary<string, double>(values.Length);
                    for (int i = 0; i < values.Length; i++) named[i < _targets.Count ? _targets[i] : $"target{i}"] = values[i];
                    _log.Debug("Volume {Index} estimates {@Estimates}; read {ReadMs:0.00} ms, decoded {DecodedMs:0.00} ms after detection",
                        e.Volume, named, Since(e.Timing, e.Timing.ReadTimestamp), Since(e.Timing, e.Timing.DecodedTimestamp));
                }
                if (_decoded % ProgressEvery == 0)
                    _log.Information("Volume {Index}: {Decoded} volumes decoded, {DecodedMs:0.0} ms after detection", e.Volume, _decoded, Since(e.Timing, e.Timing.DecodedTimestamp));
                break;
            case EstimateFrame { IsWarmingUp: true } w:
                _log.Debug("Volume {Index} warming up in {DecodedMs:0.0} ms", w.Volume, Since(w.Timing, w.Timing.DecodedTimestamp));
                break;
            case SkippedFrame s:
                _log.Debug("Volume {Index} skipped: {Status} ({Reason})", s.Volume, s.Status.ToFileValue(), s.Reason);
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
