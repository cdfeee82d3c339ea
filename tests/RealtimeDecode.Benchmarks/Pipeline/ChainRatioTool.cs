using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Benchmarks.Pipeline;

/// <summary>
/// The compute ratio against numpy + scikit-learn, like for like (<c>-- latency ratio</c>): both sides with
/// the volumes preloaded in memory, no file reading timed. The C# side runs the session runner's own stages
/// (<see cref="PipelineFixture.CreateStages"/>: the same <see cref="Engine.Features.FeatureExtractor"/>, the
/// same cloned model, the same settings as the latency tool's scales) in the live pipeline's order, roi →
/// clean → connectivity (+ Fisher z) → decode, on int16 volumes decoded to float32 once up front; each edge
/// vector goes back to <see cref="FrameBufferPool"/> after the decode, as the fan-out does when every sink
/// keeps no arrays. As <c>numpy_sklearn_pipeline.py</c>, it cycles through 32 distinct volumes, skips the
/// first 30 and times the next <c>--volumes</c> that yield an estimate. The script then runs in the same
/// invocation, right after, and the tool prints both p50 / p99, the ratios and the load average.
/// Options: <c>--scale published|multiband|bundled</c> (default published), <c>--model ridge|svr</c>,
/// <c>--volumes N</c> (default 200), <c>--python PATH</c> (default /usr/bin/python3), <c>--no-python</c>.
/// </summary>
public static class ChainRatioTool
{
    private const int WarmUp = 30;

    /// <summary>Runs the C# chain, then the script, and prints one line each and the ratio line.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var scale = Enum.Parse<PipelineScale>(Arg(args, "--scale") ?? "published", ignoreCase: true);
        bool svr = Arg(args, "--model") == "svr";
        int volumes = int.Parse(Arg(args, "--volumes") ?? "200", CultureInfo.InvariantCulture);
        Console.WriteLine($"processors {Environment.ProcessorCount}, {LatencyTool.Load()}");

        ChainResult cs;
        using (var fixture = new PipelineFixture(scale, svr: svr))
        {
            // Decoded once, outside any pool: the roi stage's Return ignores arrays the pool did not hand out.
            var preloaded = fixture.VolumeFiles.Select(f => NiftiReader.ReadVolume(f)).ToArray();
            Run(fixture, preloaded, volumes); // JIT, caches, pools
            cs = Run(fixture, preloaded, volumes);
            Console.WriteLine(FormattableString.Invariant(
                $"C# chain {scale} ({fixture.Nx}×{fixture.Ny}×{fixture.Nz}, {fixture.Rois} ROIs, {fixture.Edges} edges, {(svr ? "rbf SVR" : "ridge")}), volumes preloaded: ")
                + cs.Describe() + "; " + LatencyTool.Load());
        }
        if (args.Contains("--no-python") || scale == PipelineScale.Bundled) return 0;

        string script = FindScript();
        string python = Arg(args, "--python") ?? "/usr/bin/python3";
        using var child = Child.Start(python, script, "--scale", scale.ToString().ToLowerInvariant(), "--model", svr ? "svr" : "ridge",
            "--volumes", volumes.ToString(CultureInfo.InvariantCulture));
        string output = await child.Process.StandardOutput.ReadToEndAsync();
        await child.Process.WaitForExitAsync();
        string line = output.Split('\n').LastOrDefault(l => l.StartsWith("numpy+sklearn", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("the numpy script printed no result: " + output + await child.Process.StandardError.ReadToEndAsync());
        Console.WriteLine(line);
        var m = Regex.Match(line, @"p50 (?<p50>[0-9.]+) ms, p99 (?<p99>[0-9.]+) ms");
        double np50 = double.Parse(m.Groups["p50"].Value, CultureInfo.InvariantCulture);
        double np99 = double.Parse(m.Groups["p99"].Value, CultureInfo.InvariantCulture);
        Console.WriteLine(FormattableString.Invariant(
            $"ratio numpy / C#, volumes preloaded on both sides: p50 {np50 / cs.P50:F1}x ({np50:F2} / {cs.P50:F3} ms), p99 {np99 / cs.P99:F1}x ({np99:F2} / {cs.P99:F3} ms); {LatencyTool.Load()}"));
        return 0;
    }

    /// <summary>The chain over <paramref name="volumes"/> timed volumes after the warm-up, with fresh stages.</summary>
    internal static ChainResult Run(PipelineFixture fixture, Volume[] preloaded, int volumes)
    {
        var stages = fixture.CreateStages(a => preloaded[a.Index % preloaded.Length]);
        var total = new List<double>(volumes);
        var roiMs = new List<double>(volumes);
        var cleanMs = new List<double>(volumes);
        var dfcMs = new List<double>(volumes);
        var decodeMs = new List<double>(volumes);
        double f = 1000.0 / Stopwatch.Frequency;
        for (int k = 0; total.Count < volumes; k++)
        {
            var volume = stages.Read(new VolumeArrival(k, null, 0));
            long t0 = Stopwatch.GetTimestamp();
            var roi = stages.Roi(volume);
            long t1 = Stopwatch.GetTimestamp();
            var clean = stages.Clean(roi);
            long t2 = Stopwatch.GetTimestamp();
            var edges = stages.Connectivity(clean);
            long t3 = Stopwatch.GetTimestamp();
            var estimates = edges is null ? null : stages.Decode(edges);
            long t4 = Stopwatch.GetTimestamp();
            if (edges is not null) FrameBufferPool.Shared.Return(edges);
            if (estimates is null || k < WarmUp) continue;
            total.Add((t4 - t0) * f);
            roiMs.Add((t1 - t0) * f);
            cleanMs.Add((t2 - t1) * f);
            dfcMs.Add((t3 - t2) * f);
            decodeMs.Add((t4 - t3) * f);
        }
        return new ChainResult([.. total], [.. roiMs], [.. cleanMs], [.. dfcMs], [.. decodeMs]);
    }

    /// <summary>numpy_sklearn_pipeline.py beside this project's sources, looked for upwards from the working folder and from the executable.</summary>
    private static string FindScript()
    {
        const string rel = "tests/RealtimeDecode.Benchmarks/numpy_sklearn_pipeline.py";
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                string p = Path.Combine(d.FullName, rel);
                if (File.Exists(p)) return p;
            }
        }
        throw new FileNotFoundException("numpy_sklearn_pipeline.py not found above the working folder", rel);
    }

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Per-volume times (ms) of the whole chain and of each stage.</summary>
    internal sealed record ChainResult(double[] Total, double[] Roi, double[] Clean, double[] Connectivity, double[] Decode)
    {
        public double P50 => LatencyTool.Percentile(Total, 50);

        public double P99 => LatencyTool.Percentile(Total, 99);

        public string Describe() => FormattableString.Invariant(
            $"p50 {P50:F3} ms, p99 {P99:F3} ms over {Total.Length} volumes (stage medians: roi {Med(Roi):F3}, clean {Med(Clean):F3}, connectivity + Fisher z {Med(Connectivity):F3}, decode {Med(Decode):F3} ms)");

        private static double Med(double[] v) => LatencyTool.Percentile(v, 50);
    }
}
