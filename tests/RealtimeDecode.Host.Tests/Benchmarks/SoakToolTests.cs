using System.Diagnostics;
using System.Globalization;
using RealtimeDecode.Host.Tests.Commands;

namespace RealtimeDecode.Host.Tests.Benchmarks;

/// <summary>
/// The soak tool (<c>RealtimeDecode.Benchmarks soak</c>) on a short run, as its own process the way its README
/// command runs it: the samples and frames it writes, the comparison it prints, and its viewers on the CPUs
/// given by <c>--client-cpus</c> while the tool itself runs under <c>taskset</c>. Nothing here judges timings.
/// </summary>
public sealed class SoakToolTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The benchmarks executable built beside this test project, in the same configuration.</summary>
    private static string BenchmarksDll()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)); // …/bin/<Configuration>/<tfm>
        string tfm = output.Name, configuration = output.Parent!.Name;
        var tests = output.Parent.Parent!.Parent!.Parent!; // tests/
        string dll = Path.Combine(tests.FullName, "RealtimeDecode.Benchmarks", "bin", configuration, tfm, "RealtimeDecode.Benchmarks.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build RealtimeDecode.sln (the benchmarks project is part of it)");
        return dll;
    }

    [Fact]
    public async Task Soak_ShortPinnedRun_WritesSamplesAndFramesAndComparesWindows()
    {
        string samples = _dir.File("soak.tsv"), frames = _dir.File("frames.tsv");
        string viewerCpus = Environment.ProcessorCount >= 2 ? "1" : "0";
        var psi = new ProcessStartInfo("taskset") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
                 {
                     "-c", "0", "dotnet", BenchmarksDll(), "soak", "--out", samples, "--frames", frames, "--volumes", "40", "--window", "20",
                     "--every", "10", "--warmup", "5", "--speed", "100", "--client-cpus", viewerCpus,
                 })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
        {
            try { await p.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException)
            {
                p.Kill(entireProcessTree: true);
                Assert.Fail("the soak did not end within 3 minutes: " + await stdout);
            }
        }
        string text = await stdout;
        Assert.True(p.ExitCode == 0, $"soak exited {p.ExitCode}: {await stderr}\n{text}");

        // Pinned: the tool sees the one CPU taskset gave it, and its viewers run on theirs.
        Assert.Contains("processors 1 (CPUs 0)", text);
        Assert.Matches($@"viewers: process \d+, CPUs {viewerCpus}\r?\n", text);

        // One sample per 10 volumes, with the figures the comparison is made of; the viewers got events.
        var lines = File.ReadAllLines(samples);
        var header = lines[0].Split('\t');
        foreach (var column in new[] { "volume", "working_set_mb", "live_after_full_gc_mb", "handles", "latency_p99_ms", "received", "dropped", "control_p99_ms" })
            Assert.Contains(column, header);
        var rows = lines.Skip(1).Select(l => l.Split('\t')).ToArray();
        Assert.Equal(new[] { 9, 19, 29, 39 }, rows.Select(r => int.Parse(r[0], CultureInfo.InvariantCulture)));
        int handles = Array.IndexOf(header, "handles");
        // A sample holds the viewers' latest half-second count, which a run this short may end before; the total comes
        // once they are stopped.
        var total = System.Text.RegularExpressions.Regex.Match(text, @"viewers: (\d+) dashboard events received in all");
        Assert.True(total.Success, text);
        Assert.True(long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture) > 0, "the viewers received nothing: " + text);
        Assert.All(rows, r => Assert.True(double.Parse(r[handles], CultureInfo.InvariantCulture) > 0));

        // One frame row per estimate, as many as the tool reports.
        var reported = System.Text.RegularExpressions.Regex.Match(text, @"; (\d+) estimates;");
        Assert.True(reported.Success, text);
        var frameLines = File.ReadAllLines(frames);
        Assert.Equal(int.Parse(reported.Groups[1].Value, CultureInfo.InvariantCulture), frameLines.Length - 1);
        // The JIT's totals on every row, never decreasing: a row's difference from the one before is what it compiled.
        var frameHeader = frameLines[0].Split('\t');
        int jitMethods = Array.IndexOf(frameHeader, "jit_methods"), jitMs = Array.IndexOf(frameHeader, "jit_ms");
        Assert.True(jitMethods >= 0 && jitMs >= 0, frameLines[0]);
        var jit = frameLines.Skip(1).Select(l => l.Split('\t')).Select(r => (Methods: long.Parse(r[jitMethods], CultureInfo.InvariantCulture), Ms: double.Parse(r[jitMs], CultureInfo.InvariantCulture))).ToArray();
        Assert.True(jit[0].Methods > 0 && jit[0].Ms > 0);
        Assert.All(jit.Zip(jit.Skip(1)), p => Assert.True(p.Second.Methods >= p.First.Methods && p.Second.Ms >= p.First.Ms));
        // A window of two blocks may have none at the usual pace; then the figure is n/a.
        Assert.Matches(@"latency p99 at the usual pace: (first [\d.]+ ms, last [\d.]+ ms, change [+-]\d+\.\d % \(shown, not judged; the blocks of 10 volumes whose control median is at most [\d.]+ ms, the median block's: \d+ and \d+ estimates\)|n/a \(no estimates in the usual-pace blocks of one of the windows\))\r?\n", text);
        Assert.Matches(@"volumes the JIT compiled methods during \(arrival → sampled\): \d+, \d+ per 20 volumes; \d+ methods compiled in all, \d+ ms", text);

        // The first and last windows compared, each judged figure with its verdict, and an overall verdict.
        Assert.Contains("first vs last 20 volumes", text);
        foreach (var figure in new[] { "working set", "GC heap live (full GC)", "file descriptors", "latency p99" })
            Assert.Matches($@"  {System.Text.RegularExpressions.Regex.Escape(figure)} +first 20: .* change +[+-]\d+\.\d %  (NOT )?within 10 %\r?\n", text);
        Assert.Matches(@"dealt at random into two windows \(2,000 times\): p99s more than 10 % apart in \d+ %, at least this far apart in \d+ %", text);
        Assert.Matches(@"every 20 volumes: p99 [\d.]+, [\d.]+ ms; median [\d.]+, [\d.]+ ms", text);
        Assert.True(text.Contains("all within 10 %\n") || text.Contains("some figures differ by more than 10 %\n"), text);
    }
}
