using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Dashboard.Redis;
using RealtimeDecode.Host.Tests.Dashboard.Support;

namespace RealtimeDecode.Host.Tests.Dashboard.Redis;

/// <summary>
/// A host that follows a session decoded elsewhere (through a real redis-server) stops following it once no
/// client has watched it for <see cref="DashboardOptions.RedisIdleMinutes"/>, not before, and follows it again,
/// whole, when a client asks. The idle clock is virtual; Redis and the follower run in real time.
/// </summary>
public sealed class IdleFollowerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Follower_NoViewerForTheIdleTime_StopsAndFollowsAgainWhenAsked()
    {
        using var server = new RedisServer();
        var options = new DashboardOptions { Redis = server.ConnectionString, RedisIdleMinutes = 1 };
        await using var decoderRedis = await RedisConnection.ConnectAsync(RedisConnection.Parse(server.ConnectionString, "test"));
        await using var hostRedis = await RedisConnection.ConnectAsync(RedisConnection.Parse(server.ConnectionString, "test"));
        var own = new DashboardBroadcaster(new FakeHubContext(), options) { SessionId = "idle-S" };
        await using var publisher = new RedisSessionPublisher(own, decoderRedis, options, null);
        own.Publish(new StatusMessage("running", null, 0, 0, 0, null));
        for (int v = 0; v < 3; v++) own.Publish(Estimate(v));

        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        await using var directory = new SessionDirectory(new DashboardBroadcaster(new FakeHubContext(), options), new FakeHubContext(), options, hostRedis, time);
        var feed = await Until(async () => await directory.ResolveAsync("idle-S"), f => f is not null, "the session published");
        await Until(() => Task.FromResult(feed!.Snapshot().Estimates.Length), n => n == 3, "the backlog followed");
        Assert.Equal(["idle-S"], directory.Followed);

        // Watched: followed however long.
        feed!.AddClient("viewer");
        Step(time, TimeSpan.FromMinutes(5));
        Assert.Equal(["idle-S"], directory.Followed);

        // Nobody watches: still followed for the idle time, dropped by 1.25 idle times.
        feed.RemoveClient("viewer");
        Step(time, TimeSpan.FromSeconds(59));
        Assert.Equal(["idle-S"], directory.Followed);
        Step(time, TimeSpan.FromSeconds(17));
        Assert.Empty(directory.Followed);

        // Asked again: a new follower, with the whole session from the stream (the events published meanwhile too).
        for (int v = 3; v < 5; v++) own.Publish(Estimate(v));
        var again = await Until(async () => await directory.ResolveAsync("idle-S"), f => f is not null, "the session resolved again");
        Assert.NotSame(feed, again);
        Assert.Equal(["idle-S"], directory.Followed);
        await Until(() => Task.FromResult(again!.Snapshot().Estimates.Length), n => n == 5, "the whole session followed again");
        Assert.Equal([0, 1, 2, 3, 4], again!.Snapshot().Estimates.Select(e => e.Volume));
        // A request that names the session counts as watching it, though no client stays connected.
        Step(time, TimeSpan.FromSeconds(50));
        Assert.NotNull(directory.Find("idle-S"));
        Step(time, TimeSpan.FromSeconds(50));
        Assert.Equal(["idle-S"], directory.Followed);
    }

    private static EstimateMessage Estimate(int volume) => new(volume, volume * 2.0, ["joy"], [volume / 10.0], 1.0);

    /// <summary>Advances in 1 s steps, as a running clock would pass each of the host's looks.</summary>
    private static void Step(ManualTime time, TimeSpan by)
    {
        for (var t = TimeSpan.Zero; t < by; t += TimeSpan.FromSeconds(1)) time.Advance(TimeSpan.FromSeconds(1));
    }

    private static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        using var cts = new CancellationTokenSource(Wait);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (cts.IsCancellationRequested) throw new TimeoutException(what);
            await Task.Delay(50);
        }
    }
}
