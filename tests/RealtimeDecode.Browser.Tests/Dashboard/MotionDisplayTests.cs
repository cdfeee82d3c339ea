using System.Text.Json;
using RealtimeDecode.Browser.Tests.Protocol;
using RealtimeDecode.Browser.Tests.Support;
using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Tests.Dashboard.Support;
using Xunit.Abstractions;

namespace RealtimeDecode.Browser.Tests.Dashboard;

/// <summary>
/// Head motion on the pages: frames carrying realignment parameters, FD and censoring (as the pipeline sets them)
/// through the real sinks, in Chromium.
/// </summary>
public sealed class MotionDisplayTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private const int Window = 5;
    private static readonly int[] High = [12, 20];
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rtd-browser-motion-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static double Fd(int v) => v == 12 ? 0.9 : v == 20 ? 1.4 : 0.05 + 0.01 * v;

    private static double[] Parameters(int v) =>
        [0.02 * v, -0.01 * v, 0.1 * Math.Sin(v), 0.001 * v, -0.0005 * v, 0.002 * Math.Cos(v)];

    /// <summary>What realignment and censoring put on a frame: the parameters, FD, and (when a high-motion volume is in the window) censored and withheld.</summary>
    private static PipelineFrame Move(PipelineFrame frame)
    {
        if (frame is not EstimateFrame e) return frame;
        int v = e.Volume;
        int? high = High.Where(h => h <= v && h > v - Window).Select(h => (int?)h).Max();
        return e with
        {
            Motion = new MotionEstimate(v, Parameters(v), Fd(v), RealignStatus.Converged, 3),
            Censored = high is not null && e.Estimates is not null,
            HighMotionVolume = e.Estimates is null ? null : high,
            Withheld = high is not null && e.Estimates is not null,
        };
    }

    private static bool Censored(int v) => v >= Window - 1 && High.Any(h => h <= v && h > v - Window);

    [BrowserFact]
    public async Task Dashboard_HeadMotion_SixTracesFdThresholdCountAlarmAndKeepStill()
    {
        const int volumes = 30;
        var session = new FakeSession(rois: 20, targets: 2, window: Window, volumes: volumes);
        await using var harness = await DashboardHarness.StartAsync(session, fdThresholdMm: 0.5);
        await using var chromium = await ChromiumBrowser.LaunchAsync();
        var page = await chromium.OpenAsync(harness.BaseUrl + "/");
        var display = await chromium.OpenAsync(harness.BaseUrl + "/feedback?target=target0&smooth=1", 1280, 800);
        var noCue = await chromium.OpenAsync(harness.BaseUrl + "/feedback?target=target0&smooth=1&keepstill=0", 640, 400);
        await page.WaitForAsync("() => window.rtdecode && window.rtdecode.connected()", Wait);
        await display.WaitForAsync("() => window.rtfeedback && window.rtfeedback.connected", Wait);
        await noCue.WaitForAsync("() => window.rtfeedback && window.rtfeedback.connected", Wait);

        await harness.PlayAsync(0, volumes, Interval, change: Move);
        await harness.EndAsync();
        await page.WaitForAsync($"() => window.rtdecode.motionPoints() === {volumes} && window.rtdecode.points() === {volumes - Window + 1}", Wait);
        await display.WaitForAsync($"() => window.rtfeedback.cues.length === {volumes - Window + 1}", Wait);
        await noCue.WaitForAsync($"() => window.rtfeedback.cues.length === {volumes - Window + 1}", Wait);

        // Six traces: translations in mm, rotations in degrees; FD with its threshold line.
        var traces = await page.Page.EvaluateAsync<double[][]>("() => window.rtdecode.state.headY");
        for (int v = 0; v < volumes; v++)
            for (int p = 0; p < 6; p++)
                Assert.Equal(p < 3 ? Parameters(v)[p] : Parameters(v)[p] * 180 / Math.PI, traces[p][v], 9);
        Assert.Equal(Enumerable.Range(0, volumes).Select(Fd), await page.Page.EvaluateAsync<double[]>("() => window.rtdecode.state.fdY"));
        var threshold = await page.Page.EvaluateAsync<double[]>("() => window.rtdecode.state.headX.map(() => window.rtdecode.state.session.fdThresholdMm)");
        Assert.All(threshold, t => Assert.Equal(0.5, t));
        Assert.Equal(2, await page.Page.EvaluateAsync<int>("() => window.rtdecode.highMotionCount()"));
        Assert.Equal("2", await page.Page.Locator("#highmotion-count").TextContentAsync());
        Assert.True(await page.Page.Locator("#highmotion-count").IsVisibleAsync());
        Assert.Equal("", await page.Page.Locator("#motion-note").TextContentAsync());
        Assert.Equal(20, await page.Page.EvaluateAsync<int>("() => window.rtdecode.alarm().volume"));
        Assert.StartsWith("high motion at volume 20 (FD 1.40 mm)", await page.Page.Locator("#motion-alarm").TextContentAsync());
        Assert.True(await page.Page.Locator("#motion-alarm").IsVisibleAsync());
        int censored = Enumerable.Range(Window - 1, volumes - Window + 1).Count(Censored);
        Assert.Equal(censored, await page.Page.EvaluateAsync<int>("() => window.rtdecode.censoredCount()"));

        // The participant display: "keep still" exactly on censored windows, withheld values never shown.
        var cues = await display.Page.EvaluateAsync<JsonElement>("() => window.rtfeedback.cues");
        foreach (var c in cues.EnumerateArray())
            Assert.Equal(Censored(c.GetProperty("volume").GetInt32()), c.GetProperty("keepStill").GetBoolean());
        var values = await display.Page.EvaluateAsync<double[]>("() => window.rtfeedback.values");
        var expected = Enumerable.Range(Window - 1, volumes - Window + 1).Where(v => !Censored(v)).Select(v => FakeSession.Estimate(v, 0));
        Assert.Equal(expected, values, new Tolerance(1e-9));
        Assert.False(await display.Page.EvaluateAsync<bool>("() => document.body.classList.contains('keepstill')")); // the last window is clean
        Assert.Contains(cues.EnumerateArray(), c => c.GetProperty("keepStill").GetBoolean());
        // The cue switched off (?keepstill=0, or Feedback:KeepStill false): never shown; withheld values still hidden.
        Assert.False(await noCue.Page.EvaluateAsync<bool>("() => window.rtfeedback.cues.some(c => c.keepStill)"));
        Assert.Equal(expected, await noCue.Page.EvaluateAsync<double[]>("() => window.rtfeedback.values"), new Tolerance(1e-9));

        output.WriteLine($"screenshots: {await page.ScreenshotAsync("dashboard-motion")}, {await display.ScreenshotAsync("feedback-motion")}");
        Assert.True(page.Errors.Count == 0 && display.Errors.Count == 0, string.Join("\n", page.Errors.Concat(display.Errors)));
    }

    [BrowserFact]
    public async Task Display_ProtocolWithCensoring_KeepStillAndWithheldValue_LearningCurveAcrossRuns()
    {
        const int volumes = 40;
        var session = new FakeSession(rois: 20, targets: 2, window: Window, volumes: volumes);
        string protocolDir = Path.Combine(_dir, "protocol"), rec = Path.Combine(_dir, "rec");
        Directory.CreateDirectory(protocolDir);
        Directory.CreateDirectory(rec);
        string tsv = Path.Combine(protocolDir, "p.tsv");
        File.WriteAllText(tsv, "onset\tduration\ttrial_type\n0\t6\tintro\n6\t24\tbase\n30\t20\tup\n50\t28\trest\n");
        File.WriteAllText(Path.ChangeExtension(tsv, ".json"), """
            {"Conditions": {"intro": {"Role": "rest", "Instruction": "Welcome"}, "base": {"Role": "baseline", "Instruction": "Count"},
              "up": {"Role": "regulate", "Target": "target0", "Instruction": "Up", "Colour": "#ffd166"}, "rest": {"Role": "rest", "Instruction": "Rest"}},
             "Normalisation": {"Method": "z", "BaselineSkip": 2}, "HaemodynamicDelay": 0}
            """);
        var protocol = ProtocolFile.Read(tsv);
        await using var harness = await DashboardHarness.StartAsync(session, protocol: protocol, recording: rec, fdThresholdMm: 0.5);
        await using var chromium = await ChromiumBrowser.LaunchAsync();
        var page = await chromium.OpenAsync(harness.BaseUrl + "/");
        var display = await chromium.OpenAsync(harness.BaseUrl + "/feedback", 1280, 800);
        await page.WaitForAsync("() => window.rtdecode && window.rtdecode.connected()", Wait);
        await display.WaitForAsync("() => window.rtfeedback && window.rtfeedback.connected", Wait);

        // Censoring at volumes 20 and 21 inside the regulation block (estimates of volumes 17–26): 20 censored, 21 withheld.
        PipelineFrame Censor(PipelineFrame f) => f is EstimateFrame { Volume: 20 or 21 } e
            ? e with { Censored = true, HighMotionVolume = 20, Withheld = e.Volume == 21 } : f;
        await harness.PlayAsync(0, volumes, Interval, change: Censor);
        await display.WaitForAsync($"() => window.rtfeedback.current && window.rtfeedback.current.volume === {volumes - 1}", Wait);
        var run1 = await display.Page.EvaluateAsync<JsonElement>("() => window.rtfeedback.frames");
        // A second run of the session: the frames' series changes (a new scanner series), volume numbers start again.
        await harness.PlayAsync(0, volumes, Interval, change: f => Censor(f) with { Series = 2 });
        await harness.EndAsync();
        await page.WaitForAsync("() => window.rtdecode.learning().length === 2", Wait);
        await display.WaitForAsync($"() => window.rtfeedback.current && window.rtfeedback.current.run === 2 && window.rtfeedback.current.volume === {volumes - 1}", Wait);

        var frames = run1.EnumerateArray().ToDictionary(f => f.GetProperty("volume").GetInt32());
        Assert.True(frames[20].GetProperty("keepStill").GetBoolean());
        Assert.True(frames[20].GetProperty("thermometer").GetBoolean());
        Assert.True(frames[21].GetProperty("keepStill").GetBoolean());
        Assert.False(frames[21].GetProperty("thermometer").GetBoolean()); // withheld: its value never reaches the screen
        Assert.False(frames[22].GetProperty("keepStill").GetBoolean());
        Assert.True(frames[22].GetProperty("thermometer").GetBoolean());
        Assert.Equal("Up", frames[20].GetProperty("instruction").GetString());

        // feedback.tsv (the first run) has display times for the shown rows; the learning curve has one point per run.
        var feedback = FeedbackTsv.Read(Path.Combine(rec, "feedback.tsv"));
        Assert.All(feedback.Rows.Where(r => r.Shown), r => Assert.False(double.IsNaN(r.DisplayedMs), $"volume {r.Volume}: displayed_ms n/a"));
        double mean = feedback.Rows.Where(r => r.Block == 3 && double.IsFinite(r.Feedback)).Average(r => r.Feedback);
        var learning = await page.Page.EvaluateAsync<JsonElement>("() => window.rtdecode.learning()");
        Assert.Equal([1, 2], learning.EnumerateArray().Select(p => p.GetProperty("run").GetInt32()));
        Assert.All(learning.EnumerateArray(), p => Assert.Equal(mean, p.GetProperty("mean").GetDouble(), 9));
        Assert.Equal(2, await page.Page.Locator("#learning-list span").CountAsync());
        Assert.StartsWith("2. run 2 block 3 ", await page.Page.Locator("#learning-list span").Last.InnerTextAsync()); // the chart's x is this order

        output.WriteLine($"screenshot: {await page.ScreenshotAsync("dashboard-learning")}");
        Assert.True(page.Errors.Count == 0 && display.Errors.Count == 0, string.Join("\n", page.Errors.Concat(display.Errors)));
    }

    private sealed class Tolerance(double eps) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= eps;
        public int GetHashCode(double obj) => 0;
    }
}
