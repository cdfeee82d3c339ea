using System.Net;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Tests.Session;

namespace RealtimeDecode.Host.Tests.Dashboard.Redis;

/// <summary>
/// <c>?events=</c> on the hub URL, on the real CLI with a real redis-server: a viewer that takes estimates and
/// status gets every estimate of the session in order and no QC row or matrix, live or in <c>GetSession</c>,
/// on a serve host and on the decoder's own host; a viewer without the parameter still gets everything; a
/// name that is no event is a 400 with the reason.
/// </summary>
public sealed class HubEventFilterTests : IClassFixture<SmallSession>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly SmallSession _s;

    public HubEventFilterTests(SmallSession session) => _s = session;

    [Fact]
    public async Task Viewers_EventsEstimateStatus_GetEveryEstimateAndNoMatrixWhileOthersGetAll()
    {
        using var redis = new RedisServer();
        var env = new Dictionary<string, string> { ["RTDECODE_Dashboard__Redis"] = redis.ConnectionString };
        using var serve = new CliHost(env, "serve", "--urls", "http://127.0.0.1:0");
        string rec = _s.Path("rec");
        using var decoder = new CliHost(env, "replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
            "--speed", "2.5", "--no-lsl", "--urls", "http://127.0.0.1:0", "--keep-serving", "--session", "E", "--record", rec);
        var decoderUrl = await decoder.UrlAsync(Wait);
        var serveUrl = await serve.UrlAsync(Wait);

        using (var http = new HttpClient { BaseAddress = new Uri(serveUrl) })
        {
            foreach (var (query, reason) in new[] { ("events=estimate,matrix", "unknown event 'matrix'"), ("events=", "names no event") })
            {
                var response = await http.PostAsync($"{DecoderHub.Path}/negotiate?negotiateVersion=1&{query}", null);
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }

        await Sessions.WaitListedAsync(serveUrl, ["E"], Wait);
        var slim = new[] { new SessionViewer(serveUrl, "E", events: "estimate,status"), new SessionViewer(decoderUrl, "E", events: "estimate , status") };
        var full = new SessionViewer(serveUrl, "E");
        var all = slim.Append(full).ToArray();
        await Task.WhenAll(all.Select(v => v.StartAsync()));
        await Task.WhenAll(all.Select(v => v.WaitEndedAsync(Wait)));

        var expected = Recording.Estimates(rec);
        Assert.Equal(28, expected.Count);
        foreach (var v in all)
        {
            var got = v.Estimates;
            Assert.True(expected.Keys.Order().SequenceEqual(got.Select(e => e.Volume)), $"viewer on {v.Host}: volumes {string.Join(",", got.Select(e => e.Volume))}");
            foreach (var e in got)
                for (int t = 0; t < e.Values.Length; t++) Assert.Equal(expected[e.Volume][t], e.Values[t], 1e-6);
            var seqs = v.After.Select(m => m.Seq).ToArray();
            Assert.True(seqs.Zip(seqs.Skip(1)).All(p => p.Second > p.First), $"viewer on {v.Host}: live events out of order or repeated");
        }
        foreach (var v in slim)
        {
            Assert.All(v.Live, m => Assert.True(m is EstimateMessage or StatusMessage, $"viewer on {v.Host} was sent a {m.GetType().Name}"));
            Assert.Empty(v.Snapshot!.Qc);
            Assert.Null(v.Snapshot.Connectivity);
            // Joined while the session ran (its warm-up alone lasts 10 s at this speed): estimates and the end came live.
            Assert.Contains(v.Live, m => m is EstimateMessage);
            Assert.Contains(v.Live, m => m is StatusMessage { State: "ended" });
        }
        // Without ?events= a viewer takes every event, as before.
        Assert.Contains(full.Live, m => m is ConnectivityMessage);
        var qcVolumes = full.Snapshot!.Qc.Concat(full.After.OfType<QcMessage>()).Select(q => q.Volume).ToHashSet();
        Assert.True(Recording.Volumes(rec).All(r => qcVolumes.Contains(r.Volume)), "the full viewer lacks QC rows");
        foreach (var v in all) await v.DisposeAsync();
    }
}
