using System.Globalization;
using System.Text.Json;
using RealtimeDecode.Host.Dashboard.Redis;
using RealtimeDecode.Host.Tests.Session;

namespace RealtimeDecode.Host.Tests.Dashboard.Redis;

/// <summary>
/// A decoder's own entry in its <c>/api/sessions</c>, with Redis and without: the time it started (Unix ms) and its
/// dashboard's address, the same facts in both; that start is the one its Redis entry, its hub status
/// (<c>session.startedUnixMs</c>) and its recording's session.json (<c>started_utc</c>) carry.
/// </summary>
public sealed class OwnSessionListingTests : IClassFixture<SmallSession>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly SmallSession _s;

    public OwnSessionListingTests(SmallSession session) => _s = session;

    [Fact]
    public async Task Sessions_DecoderWithoutRedis_ListsItsStartAndAddressAsWithRedis()
    {
        using var server = new RedisServer();
        var withRedis = new Dictionary<string, string> { ["RTDECODE_Dashboard__Redis"] = server.ConnectionString };
        foreach (var (env, id) in new[] { ((Dictionary<string, string>?)null, "alone"), (withRedis, "shared") })
        {
            double before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            // Speed 0.1: a volume every 20 s, the session live while it is asked.
            using var decoder = new CliHost(env, "replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
                "--speed", "0.1", "--no-lsl", "--urls", "http://127.0.0.1:0", "--session", id, "--record", _s.Path("rec"));
            var url = await decoder.UrlAsync(Wait);
            await Sessions.WaitListedAsync(url, [id], Wait);
            using var http = new HttpClient();
            using var list = JsonDocument.Parse(await http.GetStringAsync(url + "/api/sessions"));
            double after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var own = list.RootElement[0];
            Assert.Equal(id, own.GetProperty("session").GetString());
            double started = own.GetProperty("startedUnixMs").GetDouble();
            Assert.InRange(started, before, after);
            Assert.Equal(url, own.GetProperty("host").GetString());
        }
    }

    [Fact]
    public async Task Sessions_OneStart_ListingRedisEntryStatusAndRecordingCarryTheSameNumber()
    {
        using var server = new RedisServer();
        await using var link = await RedisConnection.ConnectAsync(RedisConnection.Parse(server.ConnectionString, "test"));
        var withRedis = new Dictionary<string, string> { ["RTDECODE_Dashboard__Redis"] = server.ConnectionString };
        foreach (var (env, id) in new[] { ((Dictionary<string, string>?)null, "alone"), (withRedis, "shared") })
        {
            string rec = _s.Path("rec");
            using var decoder = new CliHost(env, "replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
                "--speed", "0.1", "--no-lsl", "--urls", "http://127.0.0.1:0", "--session", id, "--record", rec);
            var url = await decoder.UrlAsync(Wait);
            await Sessions.WaitListedAsync(url, [id], Wait);
            using var http = new HttpClient();
            using var list = JsonDocument.Parse(await http.GetStringAsync(url + "/api/sessions"));
            double listed = list.RootElement[0].GetProperty("startedUnixMs").GetDouble();

            // The status carries the session's facts once its outputs are made (the recording's session.json is written then too).
            await using var viewer = new SessionViewer(url, id);
            await viewer.StartAsync();
            var status = viewer.Snapshot!.Status;
            for (var until = DateTime.UtcNow + Wait; status.Session is null && DateTime.UtcNow < until; status = (await viewer.GetSessionAsync()).Status)
                await Task.Delay(100);
            Assert.Equal(listed, status.Session?.StartedUnixMs);

            using var session = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(rec, "session.json")));
            var recorded = DateTimeOffset.Parse(session.RootElement.GetProperty("started_utc").GetString()!, CultureInfo.InvariantCulture);
            Assert.Equal(listed, recorded.ToUnixTimeMilliseconds());

            if (env is null) continue;
            var db = link.Multiplexer.GetDatabase();
            string? info = await db.StringGetAsync(RedisKeys.Info(id));
            for (var until = DateTime.UtcNow + Wait; info is null && DateTime.UtcNow < until; info = await db.StringGetAsync(RedisKeys.Info(id)))
                await Task.Delay(100);
            Assert.NotNull(info);
            using var entry = JsonDocument.Parse(info);
            Assert.Equal(listed, entry.RootElement.GetProperty("startedUnixMs").GetDouble());
        }
    }
}
