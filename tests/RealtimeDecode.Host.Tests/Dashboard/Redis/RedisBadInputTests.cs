using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR.Client;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Dashboard.Redis;
using RealtimeDecode.Host.Tests.Commands;
using RealtimeDecode.Host.Tests.Session;

namespace RealtimeDecode.Host.Tests.Dashboard.Redis;

/// <summary>
/// What a user can get wrong with Redis and sessions: a malformed connection string or an open serve host
/// without a token is one line and exit 2; an unknown session is 404; a remote request without the token
/// is 401 on a serve host too; Redis unreachable at start is one line and a session with its local dashboard.
/// </summary>
public sealed class RedisBadInputTests : IClassFixture<SmallSession>
{
    private readonly SmallSession _s;

    public RedisBadInputTests(SmallSession session) => _s = session;

    [Theory]
    [InlineData("127.0.0.1:6379,nosuchkey=1", "is not a Redis connection string")]
    [InlineData(",,,", "names no Redis server")]
    public void Serve_MalformedConnectionString_OneLineExit2(string connection, string problem)
    {
        var r = CliProcess.Run("serve", "--redis", connection);
        Assert.Equal(2, r.ExitCode);
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: --redis", lines[0], StringComparison.Ordinal);
        Assert.Contains(problem, lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_MalformedConnectionStringInConfig_OneLineExit2BeforeAnything()
    {
        string json = _s.Path("bad-redis.json");
        File.WriteAllText(json, """{ "Dashboard": { "Redis": "127.0.0.1:6379,abortConnect=maybe" } }""");
        string rec = _s.Path("rec");
        var r = CliProcess.Run("replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
            "--speed", "max", "--no-lsl", "--urls", "http://127.0.0.1:0", "--config", json, "--record", rec);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: Dashboard:Redis", line, StringComparison.Ordinal);
        Assert.Contains("bad-redis", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(rec));
    }

    [Theory]
    [InlineData("--session", "a b")]
    [InlineData("--session", "")]
    public void Replay_BadSessionId_OneLineExit2(string option, string value)
    {
        var r = CliProcess.Run("replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
            "--speed", "max", "--no-lsl", "--no-dashboard", option, value, "--record", _s.Path("rec"));
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("is not a session id", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_BeyondLoopbackWithoutToken_OneLineExit2()
    {
        var r = CliProcess.Run("serve", "--urls", "http://0.0.0.0:0", "--redis", "127.0.0.1:1");
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Dashboard:AccessToken", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_RedisUnreachableAtStart_OneLineThenTheWholeSessionLocally()
    {
        int closed;
        {
            var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            l.Start();
            closed = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
        }
        string json = _s.Path("redis.json");
        File.WriteAllText(json, $$"""{ "Dashboard": { "Redis": "127.0.0.1:{{closed}}" } }""");
        string rec = _s.Path("rec");
        var r = CliProcess.Run("replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
            "--speed", "max", "--no-lsl", "--urls", "http://127.0.0.1:0", "--config", json, "--record", rec);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Error}");
        var redisLines = r.Out.Split('\n').Where(l => l.StartsWith("redis:", StringComparison.Ordinal)).ToArray();
        Assert.Single(redisLines);
        Assert.Contains("unreachable", redisLines[0], StringComparison.Ordinal);
        Assert.Contains("dashboard: http://127.0.0.1:", r.Out, StringComparison.Ordinal);
        Assert.Equal(28, Recording.Estimates(rec).Count);
        Assert.True(Recording.Completed(rec));
    }

    private static async Task<DashboardServer> ServeAsync(RedisServer redis, DashboardOptions options, Action<WebApplication>? configure = null)
    {
        options.Urls = "http://127.0.0.1:0";
        options.Redis = redis.ConnectionString;
        var connection = await RedisConnection.ConnectAsync(RedisConnection.Parse(redis.ConnectionString, "test"));
        var server = DashboardServer.Create(options, configure: configure, redis: connection);
        await server.StartAsync();
        return server;
    }

    [Fact]
    public async Task Serve_UnknownSession_404OnPagesApiAndHub()
    {
        using var redis = new RedisServer();
        await using var server = await ServeAsync(redis, new DashboardOptions());
        var url = server.Addresses[0].TrimEnd('/');
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        foreach (var path in new[] { "/?session=nope", "/feedback?session=nope", "/api/session?session=nope", "/?session=%3Cscript%3E" })
        {
            var response = await http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
            Assert.Contains("unknown session", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync(DecoderHub.Path + "/negotiate?negotiateVersion=1&session=nope", null)).StatusCode);
        // No session published yet: the hub without ?session= has nothing to join either; / is the list.
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync(DecoderHub.Path + "/negotiate?negotiateVersion=1", null)).StatusCode);
        var list = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains("RealtimeDecode sessions", await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("[]", await http.GetStringAsync("/api/sessions"));

        var client = new HubConnectionBuilder().WithUrl(url + DecoderHub.Path + "?session=nope").Build();
        var e = await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.StartAsync());
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Serve_RemoteRequestWithoutToken_401WithTokenServed()
    {
        using var redis = new RedisServer();
        const string token = "fedcba9876543210";
        await using var server = await ServeAsync(redis, new DashboardOptions { AccessToken = token }, app => app.Use((ctx, next) =>
        {
            ctx.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.20");
            return next(ctx);
        }));
        using var http = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/sessions")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/?session=A")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync(DecoderHub.Path + "/negotiate?negotiateVersion=1&session=A", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/sessions?access_token=" + token)).StatusCode);
    }
}
