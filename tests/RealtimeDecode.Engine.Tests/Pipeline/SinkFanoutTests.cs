using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Pipeline;

public sealed class SinkFanoutTests
{
    private static PipelineFrame Frame(int volume) =>
        new SkippedFrame(volume, volume * 2.0, VolumeStatus.Missing, null, "test", Timings.Published(0, null, null, 0, TimeSpan.TicksPerSecond));

    [Fact]
    public async Task OnNext_ThrowingSink_OthersGetEverythingAndFailuresAreCounted()
    {
        var broken = new CollectingSink("broken") { Throws = true };
        var dashboard = new CollectingSink("dashboard");
        var recorder = new CollectingSink("recorder");
        using var fanout = new SinkFanout([SinkRegistration.Bounded(broken, 64), SinkRegistration.Bounded(dashboard, 64), SinkRegistration.Unbounded(recorder)]);

        for (int i = 0; i < 20; i++) fanout.OnNext(Frame(i));
        fanout.OnCompleted();
        await Bounded.Wait(fanout.Completion, "the sinks to drain");

        Assert.Equal(Enumerable.Range(0, 20), dashboard.Frames.Select(f => f.Volume));
        Assert.Equal(Enumerable.Range(0, 20), recorder.Frames.Select(f => f.Volume));
        Assert.Equal(20, broken.Calls);
        Assert.True(broken.Completed);
        var stats = fanout.Statistics;
        Assert.Equal(new SinkStatistics("broken", 0, 0, 20), stats[0]);
        Assert.Equal(new SinkStatistics("dashboard", 20, 0, 0), stats[1]);
        Assert.Equal(new SinkStatistics("recorder", 20, 0, 0), stats[2]);
    }

    [Fact]
    public async Task OnNext_SlowSink_DropsOldestAndCountsWhileRecorderGetsEverything()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = new CollectingSink("dashboard") { Gate = gate.Task };
        var recorder = new CollectingSink("recorder");
        using var fanout = new SinkFanout([SinkRegistration.Bounded(slow, 2), SinkRegistration.Unbounded(recorder)]);

        fanout.OnNext(Frame(0));
        // The slow sink holds frame 0 and waits; frames 1..9 go to its buffer of 2.
        await Bounded.Wait(slow.Entered.Task, "the slow sink to take frame 0");
        for (int i = 1; i < 10; i++) fanout.OnNext(Frame(i));
        Assert.Equal(7, fanout.Statistics[0].Dropped);

        gate.SetResult();
        fanout.OnCompleted();
        await Bounded.Wait(fanout.Completion, "the sinks to drain");

        Assert.Equal([0, 8, 9], slow.Frames.Select(f => f.Volume));
        Assert.Equal(Enumerable.Range(0, 10), recorder.Frames.Select(f => f.Volume));
        Assert.Equal(new SinkStatistics("dashboard", 3, 7, 0), fanout.Statistics[0]);
        Assert.Equal(new SinkStatistics("recorder", 10, 0, 0), fanout.Statistics[1]);
    }

    [Fact]
    public async Task OnError_PipelineFailure_EverySinkToldAfterItsFrames()
    {
        var a = new CollectingSink("a");
        var b = new CollectingSink("b");
        using var fanout = new SinkFanout([SinkRegistration.Bounded(a, 8), SinkRegistration.Unbounded(b)]);
        var failure = new InvalidOperationException("stage bug");

        fanout.OnNext(Frame(0));
        fanout.OnError(failure);
        await Bounded.Wait(fanout.Completion, "the sinks to complete");

        Assert.Same(failure, a.CompletedWith);
        Assert.Same(failure, b.CompletedWith);
        Assert.Single(a.Frames);
        Assert.Single(b.Frames);
    }

    [Fact]
    public void Bounded_ZeroCapacity_Refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SinkRegistration.Bounded(new CollectingSink("x"), 0));
    }
}
