using System.Text.Json;
using RealtimeDecode.Host.Tests.Session;

namespace RealtimeDecode.Host.Tests.Dashboard.Redis;

/// <summary>
/// A decoder's own entry in its <c>/api/sessions</c>, with Redis and without: the time it started (Unix ms) and its
/// dashboard's address, the same facts in both.
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
}
