using System.Text.Json;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Dashboard.Redis;
using RealtimeDecode.Host.Tests.Session;

namespace RealtimeDecode.Host.Tests.Dashboard.Redis;

/// <summary>
/// Decoder processes on a real redis-server: one that is alive but has no event to publish for longer than
/// <see cref="SessionListing.StaleAfter"/> stays fresh (heartbeat); a second one given the same <c>--session</c> is
/// refused, naming the first; once the first is killed (SIGKILL) its session turns stale on a <c>serve</c> host's list
/// and for its viewers, and its id can be taken again, its new events reaching the host that followed the old ones.
/// </summary>
public sealed class SessionLivenessTests : IClassFixture<SmallSession>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly SmallSession _s;

    public SessionLivenessTests(SmallSession session) => _s = session;

    [Fact]
    public async Task Decoder_SameIdThenKilled_RefusedWhileLiveThenStaleThenTakenOver()
    {
        using var server = new RedisServer();
        var env = new Dictionary<string, string> { ["RTDECODE_Dashboard__Redis"] = server.ConnectionString };
        // Speed 0.1 at TR 2 s: a volume every 20 s, so between events only the heartbeat keeps the session fresh.
        string[] Decoder() => ["replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
            "--speed", "0.1", "--no-lsl", "--urls", "http://127.0.0.1:0", "--session", "scan1", "--record", _s.Path("rec")];
        using var serve = new CliHost(null, "serve", "--urls", "http://127.0.0.1:0", "--redis", server.ConnectionString);
        var host = await serve.UrlAsync(Wait);
        using var http = new HttpClient();

        var first = new CliHost(env, Decoder());
        SessionViewer viewer;
        try
        {
            var firstUrl = await first.UrlAsync(Wait);
            await Sessions.WaitListedAsync(host, ["scan1"], Wait);
            using (var second = new CliHost(env, Decoder()))
            {
                Assert.Equal(2, await second.WaitForExitAsync(Wait));
                Assert.Contains("--session scan1: already live in Redis", second.Output, StringComparison.Ordinal);
                Assert.Contains(firstUrl, second.Output, StringComparison.Ordinal);
            }
            viewer = new SessionViewer(host, "scan1");
            await viewer.StartAsync();
            await Task.Delay(SessionListing.StaleAfter + TimeSpan.FromSeconds(3)); // real processes: longer than the silence allowed
            Assert.False((await Listing(http, host))!.Value.GetProperty("stale").GetBoolean(), "alive decoder listed as stale");
            Assert.DoesNotContain(viewer.Live.OfType<StatusMessage>(), m => m.State == "stale");
        }
        finally
        {
            first.Dispose(); // SIGKILL: no final status
        }

        await Until(async () => await Listing(http, host) is { } l && l.GetProperty("stale").GetBoolean(), "the killed decoder's session listed as stale");
        await Until(() => Task.FromResult(viewer.Live.OfType<StatusMessage>().Any(m => m.State == "stale")), "its viewer told");
        Assert.StartsWith("no news from the decoder since ", viewer.Live.OfType<StatusMessage>().First(m => m.State == "stale").Message, StringComparison.Ordinal);
        long oldLast = Math.Max(viewer.Snapshot!.Seq, viewer.Live.Max(m => m.Seq));
        await viewer.DisposeAsync();

        using var third = new CliHost(env, Decoder());
        await third.WaitForAsync(@"^redis: session scan1 was used before \(no news since .*\); this session replaces it there", Wait);
        // Between the old entry's removal and the new decoder's first write, the session is not listed.
        await Until(async () => await Listing(http, host) is { } l && !l.GetProperty("stale").GetBoolean(),
            "the new decoder's session listed fresh");
        // The serve host still follows the old stream: the new session's events are numbered on, so it takes them.
        await using var again = new SessionViewer(host, "scan1");
        await again.StartAsync();
        await Until(() => Task.FromResult(Math.Max(again.Snapshot!.Seq, again.Live.Select(m => m.Seq).DefaultIfEmpty().Max()) > oldLast),
            "the new decoder's events on the host that followed the old one");
    }

    /// <summary>Session scan1 as the host lists it, or null while it is not listed.</summary>
    private static async Task<JsonElement?> Listing(HttpClient http, string host)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync(host + "/api/sessions"));
        foreach (var s in doc.RootElement.EnumerateArray())
            if (s.GetProperty("session").GetString() == "scan1") return s.Clone();
        return null;
    }

    private static async Task Until(Func<Task<bool>> done, string what)
    {
        using var cts = new CancellationTokenSource(Wait);
        while (!await done())
        {
            if (cts.IsCancellationRequested) throw new TimeoutException(what);
            await Task.Delay(200);
        }
    }
}
