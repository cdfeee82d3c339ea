using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Tests.Session;

namespace RealtimeDecode.Host.Tests.Dashboard.Redis;

/// <summary>
/// Two decoder processes (sessions A and B) and two <c>serve</c> processes on one real redis-server: a
/// viewer of either session on any of the four hosts gets every estimate of its session, in order, equal to
/// that decoder's recording, and nothing of the other session.
/// </summary>
public sealed class MultiHostSessionTests : IClassFixture<SmallSession>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly SmallSession _s;

    public MultiHostSessionTests(SmallSession session) => _s = session;

    [Fact]
    public async Task Viewers_TwoSessionsFourHosts_EachGetsItsWholeSessionInOrderAndNothingElse()
    {
        using var redis = new RedisServer();
        var env = new Dictionary<string, string> { ["RTDECODE_Dashboard__Redis"] = redis.ConnectionString };
        using var serve1 = new CliHost(env, "serve", "--urls", "http://127.0.0.1:0");
        using var serve2 = new CliHost(null, "serve", "--urls", "http://127.0.0.1:0", "--redis", redis.ConnectionString);
        var recA = _s.Path("recA");
        var recB = _s.Path("recB");
        string[] Decoder(string session, string run, string rec) =>
            ["replay", "--run", run, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model, "--speed", "10",
             "--no-lsl", "--urls", "http://127.0.0.1:0", "--keep-serving", "--session", session, "--record", rec];
        using var decoderA = new CliHost(env, Decoder("A", _s.Run2, recA));
        using var decoderB = new CliHost(env, Decoder("B", _s.Run1, recB));

        var hosts = new[]
        {
            await decoderA.UrlAsync(Wait), await decoderB.UrlAsync(Wait), await serve1.UrlAsync(Wait), await serve2.UrlAsync(Wait),
        };
        // Both sessions are listed (published) before the viewers ask for them by name.
        await Sessions.WaitListedAsync(hosts[2], ["A", "B"], Wait);

        var viewers = new List<(string Session, SessionViewer Viewer)>();
        foreach (var host in hosts)
            foreach (var session in new[] { "A", "B" })
                viewers.Add((session, new SessionViewer(host, session)));
        await Task.WhenAll(viewers.Select(v => v.Viewer.StartAsync()));
        await Task.WhenAll(viewers.Select(v => v.Viewer.WaitEndedAsync(Wait)));

        var expected = new Dictionary<string, Dictionary<int, double[]>> { ["A"] = Recording.Estimates(recA), ["B"] = Recording.Estimates(recB) };
        Assert.Equal(28, expected["A"].Count);
        Assert.Equal(28, expected["B"].Count);
        Assert.Equal("A", Recording.SessionId(recA));
        Assert.Equal("B", Recording.SessionId(recB));
        foreach (var (session, v) in viewers)
        {
            string who = $"viewer of {session} on {v.Host}";
            Assert.Equal(new HashSet<string?> { session }, v.SessionsSeen());
            var estimates = v.Estimates;
            var rows = expected[session];
            Assert.True(rows.Keys.Order().SequenceEqual(estimates.Select(e => e.Volume)), $"{who}: volumes {string.Join(",", estimates.Select(e => e.Volume))}");
            foreach (var e in estimates)
                for (int t = 0; t < e.Values.Length; t++)
                    Assert.Equal(rows[e.Volume][t], e.Values[t], 1e-6);
            var seqs = v.After.Select(m => m.Seq).ToArray();
            Assert.True(seqs.Zip(seqs.Skip(1)).All(p => p.Second > p.First), $"{who}: live events out of order or repeated");
            Assert.True(estimates.Select(e => e.Seq).Distinct().Count() == estimates.Count, $"{who}: an estimate twice");
        }
        foreach (var (_, v) in viewers) await v.DisposeAsync();
        Console.WriteLine($"{viewers.Count} viewers on 4 hosts: every estimate of their session, in order");
    }
}
