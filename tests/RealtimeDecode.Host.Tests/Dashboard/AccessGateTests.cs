using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using RealtimeDecode.Host.Dashboard;

namespace RealtimeDecode.Host.Tests.Dashboard;

/// <summary>
/// The dashboard's Host/Origin gate and connection limit on a real Kestrel loopback port, with real
/// clients: a foreign page's WebSocket and a DNS-rebound Host get 403, same-origin clients connect, and
/// the client past <see cref="DashboardOptions.MaxConnections"/> is refused with the reason.
/// </summary>
public sealed class AccessGateTests
{
    private static async Task<(DashboardServer Server, string Url, int Port)> StartAsync(DashboardOptions? options = null)
    {
        options ??= new DashboardOptions();
        options.Urls = "http://127.0.0.1:0";
        var server = DashboardServer.Create(options);
        await server.StartAsync();
        var url = server.Addresses[0].TrimEnd('/');
        return (server, url, new Uri(url).Port);
    }

    private static HubConnection Client(string url) =>
        new HubConnectionBuilder()
            .WithUrl(url + DecoderHub.Path)
            .AddJsonProtocol(o => o.PayloadSerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)
            .Build();

    /// <summary>A browser-like WebSocket straight to the hub (SignalR's skip-negotiation path), with the given Origin.</summary>
    private static async Task<(ClientWebSocket Socket, HttpStatusCode? Status, Exception? Error)> WebSocketAsync(int port, string? origin, string? host = null)
    {
        var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        if (origin is not null) ws.Options.SetRequestHeader("Origin", origin);
        if (host is not null) ws.Options.SetRequestHeader("Host", host);
        try
        {
            await ws.ConnectAsync(new Uri($"ws://127.0.0.1:{port}{DecoderHub.Path}"), CancellationToken.None);
            return (ws, ws.HttpStatusCode, null);
        }
        catch (WebSocketException e)
        {
            return (ws, ws.HttpStatusCode, e);
        }
    }

    [Fact]
    public async Task WebSocket_ForeignOrigin_Refused403()
    {
        var (server, _, port) = await StartAsync();
        await using var _s = server;
        var (ws, status, error) = await WebSocketAsync(port, "http://attacker.example");
        using var _w = ws;
        Assert.NotNull(error);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.NotEqual(WebSocketState.Open, ws.State);
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}")]
    [InlineData("http://localhost:{port}")]
    public async Task WebSocket_SameOrigin_Connects(string originTemplate)
    {
        var (server, _, port) = await StartAsync();
        await using var _s = server;
        var (ws, status, error) = await WebSocketAsync(port, originTemplate.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        using var _w = ws;
        Assert.Null(error);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, status);
        Assert.Equal(WebSocketState.Open, ws.State);
    }

    [Fact]
    public async Task WebSocket_LocalOriginOnAnotherPort_Refused403()
    {
        // another local web server (another origin) is a different site for the browser
        var (server, _, port) = await StartAsync();
        await using var _s = server;
        var (ws, status, _) = await WebSocketAsync(port, $"http://127.0.0.1:{(port == 65535 ? 1 : port + 1)}");
        using var _w = ws;
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/session")]
    [InlineData("/hubs/decoder/negotiate?negotiateVersion=1")]
    public async Task Http_ReboundHostName_Refused403(string path)
    {
        var (server, url, port) = await StartAsync();
        await using var _s = server;
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        using var request = new HttpRequestMessage(path.Contains("negotiate", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get, path);
        request.Headers.Host = $"rebind.attacker.example:{port}";
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("rebind.attacker.example", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var same = new HttpRequestMessage(HttpMethod.Get, "/");
        same.Headers.Host = $"localhost:{port}";
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(same)).StatusCode);
    }

    [Fact]
    public async Task WebSocket_ReboundHostName_Refused403()
    {
        var (server, _, port) = await StartAsync();
        await using var _s = server;
        var (ws, status, _) = await WebSocketAsync(port, $"http://rebind.attacker.example:{port}", $"rebind.attacker.example:{port}");
        using var _w = ws;
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task Http_ConfiguredAllowedHost_Served()
    {
        var (server, url, port) = await StartAsync(new DashboardOptions { AllowedHosts = "scanner-console.lab" });
        await using var _s = server;
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = $"scanner-console.lab:{port}";
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Hub_MoreClientsThanMaxConnections_ExtraRefused503WithReason()
    {
        var (server, url, port) = await StartAsync(new DashboardOptions { MaxConnections = 2 });
        await using var _s = server;
        var clients = new[] { Client(url), Client(url) };
        foreach (var c in clients) await c.StartAsync();
        // The hub registers a client once its handshake is answered, which may come just after StartAsync returns.
        using (var registered = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            while (server.Broadcaster.ClientCount < 2) await Task.Delay(10, registered.Token);
        Assert.Equal(2, server.Broadcaster.ClientCount);

        var third = Client(url);
        var e = await Assert.ThrowsAnyAsync<HttpRequestException>(() => third.StartAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
        await third.DisposeAsync();

        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var negotiate = await http.PostAsync(DecoderHub.Path + "/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, negotiate.StatusCode);
        Assert.Contains("connection limit reached (2 clients)", await negotiate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var (ws, status, _) = await WebSocketAsync(port, null);
        using var _w = ws;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);

        // a place freed is a place taken
        await clients[0].DisposeAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (server.Broadcaster.ClientCount > 1) await Task.Delay(10, cts.Token);
        var fourth = Client(url);
        await fourth.StartAsync();
        Assert.Equal(HubConnectionState.Connected, fourth.State);
        await fourth.DisposeAsync();
        await clients[1].DisposeAsync();
    }
}
