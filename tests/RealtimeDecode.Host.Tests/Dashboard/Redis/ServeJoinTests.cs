using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Dashboard.Redis;
using RealtimeDecode.Host.Tests.Dashboard.Support;
using RealtimeDecode.Host.Tests.Session;

namespace RealtimeDecode.Host.Tests.Dashboard.Redis;

/// <summary>
/// Joining a session on a <c>serve</c> process (through a real redis-server) mid-session, after the session ended, and
/// without naming it: the snapshot holds the whole backlog, and only events published after it arrive as live. A decoder
/// run with <c>--no-dashboard</c> still publishes its session.
/// </summary>
public sealed class ServeJoinTests : IClassFixture<SmallSession>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly SmallSession _s;

    public ServeJoinTests(SmallSession session) => _s = session;

    [Fact]
    public async Task Join_ServeHostMidSessionOrEnded_SnapshotHoldsTheBacklogAndOnlyNewerEventsComeLive()
    {
        using var server = new RedisServer();
        var options = new DashboardOptions { Redis = server.ConnectionString };
        await using var link = await RedisConnection.ConnectAsync(RedisConnection.Parse(server.ConnectionString, "test"));
        var own = new DashboardBroadcaster(new FakeHubContext(), options) { SessionId = "scanB" };
        await using var publisher = new RedisSessionPublisher(own, link, options, null);
        own.Publish(new StatusMessage("running", null, 0, 0, 0, null));
        // Several pages of the follower's reading (512 entries each), ~18 MB: read in well over the moment between a
        // client's negotiation (which starts the following) and its connection.
        for (int v = 0; v < 1500; v++) own.Publish(Estimate(v, wide: true));
        await Until(() => publisher.Written == own.LastSeq, "the backlog written to Redis");

        using var serve = new CliHost(null, "serve", "--urls", "http://127.0.0.1:0", "--redis", server.ConnectionString);
        var host = await serve.UrlAsync(Wait);
        await using var viewer = new SessionViewer(host, "scanB");
        await viewer.StartAsync();
        Assert.Equal(Enumerable.Range(0, 1500), viewer.Snapshot!.Estimates.Select(e => e.Volume));
        Assert.Equal("running", viewer.Snapshot.Status.State);
        for (int v = 1500; v < 1505; v++) own.Publish(Estimate(v));
        await Until(() => viewer.After.OfType<EstimateMessage>().Count() == 5, "the new estimates live");
        // Nothing was published while it joined: every live event is newer than its snapshot.
        Assert.All(viewer.Live, m => Assert.True(m.Seq > viewer.Snapshot.Seq, $"seq {m.Seq} live, snapshot at {viewer.Snapshot.Seq}"));
        Assert.Equal(Enumerable.Range(0, 1505), viewer.Estimates.Select(e => e.Volume));

        // No ?session= on a serve host: the session that published last, backlog and live.
        await using var unnamed = new SessionViewer(host, null);
        await unnamed.StartAsync();
        Assert.Equal("scanB", unnamed.Snapshot!.Session);
        Assert.Equal(1505, unnamed.Snapshot.Estimates.Length);
        own.Publish(Estimate(1505));
        await Until(() => unnamed.After.OfType<EstimateMessage>().Any(e => e.Volume == 1505), "a live estimate without ?session=");

        // Ended, on a fresh serve host: the whole session in the snapshot, nothing of it as live.
        own.Publish(new StatusMessage("ended", null, 0, 0, 0, null));
        await Until(() => publisher.Written == own.LastSeq, "the end written to Redis");
        using var fresh = new CliHost(null, "serve", "--urls", "http://127.0.0.1:0", "--redis", server.ConnectionString);
        await using var late = new SessionViewer(await fresh.UrlAsync(Wait), "scanB");
        await late.StartAsync();
        Assert.Equal("ended", late.Snapshot!.Status.State);
        Assert.Equal(1506, late.Snapshot.Estimates.Length);
        await Task.Delay(TimeSpan.FromMilliseconds(500)); // real processes: time for a stray event to arrive
        Assert.Empty(late.Live);
    }

    [Fact]
    public async Task Replay_NoDashboardWithRedis_PublishesTheSession()
    {
        using var server = new RedisServer();
        var env = new Dictionary<string, string> { ["RTDECODE_Dashboard__Redis"] = server.ConnectionString };
        var rec = _s.Path("rec");
        using var decoder = new CliHost(env, "replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
            "--speed", "10", "--no-lsl", "--no-dashboard", "--session", "headless", "--record", rec);
        Assert.Equal(0, await decoder.WaitForExitAsync(Wait));
        Assert.Contains("session: headless (no dashboard here; published to Redis", decoder.Output, StringComparison.Ordinal);

        using var serve = new CliHost(null, "serve", "--urls", "http://127.0.0.1:0", "--redis", server.ConnectionString);
        await using var viewer = new SessionViewer(await serve.UrlAsync(Wait), "headless");
        await viewer.StartAsync();
        Assert.Equal("ended", viewer.Snapshot!.Status.State);
        Assert.Equal(Recording.Estimates(rec).Keys.Order(), viewer.Snapshot.Estimates.Select(e => e.Volume));
    }

    private static readonly string[] ManyTargets = [.. Enumerable.Range(0, 1000).Select(i => $"t{i}")];

    private static EstimateMessage Estimate(int volume, bool wide = false) => wide
        ? new(volume, volume * 2.0, ManyTargets, [.. Enumerable.Repeat(volume / 10.0, ManyTargets.Length)], 1.0)
        : new(volume, volume * 2.0, ["joy"], [volume / 10.0], 1.0);

    private static async Task Until(Func<bool> done, string what)
    {
        using var cts = new CancellationTokenSource(Wait);
        while (!done())
        {
            if (cts.IsCancellationRequested) throw new TimeoutException(what);
            await Task.Delay(50);
        }
    }
}
