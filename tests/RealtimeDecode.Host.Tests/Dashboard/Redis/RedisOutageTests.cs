using System.Diagnostics;
using System.Globalization;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Tests.Lsl;
using RealtimeDecode.Host.Tests.Session;
using RealtimeDecode.Lsl;

namespace RealtimeDecode.Host.Tests.Dashboard.Redis;

/// <summary>
/// Redis stopped in the middle of a session and started again 10 s later, with a decoder (LSL on) and two
/// <c>serve</c> hosts: the recording and LSL lose nothing; viewers connected through the outage, on the
/// decoder's host and on both serve hosts, end with the whole session in order; viewers that join during
/// the outage get what their host knows, then the rest.
/// </summary>
public sealed class RedisOutageTests : IClassFixture<SmallSession>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private readonly SmallSession _s;

    public RedisOutageTests(SmallSession session) => _s = session;

    [Fact]
    public async Task Session_RedisStoppedAndRestarted10sLater_NothingLostAnywhere()
    {
        using var redis = new RedisServer();
        var env = new Dictionary<string, string> { ["RTDECODE_Dashboard__Redis"] = redis.ConnectionString };
        using var serve1 = new CliHost(env, "serve", "--urls", "http://127.0.0.1:0");
        using var serve2 = new CliHost(env, "serve", "--urls", "http://127.0.0.1:0");

        string cfg = _s.Path("lsl_api.cfg");
        await File.WriteAllTextAsync(cfg, $"""
            [multicast]
            ResolveScope = machine
            ListenAddress = 127.0.0.1
            AddressesOverride = {"{"}127.0.0.1, 224.0.0.183, 239.255.172.215{"}"}
            TTLOverride = 0
            [lab]
            SessionID = rtd-redis-{Guid.NewGuid():N}
            [tuning]
            MulticastMinRTT = 0.1
            """);
        string name = LslTestSupport.UniqueName("RealtimeDecode");
        string json = _s.Path("config.json");
        await File.WriteAllTextAsync(json, System.Text.Json.JsonSerializer.Serialize(new
        {
            Lsl = new { Enabled = true, ApiConfig = cfg, Name = name, MarkersName = name + "-Markers" },
        }));
        string rec = _s.Path("rec");
        using var decoder = new CliHost(env, "replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
            "--speed", "2.5", "--urls", "http://127.0.0.1:0", "--keep-serving", "--session", "F", "--config", json, "--record", rec);
        var decoderUrl = await decoder.UrlAsync(Wait);
        var url1 = await serve1.UrlAsync(Wait);
        var url2 = await serve2.UrlAsync(Wait);

        var config = LslConfig.Load(cfg);
        IReadOnlyList<StreamInfo> found = [];
        using (var resolving = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            while (found.Count == 0 && !resolving.IsCancellationRequested)
                found = await StreamResolver.ResolveByPropertyAsync("name", name, 1, TimeSpan.FromSeconds(1), config, cancellationToken: resolving.Token);
        Assert.True(found.Count == 1, $"LSL stream {name} not resolved");
        await using var inlet = new StreamInlet(found[0], config, recover: false);
        await inlet.OpenAsync(LslTestSupport.Timeout());
        var samples = new List<float[]>();
        var pulling = Task.Run(async () =>
        {
            var sample = new float[found[0].ChannelCount];
            while (samples.Count < 28 && await inlet.PullSampleAsync(sample, TimeSpan.FromSeconds(20)) is not null) samples.Add((float[])sample.Clone());
        });

        await Sessions.WaitListedAsync(url1, ["F"], Wait);
        var through = new[] { new SessionViewer(decoderUrl, "F"), new SessionViewer(url1, "F"), new SessionViewer(url2, "F") };
        await Task.WhenAll(through.Select(v => v.StartAsync()));
        var clock = Stopwatch.StartNew();
        await Until(() => through[1].Estimates.Count >= 3, "three estimates on serve1 before the outage");

        redis.Stop();
        var stopped = clock.Elapsed;
        int atStop = through[0].Estimates.Count;
        // The decoder goes on: its own host's viewer sees new estimates while Redis is away.
        await Until(() => through[0].Estimates.Count >= atStop + 2, "estimates on the decoder's host during the outage");
        var during = new[] { new SessionViewer(url2, "F"), new SessionViewer(decoderUrl, "F") };
        await Task.WhenAll(during.Select(v => v.StartAsync()));
        int serve2Knew = during[0].Snapshot!.Estimates.Length;
        Assert.True(during[1].Snapshot!.Estimates.Length > serve2Knew, "the decoder's host knows more than serve2 during the outage");
        var remaining = TimeSpan.FromSeconds(10) - (clock.Elapsed - stopped);
        if (remaining > TimeSpan.Zero) await Task.Delay(remaining);
        redis.Start();

        var all = through.Concat(during).ToArray();
        await Task.WhenAll(all.Select(v => v.WaitEndedAsync(Wait)));
        await pulling.WaitAsync(Wait);

        var estimates = Recording.Estimates(rec);
        Assert.Equal(28, estimates.Count);
        Assert.All(Recording.Volumes(rec), v => Assert.Equal("ok", v.Status));
        var rows = estimates.Keys.Order().Select(v => estimates[v]).ToList();
        Assert.Equal(rows.Count, samples.Count);
        for (int i = 0; i < rows.Count; i++) Assert.Equal(rows[i].Select(x => (float)x), samples[i]);

        foreach (var v in all)
        {
            var got = v.Estimates;
            Assert.True(estimates.Keys.Order().SequenceEqual(got.Select(e => e.Volume)), $"viewer on {v.Host}: volumes {string.Join(",", got.Select(e => e.Volume))}");
            foreach (var e in got)
                for (int t = 0; t < e.Values.Length; t++) Assert.Equal(estimates[e.Volume][t], e.Values[t], 1e-6);
            var seqs = v.After.Select(m => m.Seq).ToArray();
            Assert.True(seqs.Zip(seqs.Skip(1)).All(p => p.Second > p.First), $"viewer on {v.Host}: live events out of order or repeated");
        }
        var latency = TsvTable.Read(Path.Combine(rec, "estimates.tsv"));
        int lc = latency.Column("latency_ms");
        var ms = latency.Rows.Select(r => double.Parse(r[lc], CultureInfo.InvariantCulture)).Order().ToArray();
        Console.WriteLine($"outage from {stopped.TotalSeconds:F1} s for 10 s; serve2 knew {serve2Knew} estimates when a viewer joined it; " +
            $"decoder latency p50 {ms[ms.Length / 2]:F1} ms, max {ms[^1]:F1} ms; {samples.Count} LSL samples");
        foreach (var v in all) await v.DisposeAsync();
    }

    private static async Task Until(Func<bool> condition, string what)
    {
        using var cts = new CancellationTokenSource(Wait);
        while (!condition())
        {
            if (cts.IsCancellationRequested) throw new TimeoutException(what);
            await Task.Delay(50);
        }
    }
}
