using RealtimeDecode.Lsl.Tests.Support;

namespace RealtimeDecode.Lsl.Tests;

/// <summary>Discovery over 127.0.0.1 and the multicast groups on loopback.</summary>
public class DiscoveryTests
{
    [Fact]
    public async Task ResolveAsync_ThreeOutletsOnOneMachine_AllFound()
    {
        var cfg = LoopbackLsl.Config();
        var name = LoopbackLsl.UniqueName("three");
        await using var a = new StreamOutlet(StreamInfo.Create(name, "EEG", 8, 250, ChannelFormat.Float32, "a"), cfg);
        await using var b = new StreamOutlet(StreamInfo.Create(name, "EEG", 8, 250, ChannelFormat.Float32, "b"), cfg);
        await using var c = new StreamOutlet(StreamInfo.Create(name, "Markers", 1, 0, ChannelFormat.String, "c"), cfg);

        var found = await StreamResolver.ResolveAsync("", 3, TimeSpan.FromSeconds(10), cfg, cancellationToken: LoopbackLsl.Timeout());

        Assert.Equal(new[] { a.Info.Uid, b.Info.Uid, c.Info.Uid }.Order(), found.Select(i => i.Uid).Order());
        Assert.All(found, i => Assert.Equal("127.0.0.1", i.V4Address));
        Assert.All(found, i => Assert.Equal(cfg.SessionId, i.SessionId));
    }

    [Fact]
    public async Task ResolveAsync_UnicastTo127001Only_FindsEveryLocalOutlet()
    {
        var cfg = LoopbackLsl.Config();
        var name = LoopbackLsl.UniqueName("uni");
        await using var a = new StreamOutlet(StreamInfo.Create(name, "EEG", 1, 10, ChannelFormat.Float32, "a"), cfg);
        await using var b = new StreamOutlet(StreamInfo.Create(name, "EEG", 1, 10, ChannelFormat.Float32, "b"), cfg);
        await using var c = new StreamOutlet(StreamInfo.Create(name, "EEG", 1, 10, ChannelFormat.Float32, "c"), cfg);
        // Like a liblsl resolver with ResolveScope = machine: queries go to 127.0.0.1:16571 only.
        var machineOnly = cfg with { AddressesOverride = [System.Net.IPAddress.Loopback] };

        var found = await StreamResolver.ResolveAsync($"name='{name}'", 3, TimeSpan.FromSeconds(10), machineOnly, cancellationToken: LoopbackLsl.Timeout());

        Assert.Equal(new[] { a.Info.Uid, b.Info.Uid, c.Info.Uid }.Order(), found.Select(i => i.Uid).Order());
    }

    [Fact]
    public async Task ResolveByPropertyAsync_Type_FindsOnlyMatching()
    {
        var cfg = LoopbackLsl.Config();
        await using var eeg = new StreamOutlet(StreamInfo.Create(LoopbackLsl.UniqueName("eeg"), "EEG", 4, 100), cfg);
        await using var markers = new StreamOutlet(StreamInfo.Create(LoopbackLsl.UniqueName("mk"), "Markers", 1, 0, ChannelFormat.String), cfg);

        var found = await StreamResolver.ResolveByPropertyAsync("type", "Markers", 1, TimeSpan.FromSeconds(10), cfg, cancellationToken: LoopbackLsl.Timeout());

        var only = Assert.Single(found);
        Assert.Equal(markers.Info.Uid, only.Uid);
        Assert.Equal(markers.Info.V4DataPort, only.V4DataPort);
    }

    [Fact]
    public async Task ResolveAsync_OtherSession_NotFound()
    {
        var cfg = LoopbackLsl.Config();
        await using var outlet = new StreamOutlet(StreamInfo.Create(LoopbackLsl.UniqueName("sess"), "EEG", 1, 10), cfg);
        var other = cfg with { SessionId = "another-session" };

        var found = await StreamResolver.ResolveAsync($"name='{outlet.Info.Name}'", 0, TimeSpan.FromSeconds(1), other, cancellationToken: LoopbackLsl.Timeout());

        Assert.Empty(found);
    }

    [Fact]
    public async Task ResolveAsync_KnownPeerWithoutMulticast_FoundThroughServicePort()
    {
        var cfg = LoopbackLsl.Config();
        await using var outlet = new StreamOutlet(StreamInfo.Create(LoopbackLsl.UniqueName("peer"), "EEG", 1, 10), cfg);
        // The resolver queries no discovery address, only every port of the range on the known peer.
        var unicastOnly = cfg with { AddressesOverride = [System.Net.IPAddress.Parse("127.0.0.2")], KnownPeers = ["127.0.0.1"] };

        var found = await StreamResolver.ResolveAsync($"name='{outlet.Info.Name}'", 1, TimeSpan.FromSeconds(10), unicastOnly, cancellationToken: LoopbackLsl.Timeout());

        Assert.Equal(outlet.Info.Uid, Assert.Single(found).Uid);
    }

    [Fact]
    public async Task ResolveAsync_ResolvedInfo_OpensInlet()
    {
        var cfg = LoopbackLsl.Config();
        await using var outlet = new StreamOutlet(StreamInfo.Create(LoopbackLsl.UniqueName("open"), "Emotion", 2, 0.5, ChannelFormat.Float32, "open-src"), cfg);
        var info = Assert.Single(await StreamResolver.ResolveAsync($"source_id='open-src' and name='{outlet.Info.Name}'", 1, TimeSpan.FromSeconds(10), cfg, cancellationToken: LoopbackLsl.Timeout()));
        await using var inlet = new StreamInlet(info, cfg);
        await inlet.OpenAsync(LoopbackLsl.Timeout());
        Assert.True(await outlet.WaitForConsumersAsync(LoopbackLsl.Bound));
        outlet.PushSample<float>([0.25f, 0.75f], 3.0);
        var values = new float[2];
        Assert.Equal(3.0, await inlet.PullSampleAsync(values, LoopbackLsl.Timeout()));
        Assert.Equal([0.25f, 0.75f], values);
    }
}
