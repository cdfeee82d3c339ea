using RealtimeDecode.Lsl.Tests.Support;

namespace RealtimeDecode.Lsl.Tests;

public class RecoveryAndTimeTests
{
    [Fact]
    public async Task PullSample_OutletRestartsWithSameSourceId_InletReconnects()
    {
        var cfg = LoopbackLsl.Config();
        var info = StreamInfo.Create(LoopbackLsl.UniqueName("restart"), "Emotion", 2, 0.5, ChannelFormat.Float32, "restart-src");
        var first = new StreamOutlet(info, cfg);
        await using var inlet = new StreamInlet(LoopbackLsl.Resolved(first), cfg);
        await inlet.OpenAsync(LoopbackLsl.Timeout());
        Assert.True(await first.WaitForConsumersAsync(LoopbackLsl.Bound));
        first.PushSample<float>([1f, 2f], 1.0);
        var values = new float[2];
        Assert.Equal(1.0, await inlet.PullSampleAsync(values, LoopbackLsl.Timeout()));
        var firstUid = first.Info.Uid;
        first.Dispose();

        await using var second = new StreamOutlet(info, cfg);
        Assert.NotEqual(firstUid, second.Info.Uid);
        Assert.True(await second.WaitForConsumersAsync(TimeSpan.FromSeconds(15)), "the inlet did not reconnect");
        second.PushSample<float>([3f, 4f], 2.0);

        Assert.Equal(2.0, await inlet.PullSampleAsync(values, LoopbackLsl.Timeout()));
        Assert.Equal([3f, 4f], values);
        Assert.Equal(second.Info.Uid, inlet.Info.Uid);
        Assert.Equal(1, inlet.Reconnects);
    }

    [Fact]
    public void RecoveryQuery_Info_NamesTypeSourceCountAndFormat()
    {
        var info = StreamInfo.Create("RealtimeDecode", "Emotion", 8, 0.5, ChannelFormat.Float32, "it's");
        using var inlet = new StreamInlet(info);
        Assert.Equal("name='RealtimeDecode' and type='Emotion' and source_id=\"it's\" and channel_count=8 and channel_format='float32'", inlet.RecoveryQuery());
        Assert.True(info.MatchesQuery(inlet.RecoveryQuery()));
    }

    [Fact]
    public async Task TimeCorrection_SameClockOnLoopback_WithinOneMillisecondOfZero()
    {
        var cfg = LoopbackLsl.Config();
        await using var outlet = new StreamOutlet(StreamInfo.Create(LoopbackLsl.UniqueName("time"), "Test", 1, 10), cfg);
        await using var inlet = new StreamInlet(LoopbackLsl.Resolved(outlet), cfg);
        var (correction, rtt, probes) = await inlet.EstimateTimeOffsetAsync(LoopbackLsl.Timeout());
        Assert.InRange(probes, 1, cfg.TimeProbeCount);
        Assert.InRange(rtt, 0, 0.05);
        Assert.InRange(correction, -0.001, 0.001);
    }

    [Fact]
    public async Task TimeCorrection_OutletClockAhead_ReturnsNegativeOffset()
    {
        var cfg = LoopbackLsl.Config();
        // The outlet's clock runs 5 s ahead, so its timestamps need −5 s to land on the inlet's clock.
        await using var outlet = new StreamOutlet(StreamInfo.Create(LoopbackLsl.UniqueName("shift"), "Test", 1, 10), cfg, new ShiftedTimeProvider(5.0));
        await using var inlet = new StreamInlet(LoopbackLsl.Resolved(outlet), cfg);
        var correction = await inlet.TimeCorrectionAsync(LoopbackLsl.Timeout());
        Assert.InRange(correction, -5.001, -4.999);
    }
}
