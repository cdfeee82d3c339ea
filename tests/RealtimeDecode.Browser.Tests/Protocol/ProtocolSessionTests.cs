using System.Globalization;
using System.Text.Json;
using RealtimeDecode.Browser.Tests.Support;
using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Lsl;
using RealtimeDecode.Host.Session;
using RealtimeDecode.Training.Synthesis;
using Xunit.Abstractions;

namespace RealtimeDecode.Browser.Tests.Protocol;

/// <summary>
/// The real session runner in live mode on a synthetic run that simulate-scanner exports at speed 10 once the pages
/// are connected, with a protocol, the participant display
/// and the dashboard in Chromium: screens at the protocol's times, the thermometer exactly where feedback is
/// shown, display times in feedback.tsv, a reload that resumes at the current condition.
/// </summary>
public sealed class ProtocolSessionTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private const int Volumes = 60;
    private const double Tr = 2;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rtd-browser-protocol-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>A protocol for a 60-volume run (120 s): a continuous and an intermittent regulation block, each after a baseline.</summary>
    internal static string WriteProtocol(string dir, string target)
    {
        Directory.CreateDirectory(dir);
        string tsv = Path.Combine(dir, "nf.tsv");
        File.WriteAllText(tsv, "onset\tduration\ttrial_type\n0\t10\tinstructions\n10\t22\tbaseline\n32\t20\tup\n52\t6\trest\n58\t18\tbaseline\n76\t20\tup_score\n96\t10\tscore\n106\t12\trest\n");
        var sidecar = new Dictionary<string, object>
        {
            ["Conditions"] = new Dictionary<string, object>
            {
                // Markup in a label must reach the screen as text.
                ["instructions"] = new Dictionary<string, object> { ["Role"] = "rest", ["Instruction"] = "<b>Raise</b> the bar", ["Colour"] = "#ffffff" },
                ["baseline"] = new Dictionary<string, object> { ["Role"] = "baseline", ["Instruction"] = "Count backwards", ["Colour"] = "#9aa7b1" },
                ["up"] = new Dictionary<string, object> { ["Role"] = "regulate", ["Target"] = target, ["Direction"] = "up", ["Feedback"] = "continuous", ["Instruction"] = "Feel joy", ["Colour"] = "#ffd166" },
                ["up_score"] = new Dictionary<string, object> { ["Role"] = "regulate", ["Target"] = target, ["Feedback"] = "intermittent", ["ScoreSeconds"] = 6, ["Instruction"] = "Feel joy (score later)", ["Colour"] = "#ffd166" },
                ["score"] = new Dictionary<string, object> { ["Role"] = "display", ["Instruction"] = "Your score", ["Colour"] = "#ffffff" },
                ["rest"] = new Dictionary<string, object> { ["Role"] = "rest", ["Instruction"] = "Rest", ["Colour"] = "#9aa7b1" },
            },
            ["Normalisation"] = new Dictionary<string, object> { ["Method"] = "z", ["BaselineSkip"] = 2 },
            ["Smoothing"] = 1,
            ["HaemodynamicDelay"] = 0,
            ["Range"] = new[] { -3, 3 },
        };
        File.WriteAllText(Path.ChangeExtension(tsv, ".json"), JsonSerializer.Serialize(sidecar));
        return tsv;
    }

    private sealed record Frame(int Run, int Volume, int Block, string? Condition, string Instruction, bool Thermometer, double? Value, bool KeepStill);

    [BrowserFact]
    public async Task Live_WithProtocol_DisplayFollowsTheProtocolAndRecordsDisplayTimes()
    {
        var synth = SyntheticSession.Write(Path.Combine(_dir, "session"), new SynthOptions { Nx = 20, Ny = 24, Nz = 18, Parcels = 100, Volumes = Volumes, Runs = 2, Seed = 3 });
        string model = Path.Combine(_dir, "model"), rec = Path.Combine(_dir, "rec");
        Assert.Equal(0, RealtimeDecode.Host.Commands.CommandLine.Run(["train", "--bold", synth.Runs[0], "--atlas", synth.Atlas, "--labels", synth.Labels,
            "--targets", synth.Truth[0], "--estimator", "ridge", "--cv", "none", "--out", model]));
        string protocolPath = WriteProtocol(Path.Combine(_dir, "protocol"), "joy");
        var protocol = ProtocolFile.Read(protocolPath);

        // live on an export folder that simulate-scanner fills once the pages are connected: they see every volume.
        string export = Path.Combine(_dir, "export");
        Directory.CreateDirectory(export);
        var request = new SessionRequest
        {
            Watch = export, Format = "nifti", Tr = Tr, Atlas = synth.Atlas, Labels = synth.Labels, Model = model, Record = rec,
            Protocol = protocolPath,
            Dashboard = new DashboardOptions { Urls = "http://127.0.0.1:0" },
            Feedback = new FeedbackOptions { AckWaitMs = 20_000 }, // a loaded machine may draw late; a row waits for its page
            Lsl = new LslOptions { Enabled = false },
        };
        await using var chromium = await ChromiumBrowser.LaunchAsync();
        var runner = new SessionRunner(request, output: TextWriter.Null);
        var started = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        runner.DashboardStarted += url => started.TrySetResult(url);
        using var stop = new CancellationTokenSource();
        var session = runner.RunAsync(stop.Token);
        string baseUrl = (await started.Task.WaitAsync(Wait)).TrimEnd('/');
        var display = await chromium.OpenAsync(baseUrl + "/feedback", 1280, 800);
        var dashboard = await chromium.OpenAsync(baseUrl + "/");
        await display.WaitForAsync("() => window.rtfeedback && window.rtfeedback.connected", Wait);
        await dashboard.WaitForAsync("() => window.rtdecode && window.rtdecode.connected()", Wait);
        var scanner = Task.Run(() => RealtimeDecode.Host.Commands.CommandLine.Run(["simulate-scanner", "--run", synth.Runs[1], "--out", export,
            "--format", "nifti", "--speed", "10"]));

        // Reload in the continuous regulation block: the page must come back at the current condition.
        try { await display.WaitForAsync("() => window.rtfeedback.current && window.rtfeedback.current.block >= 3", Wait); }
        catch (TimeoutException)
        {
            string seen = await display.Page.EvaluateAsync<string>("() => JSON.stringify({ current: window.rtfeedback.current, frames: window.rtfeedback.frames.length, protocol: !!window.rtfeedback.protocol })");
            Assert.Fail($"the display never reached block 3: {seen}; session done: {session.IsCompleted} {session.Exception?.InnerException?.Message}; errors: {string.Join("; ", display.Errors)}");
        }
        var before = await Frames(display);
        await display.Page.ReloadAsync();
        await display.WaitForAsync("() => window.rtfeedback && window.rtfeedback.connected && window.rtfeedback.frames.length > 0", Wait);
        var resumed = (await Frames(display))[0];

        Assert.Equal(0, await scanner.WaitAsync(Wait));
        await display.WaitForAsync($"() => window.rtfeedback.current && window.rtfeedback.current.volume >= {Volumes - 1}", Wait);
        await dashboard.WaitForAsync($"() => window.rtdecode.condition() && window.rtdecode.condition().volume >= {Volumes - 1} && window.rtdecode.learning().length === 2", Wait);
        var after = (await Frames(display)).Where(f => f.Volume < Volumes).ToList();
        var learning = await dashboard.Page.EvaluateAsync<JsonElement>("() => window.rtdecode.learning()");
        var shaded = await dashboard.Page.EvaluateAsync<JsonElement>("() => window.rtdecode.shadedBlocks()");
        string condition = (await dashboard.Page.Locator("#condition").TextContentAsync())!;
        int conditionVolume = await dashboard.Page.EvaluateAsync<int>("() => window.rtdecode.condition().volume");
        await display.ScreenshotAsync("protocol-display");
        await dashboard.ScreenshotAsync("protocol-dashboard");
        var errors = display.Errors.Concat(dashboard.Errors).ToList();
        await display.Page.CloseAsync();
        await dashboard.Page.CloseAsync();
        stop.Cancel();
        await session.WaitAsync(Wait);

        var feedback = FeedbackTsv.Read(Path.Combine(rec, "feedback.tsv"));
        // Each page load draws a frame once; across the reload the current frame is drawn again.
        Assert.Equal(before.Select(f => f.Volume).Distinct().Count(), before.Count);
        Assert.Equal(after.Select(f => f.Volume).Distinct().Count(), after.Count);
        var frames = before.Concat(after.Where(f => f.Volume > before[^1].Volume)).ToList();

        // Screens: every frame shows the block holding its volume's acquisition time v·TR, with the condition's text;
        // a block's screen first appears with the first volume acquired at or after its onset (within one TR).
        foreach (var f in frames)
        {
            int k = protocol.BlockAt(f.Volume * Tr + 1e-9);
            Assert.Equal(k >= 0 ? protocol.Blocks[k].Number : 0, f.Block);
            Assert.Equal(k >= 0 ? protocol.Blocks[k].Condition.Instruction : "", f.Instruction);
        }
        int gapFrom = before[^1].Volume, gapTo = after[0].Volume, checkedOnsets = 0;
        foreach (var b in protocol.Blocks)
        {
            int first = (int)Math.Ceiling(b.Onset / Tr - 1e-9);
            if (first > gapFrom && first < gapTo) continue; // its onset fell in the reload
            var shown = frames.FirstOrDefault(f => f.Block == b.Number)
                ?? throw new Xunit.Sdk.XunitException($"block {b.Number} never on screen; frames {string.Join(",", frames.Select(f => $"{f.Volume}:{f.Block}"))}; reload {gapFrom}–{gapTo}");
            Assert.Equal(first, shown.Volume);
            checkedOnsets++;
        }
        Assert.True(checkedOnsets >= protocol.Blocks.Count - 1, $"only {checkedOnsets} block onsets seen by the page (reload {gapFrom}–{gapTo})");
        Assert.Equal(0, frames[0].Volume); // the pages connected before the first volume
        Assert.Equal("<b>Raise</b> the bar", frames[0].Instruction);

        // Reload: the first frame after it is the host's current one, in the current condition.
        Assert.True(resumed.Volume >= before[^1].Volume, $"resumed at volume {resumed.Volume}, before the reload at {before[^1].Volume}");
        Assert.Equal(protocol.Blocks[protocol.BlockAt(resumed.Volume * Tr + 1e-9)].Condition.Instruction, resumed.Instruction);

        // Thermometer: exactly where the recording says feedback (or a score) is shown, with that value.
        var expected = feedback.ExpectedThermometer(protocol, Tr, Volumes - 1);
        foreach (var f in frames)
        {
            Assert.True(expected[f.Volume].HasValue == f.Thermometer, $"volume {f.Volume}: thermometer {(f.Thermometer ? "shown" : "hidden")}, expected {(expected[f.Volume].HasValue ? "shown" : "hidden")}");
            if (f.Thermometer) Assert.Equal(expected[f.Volume]!.Value, f.Value!.Value, 9);
        }
        Assert.Contains(frames, f => f.Thermometer && f.Block == 3);
        Assert.Contains(frames, f => f.Thermometer && protocol.Blocks[Math.Max(0, f.Block - 1)].Condition.Role != ConditionRole.Regulate); // a score

        // Display times: every shown row the page drew has displayed_ms, after its publication (estimates.tsv latency_ms).
        var latency = ReadLatency(Path.Combine(rec, "estimates.tsv"));
        var drawn = frames.Select(f => f.Volume).ToHashSet();
        var shownRows = feedback.Rows.Where(r => r.Shown && drawn.Contains(r.Volume)).ToList();
        Assert.NotEmpty(shownRows);
        foreach (var r in shownRows)
        {
            Assert.False(double.IsNaN(r.DisplayedMs), $"volume {r.Volume}: displayed_ms n/a");
            if (latency.TryGetValue(r.Volume, out var published))
                Assert.True(r.DisplayedMs >= published, $"volume {r.Volume}: displayed {r.DisplayedMs} ms before its publication at {published} ms");
        }
        var fileToDraw = feedback.Rows.Select(r => r.DisplayedMs).Where(double.IsFinite).Order().ToArray();
        var displayed = feedback.Rows.Where(r => !double.IsNaN(r.DisplayedMs)).Select(r => r.DisplayedMs - latency.GetValueOrDefault(r.Volume, double.NaN)).Where(double.IsFinite).Order().ToArray();
        output.WriteLine($"{frames.Count} frames drawn, {feedback.Rows.Count(r => !double.IsNaN(r.DisplayedMs))} of {feedback.Rows.Count} rows with displayed_ms; " +
            $"displayed_ms (file complete → draw) median {fileToDraw[fileToDraw.Length / 2]:F1} ms, max {fileToDraw[^1]:F1} ms; " +
            $"publication → draw median {displayed[displayed.Length / 2]:F1} ms, max {displayed[^1]:F1} ms");

        // Dashboard: the blocks shaded where their estimates lie, the last condition, one learning point per regulation block.
        Assert.Equal(protocol.Blocks.Count, shaded.GetArrayLength());
        var firstUp = shaded.EnumerateArray().First(b => b.GetProperty("block").GetInt32() == 3);
        Assert.Equal((32 + 0) / Tr + 6, firstUp.GetProperty("from").GetDouble(), 9); // window 13: (W − 1)/2 = 6
        int lastBlock = protocol.BlockAt(conditionVolume * Tr + 1e-9);
        Assert.Equal(lastBlock >= 0 ? $"{protocol.Blocks[lastBlock].Condition.Name} (block {lastBlock + 1})" : "between blocks", condition);
        var regulate = protocol.Blocks.Where(b => b.Condition.Role == ConditionRole.Regulate).ToList();
        Assert.Equal(regulate.Select(b => b.Number), learning.EnumerateArray().Select(p => p.GetProperty("block").GetInt32()));
        foreach (var p in learning.EnumerateArray())
        {
            var values = feedback.Rows.Where(r => r.Block == p.GetProperty("block").GetInt32() && double.IsFinite(r.Feedback)).Select(r => r.Feedback).ToList();
            Assert.Equal(values.Average(), p.GetProperty("mean").GetDouble(), 9);
        }
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    private static async Task<List<Frame>> Frames(ObservedPage page)
    {
        var json = await page.Page.EvaluateAsync<JsonElement>("() => window.rtfeedback.frames");
        return json.EnumerateArray().Select(f => new Frame(f.GetProperty("run").GetInt32(), f.GetProperty("volume").GetInt32(), f.GetProperty("block").GetInt32(),
            f.GetProperty("condition").ValueKind == JsonValueKind.Null ? null : f.GetProperty("condition").GetString(),
            f.GetProperty("instruction").GetString()!, f.GetProperty("thermometer").GetBoolean(),
            f.GetProperty("value").ValueKind == JsonValueKind.Null ? null : f.GetProperty("value").GetDouble(), f.GetProperty("keepStill").GetBoolean())).ToList();
    }

    private static Dictionary<int, double> ReadLatency(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split('\t');
        int v = Array.IndexOf(header, "volume"), l = Array.IndexOf(header, "latency_ms");
        return lines.Skip(1).Select(x => x.Split('\t')).ToDictionary(f => int.Parse(f[v], CultureInfo.InvariantCulture), f => double.Parse(f[l], CultureInfo.InvariantCulture));
    }
}
