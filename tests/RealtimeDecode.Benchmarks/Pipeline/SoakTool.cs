using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Session;

namespace RealtimeDecode.Benchmarks.Pipeline;

/// <summary>
/// Console mode of the benchmarks project (<c>-- soak</c>): a long replay at the published scale (64×64×36,
/// 400 ROIs, 79,800 edges, 8 targets, ridge; <see cref="PipelineFixture"/>) through the real pipeline, with the
/// <see cref="DashboardSink"/> and <see cref="DashboardServer"/> on loopback and dashboard clients (real SignalR
/// clients over WebSockets, in a process of their own as a browser is: <see cref="SoakClients"/>) taking every event. Every <c>--every</c> volumes (default 100) it samples the process:
/// working set, GC heap (now, and at the end of the last collection), open file descriptors (<c>/proc/self/fd</c>),
/// gen-0/1/2 collection counts, the bytes allocated so far, the latency (file complete → published) of the block's estimates, and what the
/// clients had received (their latest half-second count) and the server dropped; one TSV row per sample (<c>--out</c>, default <c>soak.tsv</c>). At the
/// end it compares the first and last <c>--window</c> volumes (default 1,000): working set, the live GC heap (the
/// bytes that survived the newest full collection; one is forced at the first sample of each compared window, so
/// each window's figure is measured inside it) and descriptors by their mean over the samples, latency by its
/// p99 over the estimates (with a bootstrap interval of its change and the p99 of every window, shown), and says whether each pair agrees within 10 % of the first. The heap sampled between
/// collections and the heap at the end of the last collection of any generation (which holds the older
/// generation's garbage until the next full one) are shown but not judged. A run of <c>--warmup</c> volumes first (default
/// 500) warms the page cache and takes the kernels through the JIT's tiers, which go on changing for a few hundred
/// volumes, so that the first window measures the same code as the last. A <see cref="PaceControl"/> runs a fixed
/// workload half a volume after each volume; its p99 per window is the machine's pace, shown beside the latency's.
/// Options: <c>--volumes N</c> (default 5000), <c>--speed S</c> (default 20: one volume per 100 ms, TR 2 s),
/// <c>--clients N</c> (default 1), <c>--client-cpus LIST</c> (the viewers' CPUs, a <c>taskset -c</c> list, for a soak
/// itself run under <c>taskset</c>), <c>--frames F.tsv</c> (one row per estimate: <see cref="FrameRow"/>, to see which stage a slow
/// volume spent its time in and what the process and the machine were doing then). Plot the TSV with <c>plot_soak.py</c>.
/// </summary>
public static class SoakTool
{
    private const double Tolerance = 0.10;

    public static async Task<int> RunAsync(string[] args)
    {
        int volumes = IntArg(args, "--volumes", 5000);
        int every = IntArg(args, "--every", 100);
        int window = IntArg(args, "--window", 1000);
        int clients = IntArg(args, "--clients", 1);
        int warmup = IntArg(args, "--warmup", 500);
        double speed = double.Parse(Arg(args, "--speed") ?? "20", CultureInfo.InvariantCulture);
        string output = Arg(args, "--out") ?? "soak.tsv";
        string? framesOutput = Arg(args, "--frames");
        string? clientCpus = Arg(args, "--client-cpus");
        LatencyTool.CollectWhenIdle = !args.Contains("--no-idle-collect");
        if (volumes < 2 * window || every < 1 || window % every != 0 || clients < 1 || warmup < 1)
        {
            Console.Error.WriteLine("error: --volumes must be at least twice --window, --window a multiple of --every, --clients and --warmup at least 1");
            return 2;
        }
        Console.WriteLine($"processors {Environment.ProcessorCount} (CPUs {AllowedCpus()}), {LatencyTool.Load()}");

        using var fixture = new PipelineFixture(PipelineScale.Published);
        var options = new DashboardOptions { Urls = "http://127.0.0.1:0" };
        await using var server = DashboardServer.Create(options);
        await server.StartAsync();
        string url = server.Addresses.First() + DecoderHub.Path;
        var received = new long[1];
        string[] viewerArgs = ["soak-clients", "--url", url, "--clients", clients.ToString(CultureInfo.InvariantCulture)];
        // A child inherits its parent's CPUs: a soak pinned with taskset gives its viewers CPUs of their own here.
        using var viewers = clientCpus is null ? Child.StartSelf(viewerArgs) : Child.StartSelfOn(clientCpus, viewerArgs);
        await viewers.LineAsync("ready");
        Console.WriteLine($"viewers: process {viewers.Process.Id}, CPUs {AllowedCpus(viewers.Process.Id)}");
        var counting = Task.Run(async () =>
        {
            while (await viewers.Process.StandardOutput.ReadLineAsync() is { } line)
                if (line.StartsWith("received ", StringComparison.Ordinal))
                    Interlocked.Exchange(ref received[0], long.Parse(line[9..], CultureInfo.InvariantCulture));
        });
        bool stopped = false;
        // The viewers print their count every half second and once more on "stop": stopped, their last line is the total.
        async Task StopViewersAsync()
        {
            if (stopped) return;
            stopped = true;
            await viewers.Process.StandardInput.WriteLineAsync("stop");
            await viewers.Process.StandardInput.FlushAsync();
            await viewers.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
            await counting.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        try
        {
            var networks = Enumerable.Range(0, fixture.Rois).Select(i => $"net{i % 8}").ToArray();
            var context = new SessionContext("soak", "ridge", new string('0', 64), "atlas.nii.gz", PipelineFixture.TargetNames, fixture.RepetitionTime, 13,
                Enumerable.Range(0, fixture.Rois).Select(i => $"{networks[i]}_{i}").ToArray(), networks, volumes, fixture.Package.Model);
            var dashboard = new DashboardSink(server.Broadcaster, context, options, TimeProvider.System);

            Console.WriteLine($"warm-up: {warmup} volumes");
            await LatencyTool.RunAsync(fixture, warmup, speed, dashboard);
            server.Broadcaster.Reset();
            GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();

            // One full collection is forced at the first sample of each compared window, so that each window's live heap
            // is measured inside it: full collections are rare (a few in a run), and before the first one the newest
            // full collection would be the one made before the run, without the session's pipeline.
            var sampler = new SamplingSink(dashboard, every, received, server.Broadcaster, [every - 1, volumes - window + every - 1], framesOutput is not null);
            Console.WriteLine($"soak: {volumes} volumes at the published scale ({fixture.Nx}×{fixture.Ny}×{fixture.Nz}, {fixture.Rois} ROIs), speed {speed} (one every {fixture.RepetitionTime / speed * 1000:F0} ms, about {volumes * fixture.RepetitionTime / speed / 60:F1} min), {clients} dashboard client(s)");
            using var control = new PaceControl(TimeSpan.FromSeconds(fixture.RepetitionTime / speed));
            control.Start();
            var run = await LatencyTool.RunAsync(fixture, volumes, speed, sampler);
            var (controlMs, streamMs) = control.Stop();
            var rows = sampler.Rows.Select(r => r with
            {
                ControlP50Ms = Block(controlMs, r.Volume + 1 - every, r.Volume + 1, 50),
                ControlP99Ms = Block(controlMs, r.Volume + 1 - every, r.Volume + 1, 99),
                StreamP50Ms = Block(streamMs, r.Volume + 1 - every, r.Volume + 1, 50),
                StreamP99Ms = Block(streamMs, r.Volume + 1 - every, r.Volume + 1, 99),
            }).ToList();
            await File.WriteAllLinesAsync(output, new[] { Sample.Header }.Concat(rows.Select(r => r.ToTsv())));
            if (framesOutput is not null)
            {
                // Each estimate beside the control's round of its volume (NaN past the control's last round).
                static string Round(double[] ms, int volume) => volume < ms.Length ? ms[volume].ToString("F3", CultureInfo.InvariantCulture) : "NaN";
                await File.WriteAllLinesAsync(framesOutput, new[] { FrameRow.Header + "\tcontrol_ms\tstream_ms" }
                    .Concat(sampler.Frames.Select(r => $"{r.ToTsv()}\t{Round(controlMs, r.Volume)}\t{Round(streamMs, r.Volume)}")));
            }
            await StopViewersAsync();
            Console.WriteLine($"{rows.Count} samples written to {Path.GetFullPath(output)}; {run.Estimates} estimates; {server.Broadcaster.DroppedMessages} messages dropped; {LatencyTool.Load()}");
            Console.WriteLine($"viewers: {Interlocked.Read(ref received[0])} dashboard events received in all (warm-up included)");

            var first = rows.Where(r => r.Volume < window).ToArray();
            var last = rows.Where(r => r.Volume >= volumes - window).ToArray();
            var firstLat = sampler.Latencies.Where(l => l.Volume < window).Select(l => l.Ms).ToArray();
            var lastLat = sampler.Latencies.Where(l => l.Volume >= volumes - window).Select(l => l.Ms).ToArray();
            bool all = true;
            void Compare(string what, double a, double b, string unit, bool judged = true)
            {
                double change = (b - a) / a;
                bool ok = Math.Abs(change) <= Tolerance;
                if (judged) all &= ok;
                Console.WriteLine(FormattableString.Invariant($"  {what,-28} first {window}: {a,9:F2} {unit,-3} last {window}: {b,9:F2} {unit,-3} change {Percent(change),6:+0.0;-0.0} %  {(ok ? "within 10 %" : "NOT within 10 %")}{(judged ? "" : " (shown, not judged)")}"));
            }
            Console.WriteLine($"first vs last {window} volumes (means of the samples; latency p99 of the estimates):");
            Compare("working set", first.Average(r => r.WorkingSetMb), last.Average(r => r.WorkingSetMb), "MB");
            Compare("GC heap live (full GC)", first.Average(r => r.LiveAfterFullGcMb), last.Average(r => r.LiveAfterFullGcMb), "MB");
            Compare("GC heap at last collection", first.Average(r => r.HeapAfterGcMb), last.Average(r => r.HeapAfterGcMb), "MB", judged: false);
            Compare("GC heap now (sawtooth)", first.Average(r => r.HeapMb), last.Average(r => r.HeapMb), "MB", judged: false);
            Compare("file descriptors", first.Average(r => r.Handles), last.Average(r => r.Handles), "");
            Compare("latency p99", LatencyTool.Percentile(firstLat, 99), LatencyTool.Percentile(lastLat, 99), "ms");
            var (low, high) = BootstrapChange(firstLat, lastLat, 99, 2000);
            Console.WriteLine(FormattableString.Invariant($"  {"",-28} 95 % interval of the change (bootstrap over each window's estimates, 2,000 resamples): {Percent(low):+0.0;-0.0} to {Percent(high):+0.0;-0.0} %"));
            var (beyond, atLeast) = StationarySplits(firstLat, lastLat, 99, 2000);
            Console.WriteLine(FormattableString.Invariant($"  {"",-28} the two windows' estimates dealt at random into two windows (2,000 times): p99s more than 10 % apart in {beyond * 100:F0} %, at least this far apart in {atLeast * 100:F0} %"));
            var windows = Enumerable.Range(0, volumes / window).Select(w => sampler.Latencies.Where(l => l.Volume >= w * window && l.Volume < (w + 1) * window).Select(l => l.Ms).ToArray()).ToArray();
            void EveryWindow(Func<int, double, double> percentile) =>
                Console.WriteLine(FormattableString.Invariant($"  {"",-28} every {window} volumes: p99 {string.Join(", ", Enumerable.Range(0, volumes / window).Select(w => $"{percentile(w, 99):F2}"))} ms; median {string.Join(", ", Enumerable.Range(0, volumes / window).Select(w => $"{percentile(w, 50):F2}"))} ms"));
            EveryWindow((w, p) => LatencyTool.Percentile(windows[w], p));
            Compare("control p99 (machine pace)", Block(controlMs, 0, window, 99), Block(controlMs, volumes - window, volumes, 99), "ms", judged: false);
            Compare("control median", Block(controlMs, 0, window, 50), Block(controlMs, volumes - window, volumes, 50), "ms", judged: false);
            EveryWindow((w, p) => Block(controlMs, w * window, (w + 1) * window, p));
            Compare("stream control p99", Block(streamMs, 0, window, 99), Block(streamMs, volumes - window, volumes, 99), "ms", judged: false);
            Compare("stream control median", Block(streamMs, 0, window, 50), Block(streamMs, volumes - window, volumes, 50), "ms", judged: false);
            EveryWindow((w, p) => Block(streamMs, w * window, (w + 1) * window, p));
            Console.WriteLine(FormattableString.Invariant($"  correlation over the blocks of {every} volumes, latency p99 with the control's p99: {Correlation(rows, r => r.ControlP99Ms):F2}, with the stream control's: {Correlation(rows, r => r.StreamP99Ms):F2}"));
            // The machine's pace changes in phases of tens of seconds, which a window holds or misses: the latency p99 again,
            // over the blocks of --every volumes whose control median is at most the median block's (the machine at its usual pace).
            var paced = rows.Where(r => !double.IsNaN(r.ControlP50Ms)).ToArray();
            double usual = paced.Length > 0 ? LatencyTool.Percentile(paced.Select(r => r.ControlP50Ms).ToArray(), 50) : double.NaN;
            var usualBlocks = paced.Where(r => r.ControlP50Ms <= usual).Select(r => r.Volume / every).ToHashSet();
            var firstUsual = sampler.Latencies.Where(l => l.Volume < window && usualBlocks.Contains(l.Volume / every)).Select(l => l.Ms).ToArray();
            var lastUsual = sampler.Latencies.Where(l => l.Volume >= volumes - window && usualBlocks.Contains(l.Volume / every)).Select(l => l.Ms).ToArray();
            if (firstUsual.Length > 0 && lastUsual.Length > 0)
            {
                double a = LatencyTool.Percentile(firstUsual, 99), b = LatencyTool.Percentile(lastUsual, 99);
                Console.WriteLine(FormattableString.Invariant($"  latency p99 at the usual pace: first {a:F2} ms, last {b:F2} ms, change {Percent((b - a) / a):+0.0;-0.0} % (shown, not judged; the blocks of {every} volumes whose control median is at most {usual:F3} ms, the median block's: {firstUsual.Length} and {lastUsual.Length} estimates)"));
            }
            else
            {
                Console.WriteLine($"  latency p99 at the usual pace: n/a (no estimates in the usual-pace blocks of one of the windows)");
            }
            int gen2Before = rows.Last(r => r.Volume < volumes - window).Gen2;
            Console.WriteLine($"  gen-2 collections: {last[^1].Gen2 - sampler.Gen2AtStart - sampler.Forced} in the run besides the {sampler.Forced} the soak forced; {first[^1].Gen2 - sampler.Gen2AtStart} in the first {window} volumes, {last[^1].Gen2 - gen2Before} in the last {window} (each with one forced)");
            Console.WriteLine(FormattableString.Invariant($"  allocated: {last[^1].AllocatedMb * 1024 / volumes:F1} KB per volume; gen-0 collections: {(last[^1].Gen0 - rows[0].Gen0) * 1000.0 / (last[^1].Volume - rows[0].Volume):F1} per 1,000 volumes"));
            string PerWindow(List<int> marked) => string.Join(", ", Enumerable.Range(0, volumes / window).Select(w => marked.Count(v => v / window == w)));
            Console.WriteLine($"  volumes a collection overlapped (arrival → published): {PerWindow(sampler.Collected)} per {window} volumes; gen 0 collected between volumes: {(LatencyTool.CollectWhenIdle ? "yes" : "no (--no-idle-collect)")}");
            Console.WriteLine($"  volumes the JIT compiled methods during (arrival → sampled): {PerWindow(sampler.Compiled)} per {window} volumes; {System.Runtime.JitInfo.GetCompiledMethodCount()} methods compiled in all, {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F0} ms");
            Console.WriteLine(all ? "all within 10 %" : "some figures differ by more than 10 %");
            return 0;
        }
        finally
        {
            await StopViewersAsync();
        }
    }

    /// <summary>The CPUs a process (this one by default) may run on: <c>Cpus_allowed_list</c> of its <c>/proc/…/status</c>.</summary>
    internal static string AllowedCpus(int? pid = null)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{(pid is int p ? p.ToString(CultureInfo.InvariantCulture) : "self")}/status"))
                if (line.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)) return line["Cpus_allowed_list:".Length..].Trim();
        }
        catch (IOException) { }
        return "n/a";
    }

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int IntArg(string[] args, string name, int fallback) =>
        Arg(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary>The <paramref name="p"/>-th percentile of the control's rounds <paramref name="from"/> (inclusive) to <paramref name="to"/>.</summary>
    private static double Block(double[] controlMs, int from, int to, double p)
    {
        var block = controlMs[Math.Min(from, controlMs.Length)..Math.Min(to, controlMs.Length)];
        return block.Length > 0 ? Math.Round(LatencyTool.Percentile(block, p), 3) : double.NaN;
    }

    /// <summary>Pearson's r over the samples of their latency p99 and <paramref name="control"/> (rows without either left out).</summary>
    private static double Correlation(IEnumerable<Sample> rows, Func<Sample, double> control)
    {
        var pairs = rows.Select(r => (X: r.LatencyP99Ms, Y: control(r))).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
        if (pairs.Length < 3) return double.NaN;
        double mx = pairs.Average(p => p.X), my = pairs.Average(p => p.Y);
        double sxy = pairs.Sum(p => (p.X - mx) * (p.Y - my)), sxx = pairs.Sum(p => (p.X - mx) * (p.X - mx)), syy = pairs.Sum(p => (p.Y - my) * (p.Y - my));
        return sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>
    /// The 2.5th and 97.5th percentiles of the relative change of the <paramref name="p"/>-th percentile from
    /// <paramref name="a"/> to <paramref name="b"/>, each resampled with replacement <paramref name="resamples"/> times
    /// (fixed seed). It treats estimates as independent, which stalls that span neighbouring volumes are not, so the
    /// true interval is wider.
    /// </summary>
    internal static (double Low, double High) BootstrapChange(double[] a, double[] b, double p, int resamples)
    {
        var random = new Random(19);
        var changes = new double[resamples];
        var ra = new double[a.Length];
        var rb = new double[b.Length];
        for (int k = 0; k < resamples; k++)
        {
            for (int i = 0; i < ra.Length; i++) ra[i] = a[random.Next(a.Length)];
            for (int i = 0; i < rb.Length; i++) rb[i] = b[random.Next(b.Length)];
            double pa = LatencyTool.Percentile(ra, p);
            changes[k] = (LatencyTool.Percentile(rb, p) - pa) / pa;
        }
        return (LatencyTool.Percentile(changes, 2.5), LatencyTool.Percentile(changes, 97.5));
    }

    /// <summary>
    /// What a session whose latency did not change would show: the two windows' estimates pooled and dealt at random
    /// into two windows of the same sizes, <paramref name="splits"/> times. Returns the share of splits whose p99s
    /// differ by more than the tolerance, and the share that differ by at least the observed change (a permutation
    /// p-value, two-sided; like the bootstrap it treats volumes as independent).
    /// </summary>
    internal static (double BeyondTolerance, double AtLeastObserved) StationarySplits(double[] a, double[] b, double p, int splits)
    {
        var random = new Random(19);
        double pa0 = LatencyTool.Percentile(a, p);
        double observed = Math.Abs(LatencyTool.Percentile(b, p) - pa0) / pa0;
        var pooled = a.Concat(b).ToArray();
        int beyond = 0, atLeast = 0;
        for (int k = 0; k < splits; k++)
        {
            random.Shuffle(pooled);
            double pa = LatencyTool.Percentile(pooled[..a.Length], p);
            double change = Math.Abs(LatencyTool.Percentile(pooled[a.Length..], p) - pa) / pa;
            if (change > Tolerance) beyond++;
            if (change >= observed) atLeast++;
        }
        return (beyond / (double)splits, atLeast / (double)splits);
    }

    /// <summary>One row of the TSV: the process after volume <see cref="Volume"/> was published.</summary>
    internal sealed record Sample(int Volume, double ElapsedS, double WorkingSetMb, double HeapMb, double HeapAfterGcMb, double LiveAfterFullGcMb, int Handles,
        int Gen0, int Gen1, int Gen2, double LatencyP50Ms, double LatencyP99Ms, double LatencyMaxMs, long Received, long Dropped, double GcCommittedMb, double AllocatedMb,
        double ControlP50Ms = double.NaN, double ControlP99Ms = double.NaN, double StreamP50Ms = double.NaN, double StreamP99Ms = double.NaN)
    {
        /// <summary>The TSV's columns: each name beside its value, so that the header cannot drift from the rows.</summary>
        private static readonly (string Name, Func<Sample, object> Value)[] Columns =
        [
            ("volume", r => r.Volume), ("elapsed_s", r => r.ElapsedS), ("working_set_mb", r => r.WorkingSetMb), ("gc_heap_mb", r => r.HeapMb),
            ("gc_heap_after_gc_mb", r => r.HeapAfterGcMb), ("live_after_full_gc_mb", r => r.LiveAfterFullGcMb), ("handles", r => r.Handles),
            ("gen0", r => r.Gen0), ("gen1", r => r.Gen1), ("gen2", r => r.Gen2), ("latency_p50_ms", r => r.LatencyP50Ms),
            ("latency_p99_ms", r => r.LatencyP99Ms), ("latency_max_ms", r => r.LatencyMaxMs), ("received", r => r.Received), ("dropped", r => r.Dropped),
            ("gc_committed_mb", r => r.GcCommittedMb), ("allocated_mb", r => r.AllocatedMb), ("control_p50_ms", r => r.ControlP50Ms),
            ("control_p99_ms", r => r.ControlP99Ms), ("stream_p50_ms", r => r.StreamP50Ms), ("stream_p99_ms", r => r.StreamP99Ms),
        ];

        public static string Header => string.Join('\t', Columns.Select(c => c.Name));

        public string ToTsv() => string.Join('\t', Columns.Select(c => Convert.ToString(c.Value(this), CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// One estimate's timing (<c>--frames</c>): detection → read, read → decoded, decoded → published, the total, and
    /// the process when the sampler saw it: total GC pause so far, collection counts, thread-pool threads and queue, the time
    /// the pipeline's thread and all the process's threads have waited for a CPU, the machine's CPU pressure and the
    /// process's minor page faults, the methods the JIT compiled and the time it spent (all totals so far: the difference between two rows is what happened between them).
    /// <c>published_s</c> is when it was published on the monotonic clock (<c>CLOCK_MONOTONIC</c>, as
    /// <c>perf record -k CLOCK_MONOTONIC</c> stamps its samples), to find a slow volume in a trace of the machine.
    /// </summary>
    internal readonly record struct FrameRow(int Volume, double PublishedS, double ReadMs, double ComputeMs, double PublishMs, double LatencyMs,
        double GcPauseMs, int Gen0, int Gen1, int Gen2, int PoolThreads, long PoolPending, double PipelineWaitMs, double ProcessWaitMs, double CpuPressureMs, long MinorFaults, long JitMethods, double JitMs)
    {
        public const string Header = "volume\tpublished_s\tread_ms\tcompute_ms\tpublish_ms\tlatency_ms\tgc_pause_total_ms\tgen0\tgen1\tgen2\tpool_threads\tpool_pending\tpipeline_runqueue_ms\tprocess_runqueue_ms\tcpu_pressure_ms\tminor_faults\tjit_methods\tjit_ms";

        public string ToTsv() => FormattableString.Invariant(
            $"{Volume}\t{PublishedS:F6}\t{ReadMs:F3}\t{ComputeMs:F3}\t{PublishMs:F3}\t{LatencyMs:F3}\t{GcPauseMs:F3}\t{Gen0}\t{Gen1}\t{Gen2}\t{PoolThreads}\t{PoolPending}\t{PipelineWaitMs:F3}\t{ProcessWaitMs:F3}\t{CpuPressureMs:F3}\t{MinorFaults}\t{JitMethods}\t{JitMs:F3}");

        /// <summary>The row of <paramref name="e"/>, with the process and the machine sampled now.</summary>
        public static FrameRow Of(EstimateFrame e)
        {
            var t = e.Timing;
            long detected = t.DetectedTimestamp, read = t.ReadTimestamp ?? detected, decoded = t.DecodedTimestamp ?? read, published = t.PublishedTimestamp ?? decoded;
            var (pipeline, process, pressure) = RunQueue();
            return new FrameRow(e.Volume, published / (double)TimeProvider.System.TimestampFrequency, t.MillisecondsSince(detected, read), t.MillisecondsSince(read, decoded),
                t.MillisecondsSince(decoded, published), t.LatencyMs,
                GC.GetTotalPauseDuration().TotalMilliseconds, GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
                ThreadPool.ThreadCount, ThreadPool.PendingWorkItemCount, pipeline, process, pressure, ReadMinorFaults(),
                System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds);
        }

        /// <summary>Minor page faults of the process so far (<c>/proc/self/stat</c>, tenth field).</summary>
        public static long ReadMinorFaults()
        {
            Span<byte> buffer = stackalloc byte[1024];
            var stat = ReadProc("/proc/self/stat", buffer);
            return Field(stat[(stat.LastIndexOf((byte)')') + 2)..], 7);
        }

        /// <summary>
        /// Time the pipeline's thread and all the process's threads have spent runnable but waiting for a CPU
        /// (<c>/proc/self/task/*/schedstat</c>, second field), and the system's CPU pressure (<c>/proc/pressure/cpu</c>,
        /// "some" total), in milliseconds so far. The files are read into a buffer on the stack and parsed as bytes, so
        /// that sampling every volume adds a few kilobytes of garbage per volume (the paths and handles), not the
        /// collections of its own that reading them as text caused.
        /// </summary>
        public static (double Pipeline, double Process, double Pressure) RunQueue()
        {
            double pipeline = 0, process = 0, pressure = double.NaN;
            Span<byte> buffer = stackalloc byte[256];
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                try
                {
                    double ms = Field(ReadProc(task + "/schedstat", buffer), 1) / 1e6;
                    process += ms;
                    // comm holds a thread name's first 15 characters: "realtime-decode pipeline" (RealtimePipeline.CreateLiveScheduler)
                    // and the session runner's watcher look alike there, but the soak has no watcher.
                    if (ReadProc(task + "/comm", buffer).StartsWith("realtime-decode"u8)) pipeline += ms;
                }
                catch (IOException) { }   // the thread ended
            }
            try
            {
                var some = ReadProc("/proc/pressure/cpu", buffer);
                int eol = some.IndexOf((byte)'\n');
                if (eol >= 0) some = some[..eol];
                pressure = Field(some[(some.LastIndexOf((byte)'=') + 1)..], 0) / 1e3;
            }
            catch (IOException) { }
            return (pipeline, process, pressure);
        }

        private static ReadOnlySpan<byte> ReadProc(string path, Span<byte> buffer)
        {
            using var handle = File.OpenHandle(path);
            return buffer[..RandomAccess.Read(handle, buffer, 0)];
        }

        /// <summary>The <paramref name="index"/>-th space-separated field of <paramref name="text"/>, as an integer.</summary>
        private static long Field(ReadOnlySpan<byte> text, int index)
        {
            for (int i = 0; i < index; i++) text = text[(text.IndexOf((byte)' ') + 1)..];
            return System.Buffers.Text.Utf8Parser.TryParse(text, out long value, out _) ? value : 0;
        }
    }

    /// <summary>
    /// Passes every frame to the dashboard sink, then records its latency and, after every <c>every</c>-th volume,
    /// a <see cref="Sample"/>. Runs on the fan-out's consumer of this sink, so sampling never delays the pipeline.
    /// </summary>
    private sealed class SamplingSink(IFrameSink inner, int every, long[] received, DashboardBroadcaster broadcaster, int[] forceFullCollectionAt, bool frames) : IFrameSink
    {
        private readonly List<double> _block = [];
        private readonly long _start = TimeProvider.System.GetTimestamp();

        private readonly long _allocatedAtStart = GC.GetTotalAllocatedBytes(precise: false);

        public int Gen2AtStart { get; } = GC.CollectionCount(2);
        public List<Sample> Rows { get; } = [];
        public List<(int Volume, double Ms)> Latencies { get; } = [];
        public List<FrameRow> Frames { get; } = [];

        /// <summary>Volumes during which the collector ran (from their arrival until the sampler saw them).</summary>
        public List<int> Collected { get; } = [];

        /// <summary>Volumes during which the JIT compiled a method (from their arrival until the sampler saw them).</summary>
        public List<int> Compiled { get; } = [];

        /// <summary>Full collections the sampler forced (one at each volume of <c>forceFullCollectionAt</c>).</summary>
        public int Forced { get; private set; }

        public string Name => "soak";

        public bool ReleasesArrays => inner.ReleasesArrays;

        public async ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken)
        {
            await inner.OnFrameAsync(frame, cancellationToken).ConfigureAwait(false);
            if (frame is EstimateFrame { IsWarmingUp: false } e)
            {
                Latencies.Add((e.Volume, e.Timing.LatencyMs));
                // a collection between the volume's arrival and now, a moment after it was published
                var arrivals = LatencyTool.Gen0AtArrival;
                if (e.Volume < arrivals.Length && GC.CollectionCount(0) > arrivals[e.Volume]) Collected.Add(e.Volume);
                // methods compiled between the volume's arrival and now (on any thread: the pipeline's, or a tier-up in the background)
                var jit = LatencyTool.JitAtArrival;
                if (e.Volume < jit.Length && System.Runtime.JitInfo.GetCompiledMethodCount() > jit[e.Volume]) Compiled.Add(e.Volume);
                _block.Add(e.Timing.LatencyMs);
                if (frames) Frames.Add(FrameRow.Of(e));
            }
            if ((frame.Volume + 1) % every != 0) return;
            var lat = _block.ToArray();
            _block.Clear();
            if (Array.IndexOf(forceFullCollectionAt, frame.Volume) >= 0)
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: true);
                Forced++;
            }
            static double Mb(long b) => Math.Round(b / 1048576.0, 2);
            Rows.Add(new Sample(frame.Volume, Math.Round(TimeProvider.System.GetElapsedTime(_start).TotalSeconds, 2), Mb(Environment.WorkingSet),
                Mb(GC.GetTotalMemory(false)), Mb(GC.GetGCMemoryInfo().HeapSizeBytes), Mb(LastFullCollection().PromotedBytes), Directory.GetFileSystemEntries("/proc/self/fd").Length,
                GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
                lat.Length > 0 ? Math.Round(LatencyTool.Percentile(lat, 50), 3) : double.NaN,
                lat.Length > 0 ? Math.Round(LatencyTool.Percentile(lat, 99), 3) : double.NaN,
                lat.Length > 0 ? Math.Round(lat.Max(), 3) : double.NaN,
                Interlocked.Read(ref received[0]), broadcaster.DroppedMessages, Mb(GC.GetGCMemoryInfo().TotalCommittedBytes),
                Mb(GC.GetTotalAllocatedBytes(precise: false) - _allocatedAtStart)));
        }

        public ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken) => inner.OnCompletedAsync(error, cancellationToken);

        /// <summary>The newest gen-2 collection, background or blocking: its promoted bytes are the live heap then.</summary>
        private static GCMemoryInfo LastFullCollection()
        {
            var background = GC.GetGCMemoryInfo(GCKind.Background);
            var blocking = GC.GetGCMemoryInfo(GCKind.FullBlocking);
            return background.Index > blocking.Index ? background : blocking;
        }
    }

    /// <summary>A fraction in percent to one decimal, a change that rounds to nothing as 0 (not −0, which prints "-+0.0").</summary>
    private static double Percent(double fraction)
    {
        double p = Math.Round(fraction * 100, 1);
        return p == 0 ? 0 : p;
    }
}
