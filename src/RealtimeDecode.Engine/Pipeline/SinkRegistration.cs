namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// A sink and its buffer. A bounded buffer (live outputs: dashboard, LSL) drops its OLDEST frame when
/// full and counts the drop, so a slow output never stalls the pipeline and always shows the newest
/// data. An unbounded buffer (the recorder) never drops: the recorder writes a few hundred bytes per
/// TR, so even a stalled disk grows memory by kilobytes per minute, which is the price of a complete
/// recording.
/// </summary>
public sealed record SinkRegistration
{
    private SinkRegistration(IFrameSink sink, int? capacity)
    {
        Sink = sink ?? throw new ArgumentNullException(nameof(sink));
        Capacity = capacity;
        ReleasesArrays = sink.ReleasesArrays;
    }

    /// <summary>The sink.</summary>
    public IFrameSink Sink { get; }

    /// <summary>Buffer capacity in frames; null = unbounded (never drops).</summary>
    public int? Capacity { get; }

    /// <summary>
    /// The sink keeps no reference to a frame's arrays once its <see cref="IFrameSink.OnFrameAsync"/> has
    /// returned (a sink that keeps something copies it). When every sink of a <see cref="SinkFanout"/>
    /// says so, the fan-out gives each frame's edge array back to <see cref="FrameBufferPool.Shared"/> after
    /// the last sink has handled (or dropped) the frame. Default: the sink's own <see cref="IFrameSink.ReleasesArrays"/>.
    /// </summary>
    public bool ReleasesArrays { get; init; }

    /// <summary>A sink with a buffer of <paramref name="capacity"/> frames that drops the oldest when full.</summary>
    public static SinkRegistration Bounded(IFrameSink sink, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        return new SinkRegistration(sink, capacity);
    }

    /// <summary>A sink that gets every frame (the recorder).</summary>
    public static SinkRegistration Unbounded(IFrameSink sink) => new(sink, null);
}
