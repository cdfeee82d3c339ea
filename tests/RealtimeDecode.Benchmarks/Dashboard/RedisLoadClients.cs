using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using RealtimeDecode.Host.Dashboard;

namespace RealtimeDecode.Benchmarks.Dashboard;

/// <summary>
/// Console mode <c>-- redis-load-clients</c>, the viewers of <see cref="RedisLoadTool"/> in a process of their own
/// (so the decoder's process only decodes). Prints <c>started</c>, then for each line <c>join ID [EVENTS]</c> on
/// stdin: <c>--clients N</c> SignalR clients spread round-robin over <c>--hosts URL,URL</c>, each joined to session
/// ID as the README's hub protocol says (handlers, start, <c>GetSession</c>, then live events with a larger
/// <c>seq</c>), taking every event (each payload read through by the JSON parser) or only EVENTS. Prints
/// <c>ready</c> once all are connected, then waits for a line <c>expect N</c> (the decoder's estimate count) and,
/// once every client has N estimates or 30 s have passed, prints one line <c>result: JSON</c> (<see cref="Report"/>)
/// and closes the session's clients: per client its host, the estimates it got,
/// whether all its live events came in increasing <c>seq</c> and its estimates in increasing volume, whether its
/// connection closed, and each live estimate's publish → client latency (arrival minus the estimate's
/// <c>sentUnixMs</c>, stamped at publication; same machine, same clock), ms.
/// </summary>
public static class RedisLoadClients
{
    /// <summary>What one client saw.</summary>
    public sealed record ClientReport(string Host, int Estimates, bool InOrder, bool Closed, double[] LatenciesMs);

    /// <summary>What the clients process reports: each client, and the process's own garbage collections over the run
    /// (total pause, ms, and gen-2 count), which delay every client it holds.</summary>
    public sealed record Report(ClientReport[] Clients, double GcPauseMs = 0, int Gen2Collections = 0, double LongestGcPauseMs = 0);

    public static async Task<int> RunAsync(string[] args)
    {
        var hosts = (Arg(args, "--hosts") ?? throw new ArgumentException("--hosts URL,URL is required")).Split(',');
        int count = int.Parse(Arg(args, "--clients") ?? "200", CultureInfo.InvariantCulture);
        Console.WriteLine("started");
        // One session after another, as viewers left open: the process's code is warm for every session after the first.
        while (await Console.In.ReadLineAsync() is { } join && join.StartsWith("join ", StringComparison.Ordinal))
        {
            var parts = join.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string session = parts[1];
            string? events = parts.Length > 2 ? parts[2] : null;
            await ViewAsync(hosts, session, events, count);
        }
        return 0;
    }

    private static async Task ViewAsync(string[] hosts, string session, string? events, int count)
    {
        var clients = Enumerable.Range(0, count).Select(i => new Viewer(hosts[i % hosts.Length], session, events)).ToArray();
        // Connect in small batches: 200 handshakes at once would time out on a busy 2-core machine.
        foreach (var batch in clients.Chunk(20)) await Task.WhenAll(batch.Select(c => c.StartAsync()));
        Console.WriteLine("ready");
        var pauseBefore = GC.GetTotalPauseDuration();
        int gen2Before = GC.CollectionCount(2);
        using var pauses = new LongestPause();

        var line = await Console.In.ReadLineAsync();
        int expect = line is not null && line.StartsWith("expect ", StringComparison.Ordinal) ? int.Parse(line[7..], CultureInfo.InvariantCulture) : 0;
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            while (clients.Any(c => c.Estimates < expect && !c.Closed) && !wait.IsCancellationRequested)
                await Task.Delay(100);
        var report = new Report(clients.Select(c => c.Report()).ToArray(), (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds,
 GC.CollectionCount(2) - gen2Before, pauses.LongestMs);
        Console.WriteLine("result: " + JsonSerializer.Serialize(report));
        await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
    }

    /// <summary>The longest pause of the collections seen while it lives: each collection's pauses, read every 20 ms.</summary>
    private sealed class LongestPause : IDisposable
    {
        private readonly Timer _timer;
        private long _index = GC.GetGCMemoryInfo(GCKind.Any).Index;
        private double _longest;

        public LongestPause() => _timer = new Timer(_ => Poll(), null, 0, 20);

        public double LongestMs { get { lock (_timer) { Poll(); return _longest; } } }

        private void Poll()
        {
            lock (_timer)
            {
                var info = GC.GetGCMemoryInfo(GCKind.Any);
                if (info.Index == _index) return;
                _index = info.Index;
                foreach (var p in info.PauseDurations) _longest = Math.Max(_longest, p.TotalMilliseconds);
            }
        }

        public void Dispose() => _timer.Dispose();
    }

    /// <summary>An event's sequence number, all that a viewer keeps of events other than estimates.</summary>
    private sealed record Sequenced(long Seq);

    private sealed class Viewer : IAsyncDisposable
    {
        private readonly HubConnection _connection;
        private readonly object _gate = new();
        private readonly List<double> _latencies = [];
        private long _snapshotSeq = -1, _lastSeq, _lastVolume = -1;
        private int _estimates;
        private bool _inOrder = true;
        private List<(long Seq, JsonElement? Estimate, double ArrivedMs)>? _pending = [];

        public Viewer(string host, string session, string? events)
        {
            Host = host;
            _connection = new HubConnectionBuilder()
                .WithUrl(host + DecoderHub.Path + "?session=" + Uri.EscapeDataString(session) + (events is null ? "" : "&events=" + Uri.EscapeDataString(events)))
                .Build();
            _connection.ServerTimeout = TimeSpan.FromSeconds(60);
            _connection.On<JsonElement>(DashboardEvents.Estimate, e => Live(e.GetProperty("seq").GetInt64(), e));
            // Every other event is read through by the JSON parser, which keeps its sequence number alone: a copy of each
            // 110 kB matrix per client would be a large object, and 200 viewers' copies in one process would have it
            // collect its oldest generation every half second, delaying every viewer it holds.
            foreach (var name in new[] { DashboardEvents.Qc, DashboardEvents.Connectivity, DashboardEvents.Status })
                _connection.On<Sequenced>(name, e => Live(e.Seq, null));
            _connection.Closed += _ => { Closed = true; return Task.CompletedTask; };
        }

        public string Host { get; }
        public bool Closed { get; private set; }
        public int Estimates { get { lock (_gate) return _estimates; } }

        public async Task StartAsync()
        {
            await _connection.StartAsync();
            var snap = await _connection.InvokeAsync<JsonElement>(nameof(DecoderHub.GetSession));
            lock (_gate)
            {
                _snapshotSeq = _lastSeq = snap.GetProperty("seq").GetInt64();
                foreach (var e in snap.GetProperty("estimates").EnumerateArray()) Take(e, null);
                foreach (var (seq, e, at) in _pending!) Apply(seq, e, at);
                _pending = null;
            }
        }

        private void Live(long seq, JsonElement? estimate)
        {
            double now = NowMs();
            lock (_gate)
            {
                if (_pending is not null) _pending.Add((seq, estimate, now));
                else Apply(seq, estimate, now);
            }
        }

        private void Apply(long seq, JsonElement? estimate, double arrivedMs)
        {
            if (seq <= _snapshotSeq) return; // already in the snapshot
            if (seq <= _lastSeq) _inOrder = false;
            _lastSeq = Math.Max(_lastSeq, seq);
            if (estimate is { } e) Take(e, arrivedMs);
        }

        private void Take(JsonElement e, double? arrivedMs)
        {
            int volume = e.GetProperty("volume").GetInt32();
            if (volume <= _lastVolume) _inOrder = false;
            _lastVolume = volume;
            _estimates++;
            if (arrivedMs is { } at) _latencies.Add(at - e.GetProperty("sentUnixMs").GetDouble());
        }

        public ClientReport Report() { lock (_gate) return new ClientReport(Host, _estimates, _inOrder, Closed, [.. _latencies]); }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();

        private static double NowMs() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).TotalMilliseconds;
    }

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
