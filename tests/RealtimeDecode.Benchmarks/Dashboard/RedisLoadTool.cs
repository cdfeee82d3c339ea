using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using RealtimeDecode.Benchmarks.Pipeline;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Dashboard.Redis;
using RealtimeDecode.Host.Session;

namespace RealtimeDecode.Benchmarks.Dashboard;

/// <summary>
/// Console mode <c>-- redis-load</c>: the real pipeline at the published scale, paced at <c>--speed</c>
/// (default 10), publishing through a redis-server started here to two <c>realtime-decode serve</c>
/// processes, with <c>--clients</c> SignalR clients (default 200) spread over them in a process of their own
/// (<see cref="RedisLoadClients"/>), each joined to the session. Two variants, each on a session of its own:
/// full dashboards (every event, 400-ROI matrices included) and viewers that take <c>estimate,status</c> only;
/// <c>--events all</c> or <c>--events LIST</c> runs one. Reports, per variant, how many clients got every
/// estimate in order, publish → client latency (the estimate's <c>sentUnixMs</c>, stamped at publication, to
/// its arrival at the client) and the decoder's own latency against the same run without Redis (before and
/// after). The viewers' process joins one session after another. Before the variants, a 40-volume session through
/// both hosts, every event to every client, warms the hosts and the viewers (not judged: a long-running serve host's
/// and an open viewer's first events meet code not yet compiled). Options: <c>--volumes N</c> (default 150),
/// <c>--speed S</c>, <c>--clients N</c>, <c>--events</c>.
/// </summary>
public static class RedisLoadTool
{
    private const string Slim = "estimate,status";

    /// <summary>Volumes of the session that warms the hosts and the viewers before the judged ones.</summary>
    private const int WarmVolumes = 40;

    public static async Task<int> RunAsync(string[] args)
    {
        int volumes = Int(args, "--volumes", 150);
        int clients = Int(args, "--clients", 200);
        double speed = double.Parse(Arg(args, "--speed") ?? "10", CultureInfo.InvariantCulture);
        string[] variants = Arg(args, "--events") is { } ev ? [ev] : ["all", Slim];
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"processors {Environment.ProcessorCount}, {LatencyTool.Load()}");
        using var fixture = new PipelineFixture(PipelineScale.Published);
        await LatencyTool.RunAsync(fixture, 20, speed, null); // JIT and page cache

        var before = await DecoderAsync(fixture, volumes, speed, null);
        Console.WriteLine($"no Redis (before): {before.Describe()}; {LatencyTool.Load()}");

        int port = FreePort();
        using var redis = Child.Start("redis-server", "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no");
        await Task.Delay(500);
        string cs = $"127.0.0.1:{port}";
        string dll = Path.Combine(AppContext.BaseDirectory, "realtime-decode.dll");
        using var serve1 = Child.Start("dotnet", dll, "serve", "--urls", "http://127.0.0.1:0", "--redis", cs);
        using var serve2 = Child.Start("dotnet", dll, "serve", "--urls", "http://127.0.0.1:0", "--redis", cs);
        var hosts = new[] { await UrlAsync(serve1), await UrlAsync(serve2) };
        // The viewers' process joins one session after another, as viewers left open do.
        using var viewers = Child.StartSelf(["redis-load-clients", "--hosts", string.Join(",", hosts), "--clients", clients.ToString(CultureInfo.InvariantCulture)]);
        await viewers.LineAsync("started");
        // A serve host runs for days, and viewers stay open; their first session's first events meet code not yet
        // compiled. Like the decoder's run above, one short session through both hosts, every event to every client,
        // comes first.
        var warm = await DecoderAsync(fixture, WarmVolumes, speed, (cs, hosts, viewers, null));
        Console.WriteLine($"warm-up through Redis ({WarmVolumes} volumes, not judged): {warm.Describe()}; {LatencyTool.Load()}");

        var with = new List<(string Variant, LatencyTool.RunResult Result)>();
        foreach (var variant in variants)
        {
            var r = await DecoderAsync(fixture, volumes, speed, (cs, hosts, viewers, variant == "all" ? null : variant));
            with.Add((variant, r));
            Console.WriteLine($"Redis, {clients} clients ({(variant == "all" ? "full dashboards, every event" : "?events=" + variant)}) on 2 serve hosts: {r.Describe()}; {LatencyTool.Load()}");
        }

        var after = await DecoderAsync(fixture, volumes, speed, null);
        Console.WriteLine($"no Redis (after): {after.Describe()}; {LatencyTool.Load()}");
        double baseline = Math.Max(before.Summary.LatencyP99Ms, after.Summary.LatencyP99Ms);
        foreach (var (variant, r) in with)
            Console.WriteLine(FormattableString.Invariant(
                $"decoder p99 with Redis ({variant}) / without: {r.Summary.LatencyP99Ms:F2} / {before.Summary.LatencyP99Ms:F2} and {after.Summary.LatencyP99Ms:F2} ms ({100 * (r.Summary.LatencyP99Ms / baseline - 1):+0;-0} % of the larger)"));
        Console.WriteLine(FormattableString.Invariant($"took {clock.Elapsed.TotalSeconds:F0} s; {LatencyTool.Load()}"));
        return 0;
    }

    private static async Task<LatencyTool.RunResult> DecoderAsync(PipelineFixture fixture, int volumes, double speed,
        (string Redis, string[] Hosts, Child Viewers, string? Events)? load)
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
        Child? viewers = null;
        try
        {
            if (load is { } ld)
            {
                // The session is listed once its first status is in Redis.
                server.Broadcaster.Publish(new StatusMessage("starting", null, 0, 0, 0, null));
                viewers = ld.Viewers;
                using var http = new HttpClient();
                for (int i = 0; i < 200 && !(await http.GetStringAsync(ld.Hosts[0] + "/api/sessions")).Contains(session, StringComparison.Ordinal); i++)
                    await Task.Delay(50);
                await viewers.Process.StandardInput.WriteLineAsync($"join {session}" + (ld.Events is { } ev ? " " + ev : ""));
                await viewers.Process.StandardInput.FlushAsync();
                await viewers.LineAsync("ready");
            }
            var r = await LatencyTool.RunAsync(fixture, volumes, speed, sink);
            if (viewers is null) return r;
            await viewers.Process.StandardInput.WriteLineAsync($"expect {r.Estimates}");
            await viewers.Process.StandardInput.FlushAsync();
            var report = JsonSerializer.Deserialize<RedisLoadClients.Report>(await viewers.LineAsync("result: "))!;
            var ms = report.Clients.SelectMany(c => c.LatenciesMs).Order().ToArray();
            var whole = report.Clients.Count(c => c.Estimates == r.Estimates && c.InOrder);
            var perHost = string.Join(", ", report.Clients.GroupBy(c => c.Host).Select(g => FormattableString.Invariant(
                $"{g.Key}: {g.Count(c => c.Estimates == r.Estimates && c.InOrder)}/{g.Count()}")));
            return r with
            {
                Extra = FormattableString.Invariant(
                    $"{whole} of {report.Clients.Length} clients got all {r.Estimates} estimates in order ({perHost}; min {report.Clients.Min(c => c.Estimates)}, out of order {report.Clients.Count(c => !c.InOrder)}, closed {report.Clients.Count(c => c.Closed)}); ")
                    + (ms.Length == 0 ? "no live estimate delivered" : FormattableString.Invariant(
                        $"publish → client median {LatencyTool.Percentile(ms, 50):F1} / p99 {LatencyTool.Percentile(ms, 99):F1} / max {ms[^1]:F1} ms over {ms.Length} deliveries"))
                    + Slowest(report)
                    + FormattableString.Invariant($"; Redis publications dropped {publisher!.Dropped}")
                    + FormattableString.Invariant($"; clients' process: GC pauses {report.GcPauseMs:F0} ms (longest {report.LongestGcPauseMs:F0}), {report.Gen2Collections} gen-2"),
            };
        }
        finally
        {
            if (publisher is not null) { await publisher.FlushAsync(TimeSpan.FromSeconds(5)); await publisher.DisposeAsync(); }
            if (redis is not null) await redis.DisposeAsync();
        }
    }

    /// <summary>
    /// The three live estimates slowest to reach the clients, by their median over the clients: with 200 clients, the
    /// top 1 % of deliveries is about one estimate's, so a p99 over the run tells whether one moment held every client.
    /// </summary>
    private static string Slowest(RedisLoadClients.Report report)
    {
        int n = report.Clients.Max(c => c.LatenciesMs.Length);
        var worst = Enumerable.Range(0, n)
            .Select(i => (Index: i, Ms: report.Clients.Where(c => c.LatenciesMs.Length > i).Select(c => c.LatenciesMs[i]).Order().ToArray()))
            .Select(x => (x.Index, Median: LatencyTool.Percentile(x.Ms, 50), Min: x.Ms[0], Max: x.Ms[^1]))
            .OrderByDescending(x => x.Median).Take(3);
        return "; slowest live estimates (index: median over clients, min–max) "
            + string.Join(", ", worst.Select(w => FormattableString.Invariant($"{w.Index}: {w.Median:F0} ms ({w.Min:F0}–{w.Max:F0}; by host {ByHost(w.Index)})")));

        string ByHost(int i) => string.Join(" / ", report.Clients.GroupBy(c => c.Host).Select(g => FormattableString.Invariant(
            $"{LatencyTool.Percentile(g.Where(c => c.LatenciesMs.Length > i).Select(c => c.LatenciesMs[i]).Order().ToArray(), 50):F0}")));
    }

    private static async Task<string> UrlAsync(Process p)
    {
        while (await p.StandardOutput.ReadLineAsync() is { } line)
            if (Regex.Match(line, @"^serving: (http://[0-9.:]+)") is { Success: true } m) return m.Groups[1].Value;
        throw new InvalidOperationException("serve exited: " + await p.StandardError.ReadToEndAsync());
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
