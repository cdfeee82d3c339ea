using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Pipeline;

namespace RealtimeDecode.Host.Lsl;

/// <summary>
/// Pushes <c>condition:NAME:BLOCK</c> on the markers outlet when the volume clock reaches a block's
/// onset: with the first frame (estimate, warm-up or skipped) whose acquisition time v·TR is at or past it.
/// </summary>
internal sealed class ConditionMarkerSink : IFrameSink
{
    private readonly ConditionOnsets _onsets;
    private readonly Action<string> _push;

    public ConditionMarkerSink(FeedbackProtocol protocol, double tr, Action<string> push)
    {
        _onsets = new ConditionOnsets(protocol, tr);
        _push = push;
    }

    public string Name => "lsl-conditions";

    /// <inheritdoc />
    public bool ReleasesArrays => true;

    public ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken)
    {
        foreach (var b in _onsets.Advance(frame.Volume)) _push(ConditionOnsets.Marker(b));
        return ValueTask.CompletedTask;
    }

    public ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
