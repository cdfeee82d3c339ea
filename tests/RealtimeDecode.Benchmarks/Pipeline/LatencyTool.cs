using System.Diagnostics;
using System.Globalization;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Session;

namespace RealtimeDecode.Benchmarks.Pipeline;

/// <summary>
/// Console mode of the benchmarks project (<c>-- latency</c>): runs the real <see cref="RealtimePipeline"/>
/// (live event-loop scheduler, <see cref="SinkFanout"/>, the session runner's stages over files on disk)
/// and reports, from each frame's <see cref="FrameTiming"/>:
/// <list type="bullet">
/// <item>latency (detected → published) median / p99 / max of the frames with estimates, volumes delivered one
/// per TR / speed (TR 2 s, speed 20 → one every 100 ms, so nothing queues; multiband TR 0.72 s, run it
/// paced at speed 1), at the bundled and published scales unless <c>--scale</c> names one;</item>
/// <item>throughput at speed max over a 2,000-volume run (volumes/s), with the process working set sampled
/// every 20 ms (start, peak, end), the GC heap after a full collection before and after the run and the
/// gen-2 collections during it;</item>
/// <item>the published-scale latency with a <see cref="DashboardSink"/> and <see cref="DashboardServer"/> on
/// loopback with 0 and with 10 connected SignalR clients.</item>
/// </list>
/// Options: <c>--volumes N</c> (latency runs, default 200), <c>--memory-volumes N</c> (default 2000),
/// <c>--speed S</c> (default 20), <c>--clients N</c> (default 10), <c>--only latency|throughput|dashboard</c>,
/// <c>--scale published|bundled|multiband</c>, <c>--model ridge|svr</c> (default ridge), <c>--realign</c> (rigid
/// realignment of every volume before the ROI means, on volumes that move; see <see cref="PipelineFixture"/>).
/// <c>-- latency ratio [options]</c> is the compute figure instead: the same stages on preloaded volumes against
/// numpy + scikit-learn in the same invocation (<see cref="ChainRatioTool"/>).
/// </summary>
public static class LatencyTool
{
    /// <summary>Runs the measurements selected by <paramref name="args"/> and prints one line per figure.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == "ratio") return await ChainRatioTool.RunAsync(args[1..]);
        int volumes = IntArg(args, "--volumes", 200);
        int memoryVolumes = IntArg(args, "--memory-volumes", 2000);
        int clients = IntArg(args, "--clients", 10);
        double speed = double.Parse(Arg(args, "--speed") ?? "20", CultureInfo.InvariantCulture);
        string? only = Arg(args, "--only");
        string? scaleArg = Arg(args, "--scale");
        var scales = scaleArg is null ? new[] { PipelineScale.Bundled, PipelineScale.Published }
            : [Enum.Parse<PipelineScale>(scaleArg, ignoreCase: true)];
        Console.WriteLine($"processors {Environment.ProcessorCount}, {Load()}");

        bool svr = Arg(args, "--model") == "svr";
        bool realign = args.Contains("--realign");
        CollectWhenIdle = !args.Contains("--no-idle-collect");
        foreach (var scale in scales)
        {
            using var fixture = new PipelineFixture(scale, svr: svr, realign: realign);
            string what = $"{scale} ({fixture.Nx}×{fixture.Ny}×{fixture.Nz}, {fixture.Rois} ROIs, {fixture.Edges} edges, 8 targets, {(svr ? $"rbf SVR on {PipelineFixture.SvrRows} rows" : "ridge")}{(realign ? ", realigned" : "")})";
            if (only is null or "latency")
            {
                await RunAsync(fixture, Math.Min(30, volumes), speed, null); // JIT and page cache warm-up
                var r = await RunAsync(fixture, volumes, speed, null);
                Console.WriteLine($"latency {what}, speed {speed}: {r.Describe()}; {Load()}");
            }
            if (only is null or "throughput")
            {
                var r = await RunAsync(fixture, memoryVolumes, double.PositiveInfinity, null, sampleMemory: true);
                Console.WriteLine($"throughput {what}, speed max, {memoryVolumes} volumes: {r.Throughput:F0} volumes/s; {r.Memory}; {Load()}");
            }
            if ((only is null or "dashboard") && scale == PipelineScale.Published)
            {
                foreach (int n in new[] { 0, clients })
                {
                    var r = await RunWithDashboardAsync(fixture, volumes, speed, n);
                    Console.WriteLine($"dashboard {n} clients, {what}, speed {speed}: {r.Describe()}; {Load()}");
                }
            }
        }
        return 0;
    }

    private static async Task<RunResult> RunWithDashboardAsync(PipelineFixture fixture, int volumes, double speed, int clients)
    {
        var options = new DashboardOptions { Urls = "http://127.0.0.1:0" };
        await using var server = DashboardServer.Create(options);
        await server.StartAsync();
        string url = server.Addresses.First() + DecoderHub.Path;
        var connections = new List<HubConnection>();
        var received = new long[clients];
        for (int c = 0; c < clients; c++)
        {
            int k = c;
            var conn = new HubConnectionBuilder().WithUrl(url).Build();
            conn.On<JsonElement>(DashboardEvents.Estimate, _ => Interlocked.Increment(ref received[k]));
            conn.On<JsonElement>(DashboardEvents.Connectivity, _ => { });
            conn.On<JsonElement>(DashboardEvents.Qc, _ => { });
            conn.On<JsonElement>(DashboardEvents.Status, _ => { });
            await conn.StartAsync();
            connections.Add(conn);
        }
        var networks = Enumerable.Range(0, fixture.Rois).Select(i => $"net{i % 8}").ToArray();
        var context = new SessionContext("bench", "ridge", new string('0', 64), "atlas.nii.gz", PipelineFixture.TargetNames, fixture.RepetitionTime, 13,
            Enumerable.Range(0, fixture.Rois).Select(i => $"{networks[i]}_{i}").ToArray(), networks, volumes,
            fixture.Package.Model);
        var sink = new DashboardSink(server.Broadcaster, context, options, TimeProvider.System);
        try
        {
            var warm = await RunAsync(fixture, 20, speed, sink);
            await UntilReceivedAsync(received, warm.Estimates); // the warm-up's messages are not counted below
            server.Broadcaster.Reset();
            Array.Clear(received);
            var r = await RunAsync(fixture, volumes, speed, sink);
            await UntilReceivedAsync(received, r.Estimates);
            return r with { Extra = $"{clients} clients received {(clients == 0 ? 0 : received.Min())}–{(clients == 0 ? 0 : received.Max())} of {r.Estimates} estimates, {server.Broadcaster.DroppedMessages} messages dropped" };
        }
        finally
        {
            foreach (var c in connections) await c.DisposeAsync();
        }
    }

    /// <summary>Lets the last messages reach every client (at most 5 s).</summary>
    private static async Task UntilReceivedAsync(long[] received, int expected)
    {
        for (int i = 0; i < 50 && received.Length > 0 && received.Min() < expected; i++)
            await Task.Delay(100);
    }

    /// <summary>Collect gen 0 between volumes, as realtime-decode does (<see cref="IdleCollector"/>); <c>--no-idle-collect</c> turns it off.</summary>
    internal static bool CollectWhenIdle { get; set; } = true;

    /// <summary>The collections so far (<see cref="GC.CollectionCount"/> of gen 0) at each volume's arrival, of the latest run.</summary>
    internal static int[] Gen0AtArrival { get; private set; } = [];

    /// <summary>The methods the JIT had compiled so far (all threads, <see cref="System.Runtime.JitInfo"/>) at each volume's arrival, of the latest run.</summary>
    internal static long[] JitAtArrival { get; private set; } = [];

    internal static async Task<RunResult> RunAsync(PipelineFixture fixture, int volumes, double speed, IFrameSink? extra, bool sampleMemory = false)
    {
        var time = TimeProvider.System;
        var collector = new TimingSink();
        var summary = new SummarySink();
        // Both keep no frame arrays (the summary strips them); an extra sink says for itself whether it does
        // (IFrameSink.ReleasesArrays), and the fan-out recycles the edge arrays when all of them keep none.
        var sinks = new List<SinkRegistration>
        {
            SinkRegistration.Unbounded(collector) with { ReleasesArrays = true },
            SinkRegistration.Unbounded(summary) with { ReleasesArrays = true },
        };
        if (extra is not null) sinks.Add(SinkRegistration.Bounded(extra, 64));

        using var scheduler = RealtimePipeline.CreateLiveScheduler();
        var pipeline = new RealtimePipeline(new PipelineOptions(TimeSpan.FromSeconds(fixture.RepetitionTime)) { CollectWhenIdle = CollectWhenIdle },
            () => fixture.CreateStages(), scheduler, time);
        var files = fixture.VolumeFiles;
        using var clock = new DedicatedThreadScheduler("arrivals");
        var gen0AtArrival = Gen0AtArrival = new int[volumes];
        var jitAtArrival = JitAtArrival = new long[volumes];
        IObservable<VolumeArrival> arrivals = double.IsPositiveInfinity(speed)
            ? Observable.Range(0, volumes, ThreadPoolScheduler.Instance).Select(i => Arrive(i))
            : Observable.Interval(TimeSpan.FromSeconds(fixture.RepetitionTime / speed), clock).Take(volumes).Select(i => Arrive((int)i));
        VolumeArrival Arrive(int i)
        {
            gen0AtArrival[i] = GC.CollectionCount(0);
            jitAtArrival[i] = System.Runtime.JitInfo.GetCompiledMethodCount();
            return new VolumeArrival(i, files[i % files.Length], time.GetTimestamp());
        }

        long heapStart = 0;
        int gen2Start = 0;
        MemorySampler? sampler = null;
        if (sampleMemory)
        {
            GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
            heapStart = GC.GetTotalMemory(true);
            gen2Start = GC.CollectionCount(2);
            sampler = new MemorySampler();
        }
        long t0 = time.GetTimestamp();
        using var fanout = new SinkFanout(sinks);
        using (pipeline.Process(arrivals).Subscribe(fanout))
            await fanout.Completion.ConfigureAwait(false);
        long t1 = time.GetTimestamp();
        string memory = "";
        if (sampler is not null)
        {
            var (wsStart, wsPeak, wsEnd, heapPeak) = sampler.Stop();
            int gen2 = GC.CollectionCount(2) - gen2Start;
            long heapEnd = GC.GetTotalMemory(true);
            memory = FormattableString.Invariant(
                $"working set start {Mb(wsStart)} MB, peak {Mb(wsPeak)} MB, end {Mb(wsEnd)} MB; GC heap (after full GC) start {Mb(heapStart)} MB, end {Mb(heapEnd)} MB, peak sampled {Mb(heapPeak)} MB; gen-2 collections during the run {gen2}");
        }
        await summary.Summary.ConfigureAwait(false);
        var s = summary.Compute(); // after every sink is done, so each estimate's first hand-off is in
        double seconds = (t1 - t0) / (double)time.TimestampFrequency;
        return new RunResult(s, collector.Latencies.ToArray(), collector.ReadMs.ToArray(), collector.ComputeMs.ToArray(), volumes / seconds, memory, "");
    }

    private static double Mb(long bytes) => Math.Round(bytes / 1048576.0, 1);

    internal static string Load()
    {
        try { return "load average " + string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "load average n/a"; }
    }

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int IntArg(string[] args, string name, int fallback) =>
        Arg(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    internal sealed record RunResult(SessionSummary Summary, double[] Latencies, double[] ReadMs, double[] ComputeMs, double Throughput, string Memory, string Extra)
    {
        public int Estimates => Summary.Estimates;

        public string Describe() => FormattableString.Invariant(
            $"{Estimates} estimates, latency median {Summary.LatencyMedianMs:F2} ms, p99 {Summary.LatencyP99Ms:F2} ms, max {Percentile(Latencies, 100):F2} ms (read median {Percentile(ReadMs, 50):F2} / p99 {Percentile(ReadMs, 99):F2} ms; roi→estimate median {Percentile(ComputeMs, 50):F2} / p99 {Percentile(ComputeMs, 99):F2} ms)")
            + (Extra.Length > 0 ? "; " + Extra : "");
    }

    /// <summary>The <paramref name="p"/>-th percentile with the session summary's interpolation (numpy's default).</summary>
    internal static double Percentile(double[] values, double p) => SessionSummary.Percentile(values.Order().ToArray(), p / 100);

    /// <summary>Collects the timing of the frames that carry estimates.</summary>
    private sealed class TimingSink : IFrameSink
    {
        public List<double> Latencies { get; } = [];
        public List<double> ReadMs { get; } = [];
        public List<double> ComputeMs { get; } = [];

        public string Name => "timing";

        public ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken)
        {
            if (frame is EstimateFrame { IsWarmingUp: false } e)
            {
                var t = e.Timing;
                // a transport that costs nothing: its hand-off is the earliest any real sink could make
                t.MarkHandedOff(Name, TimeProvider.System);
                Latencies.Add(t.LatencyMs);
                ReadMs.Add(t.MillisecondsSince(t.DetectedTimestamp, t.ReadTimestamp!.Value));
                ComputeMs.Add(t.MillisecondsSince(t.ReadTimestamp!.Value, t.DecodedTimestamp!.Value));
            }
            return ValueTask.CompletedTask;
        }

        public ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken) =>
            error is null ? ValueTask.CompletedTask : ValueTask.FromException(error);
    }

    /// <summary>Samples the working set and GC heap every 20 ms on a timer thread.</summary>
    private sealed class MemorySampler
    {
        private readonly Timer _timer;
        private readonly long _start;
        private long _peak, _last, _heapPeak;

        public MemorySampler()
        {
            _start = _peak = _last = Environment.WorkingSet;
            _timer = new Timer(_ => Sample(), null, 0, 20);
        }

        private void Sample()
        {
            long ws = Environment.WorkingSet;
            long heap = GC.GetTotalMemory(false);
            lock (_timer)
            {
                _last = ws;
                _peak = Math.Max(_peak, ws);
                _heapPeak = Math.Max(_heapPeak, heap);
            }
        }

        public (long Start, long Peak, long End, long HeapPeak) Stop()
        {
            Sample();
            _timer.Dispose();
            lock (_timer) return (_start, _peak, _last, _heapPeak);
        }
    }
}
