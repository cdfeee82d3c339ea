using RealtimeDecode.Engine.Pipeline;

namespace RealtimeDecode.Engine.Tests.Support;

/// <summary>Keeps every frame; can throw on every frame, or wait at a gate before handling a frame.</summary>
public sealed class CollectingSink(string name) : IFrameSink
{
    private readonly List<PipelineFrame> _frames = [];
    public string Name => name;
    public bool Throws { get; init; }

    /// <summary>When set, OnFrameAsync signals <see cref="Entered"/> and waits for this task before handling.</summary>
    public Task? Gate { get; init; }
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Calls;
    public Exception? CompletedWith;
    public bool Completed;

    public IReadOnlyList<PipelineFrame> Frames { get { lock (_frames) return _frames.ToArray(); } }

    public async ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        if (Gate is not null)
        {
            Entered.TrySetResult();
            await Gate.ConfigureAwait(false);
        }
        if (Throws) throw new InvalidOperationException($"{name} is broken");
        lock (_frames) _frames.Add(frame);
    }

    public ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken)
    {
        CompletedWith = error;
        Completed = true;
        return ValueTask.CompletedTask;
    }
}
