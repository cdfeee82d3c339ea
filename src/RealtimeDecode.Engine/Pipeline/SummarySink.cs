namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// A sink that keeps the frames' statuses and latencies for <see cref="SessionSummary"/>. Register it unbounded.
/// It keeps no frame arrays, so it can be registered with <see cref="SinkRegistration.ReleasesArrays"/>.
/// </summary>
public sealed class SummarySink : IFrameSink
{
    private readonly List<SessionSummary.Entry> _frames = [];
    private readonly TaskCompletionSource<SessionSummary> _summary = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc />
    public string Name => "summary";

    /// <inheritdoc />
    public bool ReleasesArrays => true;

    /// <summary>Completes with the summary once the pipeline has completed. Other sinks may still be handing the last
    /// frames off then; <see cref="Compute"/> after the fan-out's completion has every latency.</summary>
    public Task<SessionSummary> Summary => _summary.Task;

    /// <summary>The summary of the frames received so far, computed now: call it after every sink is done
    /// (<see cref="SinkFanout.Completion"/>), so each estimate's publication (its first hand-off) is known.</summary>
    public SessionSummary Compute() => SessionSummary.Compute(_frames);

    /// <inheritdoc />
    public ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken)
    {
        // Frames keep their arrays alive; the summary needs only status and timing.
        _frames.Add(SessionSummary.Entry.Of(frame));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken)
    {
        _summary.TrySetResult(SessionSummary.Compute(_frames));
        return ValueTask.CompletedTask;
    }
}
