using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Dashboard.Redis;
using RealtimeDecode.Host.Tests.Dashboard.Support;
using StackExchange.Redis;

namespace RealtimeDecode.Host.Tests.Dashboard.Redis;

/// <summary>
/// A viewer that names no session on a <c>serve</c> process (through a real redis-server) while two sessions are live:
/// it joins the live one that started last, however the two take turns at refreshing their entries or publishing, and
/// once that one has ended, the other.
/// </summary>
public sealed class ServeDefaultSessionTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Join_NoSessionNamedTwoLive_TheOneStartedLastEvenWhenTheOtherPublishedLast()
    {
        using var server = new RedisServer();
        var options = new DashboardOptions { Redis = server.ConnectionString };
        await using var link = await RedisConnection.ConnectAsync(RedisConnection.Parse(server.ConnectionString, "test"));
        var early = new DashboardBroadcaster(new FakeHubContext(), options) { SessionId = "early" };
        await using var earlyPublisher = new RedisSessionPublisher(early, link, options, null);
        early.Publish(new StatusMessage("running", null, 0, 0, 0, null));
        early.Publish(Estimate(0));
        await Until(() => earlyPublisher.Written == early.LastSeq, "the early session written to Redis");
        await Task.Delay(20); // two sessions started in the same millisecond would be told apart by their ids alone
        var late = new DashboardBroadcaster(new FakeHubContext(), options) { SessionId = "late" };
        await using var latePublisher = new RedisSessionPublisher(late, link, options, null);
        late.Publish(new StatusMessage("running", null, 0, 0, 0, null));
        late.Publish(Estimate(0));
        await Until(() => latePublisher.Written == late.LastSeq, "the late session written to Redis");

        using var serve = new CliHost(null, "serve", "--urls", "http://127.0.0.1:0", "--redis", server.ConnectionString);
        var host = await serve.UrlAsync(Wait);
        var db = link.Multiplexer.GetDatabase();
        for (int v = 1; v <= 3; v++)
        {
            // The early session publishes (as its heartbeat does every 2 s): its entry is the newest in Redis.
            early.Publish(Estimate(v));
            await Until(() => earlyPublisher.Written == early.LastSeq, "the early session's new estimate written");
            await UntilAsync(async () => (string?)(await db.SortedSetRangeByRankAsync("rtdecode:sessions", 0, 0, Order.Descending))[0] == "early",
                "the early session's entry the newest");
            await using var viewer = new SessionViewer(host, null);
            await viewer.StartAsync();
            Assert.Equal("late", viewer.Snapshot!.Session);
        }

        // The late session ends: the one still live is joined.
        late.Publish(new StatusMessage("ended", null, 0, 0, 0, null));
        await Until(() => latePublisher.Written == late.LastSeq, "the late session's end written");
        using var http = new HttpClient();
        await UntilAsync(async () => (await http.GetStringAsync(host + "/api/sessions")).Contains("\"session\":\"late\",\"state\":\"ended\"", StringComparison.Ordinal),
            "the late session listed as ended");
        await using var after = new SessionViewer(host, null);
        await after.StartAsync();
        Assert.Equal("early", after.Snapshot!.Session);
        Assert.Equal(4, after.Snapshot.Estimates.Length);
    }

    private static EstimateMessage Estimate(int volume) => new(volume, volume * 2.0, ["joy"], [volume / 10.0], 1.0);

    private static Task Until(Func<bool> done, string what) => UntilAsync(() => Task.FromResult(done()), what);

    private static async Task UntilAsync(Func<Task<bool>> done, string what)
    {
        using var cts = new CancellationTokenSource(Wait);
        while (!await done())
        {
            if (cts.IsCancellationRequested) throw new TimeoutException(what);
            await Task.Delay(50);
        }
    }
}
