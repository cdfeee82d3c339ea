using System.Diagnostics;
using System.Net;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Host.Lsl;
using RealtimeDecode.Host.Session;
using RealtimeDecode.Lsl;

namespace RealtimeDecode.Host.Tests.Lsl;

/// <summary>Loopback-only LSL settings in a fresh session per test, and fake pipeline frames.</summary>
internal static class LslTestSupport
{
    /// <summary>Upper bound for any single wait in these tests.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>Sockets on 127.0.0.1, queries to loopback and the LSL groups on loopback with TTL 0, a fresh session.</summary>
    public static LslConfig Config() => new()
    {
        SessionId = "rtd-host-test-" + Guid.NewGuid().ToString("N"),
        ResolveScope = "machine",
        ListenAddress = IPAddress.Loopback,
        AddressesOverride = [IPAddress.Loopback, IPAddress.Parse("224.0.0.183"), IPAddress.Parse("239.255.172.215")],
        TtlOverride = 0,
        ResolveWaveInterval = TimeSpan.FromMilliseconds(100),
        TimeProbeCount = 10,
        TimeProbeInterval = TimeSpan.FromMilliseconds(5),
        TimeProbeMaxRtt = TimeSpan.FromMilliseconds(100),
    };

    public static string UniqueName(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    public static CancellationToken Timeout() => new CancellationTokenSource(Bound).Token;

    public static SessionContext Context(string[]? targets = null, double tr = 2.0, string sha = "ab12cd34") => new(
        Run: "sub-01_task-movie_run-1",
        ModelName: "model-test",
        ModelSha256: sha,
        Atlas: "atlas.nii.gz",
        Targets: targets ?? ["joy", "fear", "sadness"],
        Tr: tr,
        Window: 3,
        RoiNames: ["a", "b"],
        Networks: null,
        ExpectedVolumes: 10);

    public static LslOptions Options() => new()
    {
        Name = UniqueName("RealtimeDecode"),
        MarkersName = UniqueName("RealtimeDecode-Markers"),
    };

    private static FrameTiming Timing(double latencyMs = 12.5)
    {
        long now = Stopwatch.GetTimestamp();
        long detected = now - (long)(latencyMs / 1000.0 * Stopwatch.Frequency);
        return new FrameTiming(detected, detected, now, Stopwatch.Frequency);
    }

    public static EstimateFrame Estimate(int volume, double[]? estimates, double latencyMs = 12.5)
    {
        var t = Timing(latencyMs);
        return new EstimateFrame(volume, volume * 2.0, $"vol_{volume:0000}.nii", t, new RoiFrame(volume, volume * 2.0, [1.0, 2.0], t),
            estimates is null ? null : new ConnectivityFrame(volume, volume * 2.0, [0.5], t), estimates);
    }

    public static SkippedFrame Skipped(int volume, VolumeStatus status) =>
        new(volume, volume * 2.0, status, null, status.ToFileValue(), Timing());

    /// <summary>Values that are not exactly representable as float32, so the test sees the conversion.</summary>
    public static double[] Values(int volume, int count) =>
        Enumerable.Range(0, count).Select(k => Math.Sin(volume * 0.7 + k) * 1.1 + 1e-9 * k).ToArray();

    /// <summary>Resolves a stream of the test session by name and opens an inlet to it.</summary>
    public static async Task<StreamInlet> OpenInletAsync(string name, LslConfig config)
    {
        var found = await StreamResolver.ResolveByPropertyAsync("name", name, 1, Bound, config, cancellationToken: Timeout());
        Assert.True(found.Count == 1, $"stream {name} not resolved ({found.Count} found)");
        var inlet = new StreamInlet(found[0], config, recover: false);
        await inlet.OpenAsync(Timeout());
        return inlet;
    }
}

/// <summary>Collects every frame it is given (a second sink beside the LSL one).</summary>
internal sealed class CollectingSink : IFrameSink
{
    public List<PipelineFrame> Frames { get; } = [];
    public TaskCompletionSource<Exception?> Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public string Name => "collect";

    public ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken)
    {
        lock (Frames) Frames.Add(frame);
        return ValueTask.CompletedTask;
    }

    public ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken)
    {
        Completed.TrySetResult(error);
        return ValueTask.CompletedTask;
    }
}
