using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Tests.Support;
using Serilog.Events;

namespace RealtimeDecode.Engine.Tests.Pipeline;

public sealed class LogSinkTests
{
    [Fact]
    public async Task OnFrame_EstimateFrame_StructuredEventWithNamedEstimates()
    {
        var events = new CollectingLogSink();
        var sink = new LogSink(events.CreateLogger(), ["joy", "fear"]);
        var t = Timings.Published(0, 0, 120_000, 130_000, TimeSpan.TicksPerSecond);

        await sink.OnFrameAsync(new EstimateFrame(7, 14, null, t, new RoiFrame(7, 14, [1], t), null, [0.25, 0.5]), CancellationToken.None);

        // One Debug event per volume with its timings; Information only every LogSink.ProgressEvery volumes.
        var e = Assert.Single(events.Events);
        Assert.Equal(LogEventLevel.Debug, e.Level);
        Assert.Equal("7", e.Properties["Index"].ToString());
        Assert.Equal(12.0, (double)((ScalarValue)e.Properties["DecodedMs"]).Value!);
        var estimates = Assert.IsType<DictionaryValue>(e.Properties["Estimates"]);
        Assert.Equal("0.25", estimates.Elements.Single(kv => (string)kv.Key.Value! == "joy").Value.ToString());
    }

    [Fact]
    public async Task OnFrame_EveryThirtiethEstimate_ProgressAtInformation()
    {
        var events = new CollectingLogSink();
        var sink = new LogSink(events.CreateLogger(), ["joy"]);
        var t = Timings.Published(0, 0, 0, 10_000, TimeSpan.TicksPerSecond);
        for (int v = 0; v < 2 * LogSink.ProgressEvery; v++)
            await sink.OnFrameAsync(new EstimateFrame(v, 2 * v, null, t, new RoiFrame(v, 2 * v, [1], t), null, [0.5]), CancellationToken.None);

        var info = events.Events.Where(ev => ev.Level == LogEventLevel.Information).ToArray();
        Assert.Equal(2, info.Length);
        Assert.Equal((LogSink.ProgressEvery - 1).ToString(), info[0].Properties["Index"].ToString());
        Assert.Equal(2 * LogSink.ProgressEvery, events.Events.Count(ev => ev.Level == LogEventLevel.Debug));
    }

    [Fact]
    public async Task SinkFanout_ThrowingSink_FailureLoggedWithSinkName()
    {
        var events = new CollectingLogSink();
        using var fanout = new SinkFanout([SinkRegistration.Unbounded(new CollectingSink("dashboard") { Throws = true })], events.CreateLogger());

        fanout.OnNext(new SkippedFrame(3, 6, VolumeStatus.Missing, null, "x", Timings.Published(0, null, null, 0, 1)));
        fanout.OnCompleted();
        await Bounded.Wait(fanout.Completion, "the sink to drain");

        var e = Assert.Single(events.Events, ev => ev.Level == LogEventLevel.Error);
        Assert.Equal("\"dashboard\"", e.Properties["Sink"].ToString());
        Assert.IsType<InvalidOperationException>(e.Exception);
    }
}
