using RealtimeDecode.Lsl.Tests.Support;

namespace RealtimeDecode.Lsl.Tests;

/// <summary>Our inlet against our outlet over real loopback sockets.</summary>
public class InletOutletTests
{
    private static async Task<(StreamOutlet Outlet, StreamInlet Inlet)> ConnectAsync(ChannelFormat format, int channels, double rate = 100)
    {
        var cfg = LoopbackLsl.Config();
        var outlet = new StreamOutlet(StreamInfo.Create(LoopbackLsl.UniqueName("rt"), "Test", channels, rate, format, "rt-src"), cfg);
        var inlet = new StreamInlet(LoopbackLsl.Resolved(outlet), cfg);
        await inlet.OpenAsync(LoopbackLsl.Timeout());
        Assert.True(await outlet.WaitForConsumersAsync(LoopbackLsl.Bound));
        return (outlet, inlet);
    }

    private static async Task RoundTripAsync<T>(ChannelFormat format, Func<int, int, T> value) where T : unmanaged
    {
        const int channels = 5;
        var (outlet, inlet) = await ConnectAsync(format, channels);
        await using var _ = outlet;
        await using var __ = inlet;
        for (var s = 0; s < 20; s++)
        {
            var sample = Enumerable.Range(0, channels).Select(k => value(s, k)).ToArray();
            outlet.PushSample<T>(sample, 500.0 + s * 0.25);
        }
        var received = new T[channels];
        for (var s = 0; s < 20; s++)
        {
            var ts = await inlet.PullSampleAsync(received, LoopbackLsl.Timeout());
            Assert.Equal(500.0 + s * 0.25, ts);
            Assert.Equal(Enumerable.Range(0, channels).Select(k => value(s, k)).ToArray(), received);
        }
    }

    [Fact]
    public Task PullSample_Float32_RoundTrips() => RoundTripAsync(ChannelFormat.Float32, (s, k) => s * 1.5f - k / 3f);

    [Fact]
    public Task PullSample_Double64_RoundTrips() => RoundTripAsync(ChannelFormat.Double64, (s, k) => Math.PI * s - k * 1e-9);

    [Fact]
    public Task PullSample_Int32_RoundTrips() => RoundTripAsync(ChannelFormat.Int32, (s, k) => s * 100_000 - k * 7 - 1_000_000);

    [Fact]
    public Task PullSample_Int16_RoundTrips() => RoundTripAsync(ChannelFormat.Int16, (s, k) => (short)(s * 1000 - k * 3000));

    [Fact]
    public Task PullSample_Int8_RoundTrips() => RoundTripAsync(ChannelFormat.Int8, (s, k) => (sbyte)(s * 5 - k * 20));

    [Fact]
    public Task PullSample_Int64_RoundTrips() => RoundTripAsync(ChannelFormat.Int64, (s, k) => long.MaxValue - s * 1_000_000_007L - k);

    [Fact]
    public async Task PullSample_String_RoundTripsUnicodeEmptyAndLong()
    {
        var (outlet, inlet) = await ConnectAsync(ChannelFormat.String, 3, rate: StreamInfo.IrregularRate);
        await using var _ = outlet;
        await using var __ = inlet;
        string[][] samples = [["onset", "", "ß→λ"], ["x", new string('y', 70_000), "z"]];
        outlet.PushSample(samples[0], 10.0);
        outlet.PushSample(samples[1], 11.0);
        var received = new string[3];
        Assert.Equal(10.0, await inlet.PullSampleAsync(received, LoopbackLsl.Timeout()));
        Assert.Equal(samples[0], received);
        Assert.Equal(11.0, await inlet.PullSampleAsync(received, LoopbackLsl.Timeout()));
        Assert.Equal(samples[1], received);
    }

    [Fact]
    public async Task PushChunk_RegularRate_LastTimestampGivenEarlierDeduced()
    {
        var (outlet, inlet) = await ConnectAsync(ChannelFormat.Float32, 2, rate: 4);
        await using var _ = outlet;
        await using var __ = inlet;
        float[] chunk = [0, 1, 10, 11, 20, 21];
        outlet.PushChunk<float>(chunk, 100.0);
        var received = new float[2];
        double[] expected = [99.5, 99.75, 100.0];
        for (var s = 0; s < 3; s++)
        {
            Assert.Equal(expected[s], await inlet.PullSampleAsync(received, LoopbackLsl.Timeout()), 12);
            Assert.Equal([s * 10f, s * 10f + 1], received);
        }
    }

    [Fact]
    public async Task PushChunk_PerSampleTimestamps_Delivered()
    {
        var (outlet, inlet) = await ConnectAsync(ChannelFormat.Int32, 1, rate: StreamInfo.IrregularRate);
        await using var _ = outlet;
        await using var __ = inlet;
        outlet.PushChunk<int>([7, 8, 9], [1.0, 2.5, 4.0]);
        var received = new int[1];
        Assert.Equal(1.0, await inlet.PullSampleAsync(received, LoopbackLsl.Timeout()));
        Assert.Equal(2.5, await inlet.PullSampleAsync(received, LoopbackLsl.Timeout()));
        Assert.Equal(4.0, await inlet.PullSampleAsync(received, LoopbackLsl.Timeout()));
        Assert.Equal([9], received);
    }

    [Fact]
    public async Task PushSample_ZeroTimestamp_StampedWithOutletClock()
    {
        var (outlet, inlet) = await ConnectAsync(ChannelFormat.Float32, 1);
        await using var _ = outlet;
        await using var __ = inlet;
        var before = LslClock.LocalClock();
        outlet.PushSample<float>([1f]);
        var after = LslClock.LocalClock();
        var ts = await inlet.PullSampleAsync(new float[1], LoopbackLsl.Timeout());
        Assert.InRange(ts, before, after);
    }

    [Fact]
    public async Task GetFullInfo_OutletWithLabels_ReturnsDesc()
    {
        var cfg = LoopbackLsl.Config();
        var info = StreamInfo.Create(LoopbackLsl.UniqueName("full"), "Emotion", 3, 0.5, ChannelFormat.Float32, "full-src")
            .SetChannelLabels(["joy", "fear", "anger"]);
        await using var outlet = new StreamOutlet(info, cfg);
        await using var inlet = new StreamInlet(LoopbackLsl.Resolved(outlet), cfg);
        var full = await inlet.GetFullInfoAsync(LoopbackLsl.Timeout());
        Assert.Equal(["joy", "fear", "anger"], full.GetChannelLabels());
        Assert.Equal(outlet.Info.Uid, full.Uid);
    }

    [Fact]
    public async Task OpenAsync_StaleUid_ThrowsProtocolException404()
    {
        var cfg = LoopbackLsl.Config();
        await using var outlet = new StreamOutlet(StreamInfo.Create(LoopbackLsl.UniqueName("stale"), "Test", 1, 10), cfg);
        var info = LoopbackLsl.Resolved(outlet);
        info.Uid = Guid.NewGuid().ToString();
        await using var inlet = new StreamInlet(info, cfg, recover: false);
        var e = await Assert.ThrowsAsync<LslProtocolException>(() => inlet.OpenAsync(LoopbackLsl.Timeout()));
        Assert.Equal(404, e.StatusCode);
    }

    [Fact]
    public async Task PullSample_OutletGoneWithoutRecovery_Throws()
    {
        var cfg = LoopbackLsl.Config();
        var outlet = new StreamOutlet(StreamInfo.Create(LoopbackLsl.UniqueName("gone"), "Test", 1, 10), cfg);
        await using var inlet = new StreamInlet(LoopbackLsl.Resolved(outlet), cfg, recover: false);
        await inlet.OpenAsync(LoopbackLsl.Timeout());
        Assert.True(await outlet.WaitForConsumersAsync(LoopbackLsl.Bound));
        outlet.Dispose();
        await Assert.ThrowsAsync<IOException>(async () => await inlet.PullSampleAsync(new float[1], LoopbackLsl.Timeout()));
    }
}
