namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// A sink that keeps the frames' statuses and latencies for <see cref="SessionSummary"/>. Register it unbounded.
/// It keeps no frame arrays, so it can be registered with <see cref="SinkRegistration.ReleasesArrays"/>.
/// </summary>
public sealed class SummarySink : IFrameSink
{
    private readonly List<SessionSummary.Entry> _frames = [];
    private readonly List<int> _pending = [];
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
        // Frames keep their arrays alive; the summary needs only status and latency. An estimate's latency is its
        // first hand-off, which may come after this sink saw the frame: the entry keeps the frame's timing until
        // then, and the number alone after, so a long session keeps a few bytes per volume.
        var entry = SessionSummary.Entry.Of(frame);
        _frames.Add(entry);
        if (entry.IsPending) _pending.Add(_frames.Count - 1);
        Settle();
        return ValueTask.CompletedTask;
    }

    /// <summary>Replaces the timing of every entry whose first hand-off has come by its latency.</summary>
    private void Settle()
    {
        int kept = 0;
        for (int k = 0; k < _pending.Count; k++)
        {
            int i = _pending[k];
            var settled = _frames[i].Settled();
            _frames[i] = settled;
            if (settled.IsPending) _pending[kept++] = i;
        }
        _pending.RemoveRange(kept, _pending.Count - kept);
    }

    /// <inheritdoc />
    public ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken)
    {
        _summary.TrySetResult(SessionSummary.Compute(_frames));
        return ValueTask.CompletedTask;
    }
}
