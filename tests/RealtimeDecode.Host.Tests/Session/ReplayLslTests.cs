using RealtimeDecode.Host.Tests.Commands;
using RealtimeDecode.Host.Tests.Lsl;
using RealtimeDecode.Lsl;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary><c>replay</c> with LSL on (loopback only, a session of its own): an inlet receives every estimate of the recording, in order.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ReplayLslTests : IClassFixture<SmallSession>
{
    private readonly SmallSession _s;

    public ReplayLslTests(SmallSession session) => _s = session;

    /// <summary>An LSL configuration of its own (loopback, a session id of its own) and a session configuration file that names it.</summary>
    private async Task<(string Json, string Name, LslConfig Config)> LslSessionAsync()
    {
        string cfg = _s.Path("lsl_api.cfg");
        string sessionId = "rtd-integration-" + Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(cfg, $"""
            [multicast]
            ResolveScope = machine
            ListenAddress = 127.0.0.1
            AddressesOverride = {"{"}127.0.0.1, 224.0.0.183, 239.255.172.215{"}"}
            TTLOverride = 0
            [lab]
            SessionID = {sessionId}
            [tuning]
            MulticastMinRTT = 0.1
            """);
        string name = LslTestSupport.UniqueName("RealtimeDecode");
        string json = _s.Path("config.json");
        await File.WriteAllTextAsync(json, System.Text.Json.JsonSerializer.Serialize(new
        {
            Lsl = new { Enabled = true, ApiConfig = cfg, Name = name, MarkersName = name + "-Markers" },
        }));
        var config = LslConfig.Load(cfg);
        Assert.Equal(sessionId, config.SessionId);
        return (json, name, config);
    }

    /// <summary>Resolves the session's estimates outlet while <paramref name="replay"/> runs (bounded).</summary>
    private static async Task<StreamInfo> ResolveAsync(string name, LslConfig config, Task replay)
    {
        using var resolving = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        IReadOnlyList<StreamInfo> found = [];
        while (found.Count == 0 && !resolving.IsCancellationRequested && !replay.IsCompleted)
            found = await StreamResolver.ResolveByPropertyAsync("name", name, 1, TimeSpan.FromSeconds(1), config, cancellationToken: resolving.Token);
        Assert.True(found.Count == 1, $"stream {name} not resolved; replay finished: {replay.IsCompleted}");
        return found[0];
    }

    [Fact]
    public async Task Replay_Speed10WithLsl_InletReceivesEveryEstimateInOrder()
    {
        var (json, name, config) = await LslSessionAsync();

        string rec = _s.Path("rec");
        var replay = Task.Run(() => CliRunner.Run("replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
            "--speed", "10", "--no-dashboard", "--config", json, "--record", rec));

        // The outlet exists before the first volume is replayed; the first estimate comes after 13 volumes (2.6 s at speed 10).
        var found = await ResolveAsync(name, config, replay);
        Assert.Equal(8, found.ChannelCount);
        await using var inlet = new StreamInlet(found, config, recover: false);
        await inlet.OpenAsync(LslTestSupport.Timeout());

        var received = new List<float[]>();
        var sample = new float[found.ChannelCount];
        while (received.Count < 28)
        {
            var ts = await inlet.PullSampleAsync(sample, TimeSpan.FromSeconds(5));
            if (ts is null) break;
            received.Add((float[])sample.Clone());
        }
        var r = await replay.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(r.ExitCode == 0, $"replay exited {r.ExitCode}: {r.Error}");
        Assert.Equal(0, inlet.Available); // nothing beyond the recording's rows (the outlet is closed now)

        var targets = Recording.Targets(rec);
        var estimates = Recording.Estimates(rec);
        var rows = estimates.Keys.Order().Select(v => estimates[v]).ToList();
        Assert.Equal(28, rows.Count);
        Assert.Equal(rows.Count, received.Count);
        for (int i = 0; i < rows.Count; i++)
            Assert.Equal(rows[i].Select(x => (float)x), received[i]);
        Console.WriteLine($"LSL: {received.Count} samples × {targets.Length} channels received, equal to estimates.tsv as float32");
    }

    /// <summary>
    /// The model's lag was measured at TR 2 s (the run's); a replay told <c>--tr 1</c> runs at another TR, where how old
    /// the estimates are is not known: one warning line names both TRs and the LSL desc carries no lag number.
    /// </summary>
    [Fact]
    public async Task Replay_AtAnotherTrThanTheLagWasMeasuredAt_LagWithheldFromLslAndWarnedInOneLine()
    {
        string model = _s.Path("model");
        Directory.CreateDirectory(model);
        foreach (var f in Directory.GetFiles(_s.Model)) File.Copy(f, Path.Combine(model, Path.GetFileName(f)));
        string modelJson = Path.Combine(model, "model.json");
        var root = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(modelJson))!.AsObject();
        root["estimate_lag"] = new System.Text.Json.Nodes.JsonObject { ["seconds"] = 12.2, ["standard_error_s"] = 0.8, ["repetition_time_s"] = 2 };
        await File.WriteAllTextAsync(modelJson, root.ToJsonString());
        var (json, name, config) = await LslSessionAsync();

        string rec = _s.Path("rec");
        var replay = Task.Run(() => CliRunner.Run("replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", model,
            "--tr", "1", "--speed", "10", "--no-dashboard", "--config", json, "--record", rec));
        var found = await ResolveAsync(name, config, replay);
        await using var inlet = new StreamInlet(found, config, recover: false);
        await inlet.OpenAsync(LslTestSupport.Timeout());
        var full = await inlet.GetFullInfoAsync(LslTestSupport.Timeout());
        var r = await replay.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(r.ExitCode == 0, $"replay exited {r.ExitCode}: {r.Error}");
        var lag = full.Desc.Element("decoder")?.Element("estimate_lag");
        Assert.NotNull(lag);
        Assert.Null(lag.Element("seconds"));
        Assert.Equal("not known at TR 1 s (measured at TR 2 s)", lag.Element("status")?.Value);
        string console = r.Out + r.Error;
        Assert.Single(console.Split('\n'), l => l.Contains("measured at TR 2 s and this session runs at TR 1 s", StringComparison.Ordinal));
        Assert.DoesNotContain("Each estimate describes", console, StringComparison.Ordinal);
    }
}
