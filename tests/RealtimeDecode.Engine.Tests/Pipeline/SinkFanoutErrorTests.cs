using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Pipeline;

/// <summary>The fanout remembers how the pipeline ended, so a session can tell a failure from a normal end.</summary>
public sealed class SinkFanoutErrorTests
{
    private static PipelineFrame Frame(int volume) =>
        new SkippedFrame(volume, volume * 2.0, VolumeStatus.Missing, null, "test", Timings.Published(0, null, null, 0, TimeSpan.TicksPerSecond));

    [Fact]
    public async Task OnError_PipelineFailure_KeptAsErrorAfterTheSinksDrain()
    {
        var recorder = new CollectingSink("recorder");
        using var fanout = new SinkFanout([SinkRegistration.Unbounded(recorder)]);
        fanout.OnNext(Frame(0));
        var failure = new OverflowException("boom");
        fanout.OnError(failure);
        await Bounded.Wait(fanout.Completion, "the sink to drain");
        Assert.Same(failure, fanout.Error);
        Assert.Equal([0], recorder.Frames.Select(f => f.Volume));
    }

    [Fact]
    public async Task OnCompleted_NormalEnd_NoError()
    {
        using var fanout = new SinkFanout([SinkRegistration.Unbounded(new CollectingSink("recorder"))]);
        fanout.OnNext(Frame(0));
        fanout.OnCompleted();
        fanout.OnError(new InvalidOperationException("after the end"));
        await Bounded.Wait(fanout.Completion, "the sink to drain");
        Assert.Null(fanout.Error);
    }
}
