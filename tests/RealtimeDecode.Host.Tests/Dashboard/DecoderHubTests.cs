using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Tests.Dashboard.Support;

namespace RealtimeDecode.Host.Tests.Dashboard;

/// <summary>The hub on a real loopback port with SignalR clients: ordering, late joiners, stalled clients, the token gate.</summary>
public sealed class DecoderHubTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static async Task<(DashboardServer Server, string Url)> StartAsync(DashboardOptions? options = null, Action<WebApplication>? configure = null)
    {
        options ??= new DashboardOptions();
        options.Urls = "http://127.0.0.1:0";
        var server = DashboardServer.Create(options, configure: configure);
        await server.StartAsync();
        return (server, server.Addresses[0].TrimEnd('/'));
    }

    private static HubConnection Client(string url, string? token = null) =>
        new HubConnectionBuilder()
            .WithUrl(url + DecoderHub.Path, o => { if (token is not null) o.AccessTokenProvider = () => Task.FromResult<string?>(token); })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)
            .Build();

    private static int[] Decoded(FakeSession s, int from, int to) =>
        Enumerable.Range(from, to - from).Where(v => v >= s.Context.Window - 1 && !s.Missing.Contains(v)).ToArray();

    /// <summary>Collects estimate volumes and completes when <paramref name="last"/> arrives.</summary>
    private sealed class Recorder
    {
        private readonly int _last;
        public ConcurrentQueue<int> Volumes { get; } = new();
        public ConcurrentQueue<int> QcVolumes { get; } = new();
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Recorder(HubConnection c, int last)
        {
            _last = last;
            c.On<EstimateMessage>(DashboardEvents.Estimate, m =>
            {
                Volumes.Enqueue(m.Volume);
                if (m.Volume == _last) Done.TrySetResult();
            });
            c.On<QcMessage>(DashboardEvents.Qc, m => QcVolumes.Enqueue(m.Volume));
        }
    }

    [Fact]
    public async Task Estimates_FakeSessionOf200Frames_ArriveInOrderAtEveryClient()
    {
        var session = new FakeSession(rois: 60, targets: 8, volumes: 200, missing: [50, 51, 120]);
        // Frames are pushed far faster than a TR: the queue holds the whole session so nothing is dropped.
        var (server, url) = await StartAsync(new DashboardOptions { ClientQueue = 2048 });
        await using var _ = server;
        var expected = Decoded(session, 0, 200);
        var clients = new[] { Client(url), Client(url) };
        var recorders = clients.Select(c => new Recorder(c, expected[^1])).ToArray();
        foreach (var c in clients) await c.StartAsync();
        await WaitForAsync(() => server.Broadcaster.ClientCount == 2);

        var sink = new DashboardSink(server.Broadcaster, session.Context, new DashboardOptions());
        for (int v = 0; v < 200; v++) await sink.OnFrameAsync(session.Frame(v), CancellationToken.None);

        foreach (var r in recorders)
        {
            await r.Done.Task.WaitAsync(Wait);
            Assert.Equal(expected, r.Volumes.ToArray());
        }
        Assert.Equal(0, server.Broadcaster.DroppedMessages);
        foreach (var c in clients) await c.DisposeAsync();
    }

    [Fact]
    public async Task GetSession_LateJoinerWhilePublishing_BacklogThenLiveWithoutGapOrDuplicate()
    {
        var session = new FakeSession(rois: 40, targets: 4, volumes: 300, missing: [70]);
        var (server, url) = await StartAsync(new DashboardOptions { ClientQueue = 2048 });
        await using var _ = server;
        var sink = new DashboardSink(server.Broadcaster, session.Context, new DashboardOptions());
        for (int v = 0; v < 100; v++) await sink.OnFrameAsync(session.Frame(v), CancellationToken.None);

        var client = Client(url);
        var expected = Decoded(session, 0, 300);
        var recorder = new Recorder(client, expected[^1]);
        await client.StartAsync();
        // Publishing goes on while the client asks for the backlog.
        var publishing = Task.Run(async () =>
        {
            for (int v = 100; v < 300; v++) await sink.OnFrameAsync(session.Frame(v), CancellationToken.None);
            await sink.OnCompletedAsync(null, CancellationToken.None);
        });
        var snapshot = await client.InvokeAsync<SessionSnapshot>(nameof(DecoderHub.GetSession));
        await publishing;
        await recorder.Done.Task.WaitAsync(Wait);
        Assert.Equal(0, server.Broadcaster.DroppedMessages);

        var backlog = snapshot.Estimates.Select(e => e.Volume).ToArray();
        Assert.True(backlog.Length >= Decoded(session, 0, 100).Length);
        var live = recorder.Volumes.ToArray();
        Assert.True(live.Length > 0 && live[0] <= backlog[^1] + 1 + session.Context.Window, "live events start after a gap");
        // The client's rule: keep the backlog, then live events with a newer volume.
        var merged = backlog.Concat(live.Where(v => v > backlog[^1])).ToArray();
        Assert.Equal(expected, merged);
        Assert.Equal(live.Distinct().Count(), live.Length);
        Assert.Equal(Enumerable.Range(0, 100).ToArray(), snapshot.Qc.Select(q => q.Volume).Take(100).ToArray());
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Broadcaster_StalledClient_DoesNotDelayOthersOrSinkAndItsDropsAreCounted()
    {
        var session = new FakeSession(rois: 400, targets: 8, volumes: 200);
        // Every matrix is sent, so the stalled client's transport buffers fill and its queue overflows.
        var options = new DashboardOptions { ClientQueue = 16, MatrixIntervalMs = 0 };
        var (server, url) = await StartAsync(options);
        await using var _ = server;

        // A raw WebSocket client that completes the handshake and then never reads again.
        using var stalled = new ClientWebSocket();
        await stalled.ConnectAsync(new Uri(url.Replace("http://", "ws://") + DecoderHub.Path), CancellationToken.None);
        await stalled.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1024];
        await stalled.ReceiveAsync(buffer, CancellationToken.None);

        var fast = Client(url);
        var expected = Decoded(session, 0, 200);
        var recorder = new Recorder(fast, expected[^1]);
        await fast.StartAsync();
        await WaitForAsync(() => server.Broadcaster.ClientCount == 2);

        var sink = new DashboardSink(server.Broadcaster, session.Context, options);
        int synchronous = 0;
        for (int v = 0; v < 200; v++)
        {
            var pending = sink.OnFrameAsync(session.Frame(v), CancellationToken.None);
            if (pending.IsCompletedSuccessfully) synchronous++;
            await pending;
            // Paced by the fast client: it keeps up, so only the stalled client can fall behind.
            int volume = v;
            await WaitForAsync(() => recorder.QcVolumes.Contains(volume));
        }
        await recorder.Done.Task.WaitAsync(Wait);

        Assert.Equal(200, synchronous);
        Assert.Equal(expected, recorder.Volumes.ToArray());
        var drops = server.Broadcaster.DroppedByClient();
        Assert.Equal(0, drops[fast.ConnectionId!]);
        var stalledDrops = drops.Where(kv => kv.Key != fast.ConnectionId).Select(kv => kv.Value).Single();
        Assert.True(stalledDrops > 0, "the stalled client's queue never overflowed");
        Assert.Equal(stalledDrops, server.Broadcaster.DroppedMessages);
        await fast.DisposeAsync();
        stalled.Abort();
    }

    [Fact]
    public async Task AccessToken_RemoteRequest_RefusedWithoutTokenAcceptedWithIt()
    {
        const string token = "0123456789abcdef";
        var options = new DashboardOptions { AccessToken = token };
        var (server, url) = await StartAsync(options, app => app.Use((ctx, next) =>
        {
            ctx.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.10");
            return next(ctx);
        }));
        await using var _ = server;
        using var http = new HttpClient { BaseAddress = new Uri(url) };

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/feedback")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync(DecoderHub.Path + "/negotiate?negotiateVersion=1", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/?token=wrong")).StatusCode);

        var page = await http.GetAsync("/?token=" + token);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(page.Headers.GetValues("Set-Cookie"), c => c.StartsWith(AccessTokenMiddleware.CookieName + "=" + token, StringComparison.Ordinal));
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/api/session");
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(bearer)).StatusCode);

        var client = Client(url, token);
        await client.StartAsync();
        var snapshot = await client.InvokeAsync<SessionSnapshot>(nameof(DecoderHub.GetSession));
        Assert.Equal("starting", snapshot.Status.State);
        await client.DisposeAsync();

        var refused = Client(url);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => refused.StartAsync());
        await refused.DisposeAsync();
    }

    [Fact]
    public async Task AccessToken_LoopbackRequest_NeedsNoToken()
    {
        var (server, url) = await StartAsync(new DashboardOptions { AccessToken = "secret-token" });
        await using var _ = server;
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/feedback")).StatusCode);
    }

    [Theory]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://127.0.0.1:5080;http://192.0.2.10:5080")]
    [InlineData("http://*:5080")]
    public async Task Create_NonLoopbackUrlWithoutToken_GeneratesToken(string urls)
    {
        await using var server = DashboardServer.Create(new DashboardOptions { Urls = urls });
        Assert.NotNull(server.AccessToken);
        Assert.Matches("^[0-9a-f]{32}$", server.AccessToken);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("http://localhost:5080")]
    [InlineData("http://[::1]:5080")]
    public async Task Create_LoopbackUrl_NoToken(string urls)
    {
        await using var server = DashboardServer.Create(new DashboardOptions { Urls = urls });
        Assert.Null(server.AccessToken);
    }

    [Fact]
    public async Task Create_ConfiguredToken_IsKeptForRemoteUrls()
    {
        await using var server = DashboardServer.Create(new DashboardOptions { Urls = "http://0.0.0.0:5080", AccessToken = "mine" });
        Assert.Equal("mine", server.AccessToken);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(Wait);
        while (!condition())
        {
            cts.Token.ThrowIfCancellationRequested();
            await Task.Yield();
            await Task.Delay(1, cts.Token);
        }
    }
}
