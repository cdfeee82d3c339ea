using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Dashboard.Redis;
using RealtimeDecode.Host.Session;
using RealtimeDecode.Host.Tests.Dashboard.Support;

namespace RealtimeDecode.Host.Tests.Dashboard.Redis;

/// <summary>
/// A <c>serve</c> process (through a real redis-server) that followed a session when a second decoder took its id over
/// (claimed and numbered on as a decoder does at start): a viewer joining after the takeover gets the new session alone,
/// and its live events.
/// </summary>
public sealed class ServeTakeoverTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Join_AfterAnotherDecoderTookTheIdOver_SnapshotHoldsTheNewSessionAlone()
    {
        using var server = new RedisServer();
        var options = new DashboardOptions { Redis = server.ConnectionString };
        await using var link = await RedisConnection.ConnectAsync(RedisConnection.Parse(server.ConnectionString, "test"));
        long firstLast = await FirstSessionAsync(link, options);

        using var serve = new CliHost(null, "serve", "--urls", "http://127.0.0.1:0", "--redis", server.ConnectionString);
        var host = await serve.UrlAsync(Wait);
        await using (var before = new SessionViewer(host, "scan1"))
        {
            await before.StartAsync();
            Assert.Equal(Enumerable.Range(0, 10), before.Snapshot!.Estimates.Select(e => e.Volume));
        }

        var (second, secondPublisher, seqBefore) = await TakeOverAsync(link, options);
        await using var written = secondPublisher;
        Assert.Equal(firstLast, seqBefore);
        await Until(() => secondPublisher.Written == second.LastSeq, "the second session written to Redis");

        await using var viewer = new SessionViewer(host, "scan1");
        await viewer.StartAsync();
        Assert.Equal([100, 101, 102], viewer.Snapshot!.Estimates.Select(e => e.Volume));
        Assert.Equal("running", viewer.Snapshot.Status.State);
        Assert.Equal(second.LastSeq, viewer.Snapshot.Seq);
        second.Publish(Estimate(103));
        await Until(() => viewer.After.OfType<EstimateMessage>().Any(e => e.Volume == 103), "the new session's estimate live");
        Assert.Equal([100, 101, 102, 103], viewer.Estimates.Select(e => e.Volume));
    }

    [Fact]
    public async Task OpenViewer_AnotherDecoderTakesTheIdOver_SessionAskedAgainHoldsTheNewSessionAlone()
    {
        using var server = new RedisServer();
        var options = new DashboardOptions { Redis = server.ConnectionString };
        await using var link = await RedisConnection.ConnectAsync(RedisConnection.Parse(server.ConnectionString, "test"));
        await FirstSessionAsync(link, options);

        using var serve = new CliHost(null, "serve", "--urls", "http://127.0.0.1:0", "--redis", server.ConnectionString);
        var host = await serve.UrlAsync(Wait);
        await using var viewer = new SessionViewer(host, "scan1");
        await viewer.StartAsync();
        Assert.Equal(Enumerable.Range(0, 10), viewer.Snapshot!.Estimates.Select(e => e.Volume));

        // The new session's events reach the serve host as soon as they are written, before its look at the session's
        // entry every 2 s: none of them may join the old session's backlog.
        var (_, secondPublisher, _) = await TakeOverAsync(link, options);
        await using var written = secondPublisher;
        await Until(() => viewer.Live.OfType<StatusMessage>().Any(s => s.State == "running"), "the new session's status live");

        var again = await viewer.GetSessionAsync();
        Assert.Equal([100, 101, 102], again.Estimates.Select(e => e.Volume));
        Assert.Equal("running", again.Status.State);
    }

    // The first decoder's session of "scan1": starting, estimates 0–9, ended, all written to Redis; its last seq.
    private static async Task<long> FirstSessionAsync(RedisConnection link, DashboardOptions options)
    {
        var first = new DashboardBroadcaster(new FakeHubContext(), options) { SessionId = "scan1" };
        var firstPublisher = new RedisSessionPublisher(first, link, options, null);
        first.Publish(new StatusMessage("starting", null, 0, 0, 0, null));
        for (int v = 0; v < 10; v++) first.Publish(Estimate(v));
        first.Publish(new StatusMessage("ended", null, 0, 0, 0, null));
        await Until(() => firstPublisher.Written == first.LastSeq, "the first session written to Redis");
        await firstPublisher.DisposeAsync();
        return first.LastSeq;
    }

    // The second decoder, as SessionRunner starts one: the id claimed, numbered on from the old session's last event
    // (returned), its first status published before its publisher exists, then estimates 100–102 and running.
    private static async Task<(DashboardBroadcaster, RedisSessionPublisher, long)> TakeOverAsync(RedisConnection link, DashboardOptions options)
    {
        long seqBefore = await RedisLink.ClaimAsync(link, "scan1", TimeProvider.System, TextWriter.Null);
        await Task.Delay(20); // a new start time
        var second = new DashboardBroadcaster(new FakeHubContext(), options) { SessionId = "scan1" };
        second.ContinueAfter(seqBefore);
        second.Publish(new StatusMessage("starting", null, 0, 0, 0, null));
        var secondPublisher = new RedisSessionPublisher(second, link, options, null);
        for (int v = 100; v < 103; v++) second.Publish(Estimate(v));
        second.Publish(new StatusMessage("running", null, 0, 0, 0, null));
        return (second, secondPublisher, seqBefore);
    }

    private static EstimateMessage Estimate(int volume) => new(volume, volume * 2.0, ["joy"], [volume / 10.0], 1.0);

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
