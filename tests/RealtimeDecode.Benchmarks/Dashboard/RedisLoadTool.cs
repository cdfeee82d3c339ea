using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;
using RealtimeDecode.Benchmarks.Pipeline;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Dashboard.Redis;
using RealtimeDecode.Host.Session;

namespace RealtimeDecode.Benchmarks.Dashboard;

/// <summary>
/// Console mode <c>-- redis-load</c>: the real pipeline at the published scale, paced at <c>--speed</c>
/// (default 10), publishing through a redis-server started here to two <c>realtime-decode serve</c>
/// processes, with <c>--clients</c> SignalR clients (default 200) spread over them, each joined to the
/// session. Reports whether every client got every estimate, publish → client latency (the estimate's
/// <c>sentUnixMs</c>, stamped at publication, to its arrival at the client: same machine, same clock) and
/// the decoder's own latency with Redis against the same run without Redis (before and after).
/// Options: <c>--volumes N</c> (default 150), <c>--speed S</c>, <c>--clients N</c>.
/// </summary>
public static class RedisLoadTool
{
    public static async Task<int> RunAsync(string[] args)
    {
        int volumes = Int(args, "--volumes", 150);
        int clients = Int(args, "--clients", 200);
        double speed = double.Parse(Arg(args, "--speed") ?? "10", CultureInfo.InvariantCulture);
        Console.WriteLine($"processors {Environment.ProcessorCount}, {LatencyTool.Load()}");
        using var fixture = new PipelineFixture(PipelineScale.Published);
        await LatencyTool.RunAsync(fixture, 20, speed, null); // JIT and page cache

        var before = await DecoderAsync(fixture, volumes, speed, null);
        Console.WriteLine($"no Redis (before): {before.Describe()}; {LatencyTool.Load()}");

        int port = FreePort();
        using var redis = Start("redis-server", "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no");
        await Task.Delay(500);
        string cs = $"127.0.0.1:{port}";
        string dll = Path.Combine(AppContext.BaseDirectory, "realtime-decode.dll");
        using var serve1 = Start("dotnet", dll, "serve", "--urls", "http://127.0.0.1:0", "--redis", cs);
        using var serve2 = Start("dotnet", dll, "serve", "--urls", "http://127.0.0.1:0", "--redis", cs);
        var hosts = new[] { await UrlAsync(serve1), await UrlAsync(serve2) };

        var with = await DecoderAsync(fixture, volumes, speed, (cs, hosts, clients));
        Console.WriteLine($"Redis, {clients} clients on 2 serve hosts: {with.Describe()}; {LatencyTool.Load()}");

        var after = await DecoderAsync(fixture, volumes, speed, null);
        Console.WriteLine($"no Redis (after): {after.Describe()}; {LatencyTool.Load()}");
        double baseline = Math.Max(before.Summary.LatencyP99Ms, after.Summary.LatencyP99Ms);
        Console.WriteLine(FormattableString.Invariant(
            $"decoder p99 with Redis / without: {with.Summary.LatencyP99Ms:F2} / {before.Summary.LatencyP99Ms:F2} and {after.Summary.LatencyP99Ms:F2} ms ({100 * (with.Summary.LatencyP99Ms / baseline - 1):+0;-0} % of the larger)"));
        return 0;
    }

    private static async Task<LatencyTool.RunResult> DecoderAsync(PipelineFixture fixture, int volumes, double speed, (string Redis, string[] Hosts, int Clients)? load)
    {
        var options = new DashboardOptions { Urls = "http://127.0.0.1:0", Redis = load?.Redis };
        RedisConnection? redis = load is { } l ? await RedisConnection.ConnectAsync(RedisConnection.Parse(l.Redis, "--redis")) : null;
        string session = "bench-" + Guid.NewGuid().ToString("N")[..8];
        await using var server = DashboardServer.Create(options, redis: redis, sessionId: session);
        await server.StartAsync();
        var networks = Enumerable.Range(0, fixture.Rois).Select(i => $"net{i % 8}").ToArray();
        var context = new SessionContext("bench", "ridge", new string('0', 64), "atlas.nii.gz", PipelineFixture.TargetNames, fixture.RepetitionTime, 13,
            Enumerable.Range(0, fixture.Rois).Select(i => $"{networks[i]}_{i}").ToArray(), networks, volumes, fixture.Package.Model);
        var sink = new DashboardSink(server.Broadcaster, context, options, TimeProvider.System);
        RedisSessionPublisher? publisher = redis is null ? null : new RedisSessionPublisher(server.Broadcaster, redis, options, null);
        var connections = new List<HubConnection>();
        var received = new long[load?.Clients ?? 0];
        var latencies = new ConcurrentBag<double>();
        try
        {
            if (load is { } ld)
            {
                using var http = new HttpClient();
                for (int i = 0; i < 200 && !(await http.GetStringAsync(ld.Hosts[0] + "/api/sessions")).Contains(session, StringComparison.Ordinal); i++)
                    await Task.Delay(50);
                for (int c = 0; c < ld.Clients; c++)
                {
                    int k = c;
                    var conn = new HubConnectionBuilder().WithUrl(ld.Hosts[c % ld.Hosts.Length] + DecoderHub.Path + "?session=" + session).Build();
                    conn.On<JsonElement>(DashboardEvents.Estimate, e =>
                    {
                        double now = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).TotalMilliseconds;
                        latencies.Add(now - e.GetProperty("sentUnixMs").GetDouble());
                        Interlocked.Increment(ref received[k]);
                    });
                    conn.On<JsonElement>(DashboardEvents.Connectivity, _ => { });
                    conn.On<JsonElement>(DashboardEvents.Qc, _ => { });
                    conn.On<JsonElement>(DashboardEvents.Status, _ => { });
                    await conn.StartAsync();
                    connections.Add(conn);
                }
            }
            var r = await LatencyTool.RunAsync(fixture, volumes, speed, sink);
            if (load is null) return r;
            for (int i = 0; i < 300 && received.Min() < r.Estimates; i++) await Task.Delay(100);
            var ms = latencies.Order().ToArray();
            return r with
            {
                Extra = FormattableString.Invariant(
                    $"{received.Count(n => n == r.Estimates)} of {received.Length} clients got all {r.Estimates} estimates (min {received.Min()}, max {received.Max()}); publish → client median {LatencyTool.Percentile(ms, 50):F1} / p99 {LatencyTool.Percentile(ms, 99):F1} / max {ms[^1]:F1} ms over {ms.Length} deliveries; Redis publications dropped {publisher!.Dropped}"),
            };
        }
        finally
        {
            foreach (var c in connections) await c.DisposeAsync();
            if (publisher is not null) { await publisher.FlushAsync(TimeSpan.FromSeconds(5)); await publisher.DisposeAsync(); }
            if (redis is not null) await redis.DisposeAsync();
        }
    }

    private static async Task<string> UrlAsync(Process p)
    {
        while (await p.StandardOutput.ReadLineAsync() is { } line)
            if (Regex.Match(line, @"^serving: (http://[0-9.:]+)") is { Success: true } m) return m.Groups[1].Value;
        throw new InvalidOperationException("serve exited: " + await p.StandardError.ReadToEndAsync());
    }

    private sealed class Child(Process p) : IDisposable
    {
        public Process Process { get; } = p;
        public void Dispose() { try { Process.Kill(entireProcessTree: true); Process.WaitForExit(); } catch (InvalidOperationException) { } Process.Dispose(); }
        public static implicit operator Process(Child c) => c.Process;
    }

    private static Child Start(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return new Child(Process.Start(psi)!);
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int Int(string[] args, string name, int fallback) => Arg(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
