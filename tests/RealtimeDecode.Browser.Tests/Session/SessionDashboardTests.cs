using System.Globalization;
using RealtimeDecode.Browser.Tests.Support;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Lsl;
using RealtimeDecode.Host.Session;
using RealtimeDecode.Training.Synthesis;
using Xunit.Abstractions;

namespace RealtimeDecode.Browser.Tests.Session;

/// <summary>The real session runner (replay at speed 10 of a small synthetic run, dashboard on a free loopback port) with Chromium attached.</summary>
public sealed class SessionDashboardTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private const int Volumes = 40;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rtd-browser-session-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [BrowserFact]
    public async Task Replay_Speed10WithDashboard_TracesFeedbackAndReloadFollowTheRecording()
    {
        var synth = SyntheticSession.Write(Path.Combine(_dir, "session"), new SynthOptions { Nx = 20, Ny = 24, Nz = 18, Parcels = 100, Volumes = Volumes, Runs = 2, Seed = 3 });
        string model = Path.Combine(_dir, "model"), rec = Path.Combine(_dir, "rec");
        int trained = RealtimeDecode.Host.Commands.CommandLine.Run(["train", "--bold", synth.Runs[0], "--atlas", synth.Atlas, "--labels", synth.Labels,
            "--targets", synth.Truth[0], "--estimator", "ridge", "--cv", "none", "--out", model]);
        Assert.Equal(0, trained);

        var request = new SessionRequest
        {
            Run = synth.Runs[1],
            Atlas = synth.Atlas,
            Labels = synth.Labels,
            Model = model,
            Speed = "10",
            Record = rec,
            KeepServing = true, // the pages can reload after the run until the session is stopped
            Dashboard = new DashboardOptions { Urls = "http://127.0.0.1:0" },
            Feedback = new FeedbackOptions(),
            Lsl = new LslOptions { Enabled = false },
        };
        await using var chromium = await ChromiumBrowser.LaunchAsync(); // before the session, so the pages attach before the first estimate
        var runner = new SessionRunner(request, output: TextWriter.Null);
        var started = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The session waits in DashboardStarted (raised before its source starts) until both pages are connected,
        // so they follow it from its first volume however long the browser takes to open them.
        using var attached = new ManualResetEventSlim();
        runner.DashboardStarted += url => { started.TrySetResult(url); attached.Wait(Wait); };
        using var stop = new CancellationTokenSource();
        var session = Task.Run(() => runner.RunAsync(stop.Token));

        string baseUrl = (await started.Task.WaitAsync(Wait)).TrimEnd('/');
        Assert.Equal(baseUrl, runner.DashboardUrl!.TrimEnd('/'));
        Assert.Matches(@"^http://127\.0\.0\.1:[1-9][0-9]*$", baseUrl); // the bound port, not the requested :0
        var page = await chromium.OpenAsync(baseUrl + "/");
        var feedback = await chromium.OpenAsync(baseUrl + "/feedback?weights=anticipation:1&smooth=1", 1280, 800);
        await page.WaitForAsync("() => window.rtdecode && window.rtdecode.connected()", Wait);
        await feedback.WaitForAsync("() => window.rtfeedback && window.rtfeedback.connected", Wait);
        attached.Set();

        try { await page.WaitForAsync("() => document.getElementById('state').textContent.startsWith('ended')", Wait); }
        catch (TimeoutException)
        {
            string state = await page.Page.EvaluateAsync<string>("() => document.getElementById('state').textContent + ' points=' + window.rtdecode.points()");
            Assert.Fail($"the dashboard never showed the end: state '{state}'; session done: {session.IsCompleted}; errors: {string.Join("; ", page.Errors)}");
        }
        int points = await page.Page.EvaluateAsync<int>("() => window.rtdecode.points()");
        var xs = await page.Page.EvaluateAsync<int[]>("() => window.rtdecode.state.xs");
        int heatmapDraws = await page.Page.EvaluateAsync<int>("() => window.rtdecode.heatmapDraws()");
        var latencies = await page.Page.EvaluateAsync<double[]>("() => window.rtdecode.displayLatencies()");
        // The feedback page shows the estimates from its connection on (with the last `smooth` of the backlog): wait for the last one.
        double lastAnticipation = await page.Page.EvaluateAsync<double>("() => window.rtdecode.state.ys[window.rtdecode.state.targets.indexOf('anticipation')].at(-1)");
        await feedback.WaitForAsync($"() => window.rtfeedback.values.length > 0 && Math.abs(window.rtfeedback.values.at(-1) - ({lastAnticipation.ToString("R", CultureInfo.InvariantCulture)})) < 1e-9", Wait);
        var feedbackValues = await feedback.Page.EvaluateAsync<double[]>("() => window.rtfeedback.values");
        // The header names the replayed run once, as what the session decodes: one run, so no run number or series.
        string source = await page.Page.Locator("#source").InnerTextAsync();
        bool runNumberShown = await page.Page.Locator("#run-of-session").IsVisibleAsync();
        string dashboardShot = await page.ScreenshotAsync("session-dashboard");
        string feedbackShot = await feedback.ScreenshotAsync("session-feedback");

        await page.Page.ReloadAsync();
        await page.WaitForAsync("() => window.rtdecode && window.rtdecode.connected()", Wait);
        await page.WaitForAsync($"() => window.rtdecode.points() === {points}", Wait);
        var xsAfterReload = await page.Page.EvaluateAsync<int[]>("() => window.rtdecode.state.xs");

        var fill = await feedback.Page.EvaluateAsync<double>("() => parseFloat(document.getElementById('fill').style.height)");
        var errors = page.Errors.Concat(feedback.Errors).ToList(); // before the server stops and the pages lose their connection
        await page.Page.CloseAsync();
        await feedback.Page.CloseAsync();
        stop.Cancel();
        var summary = await session.WaitAsync(Wait);

        // The recording is the reference: one trace point per estimate row, same volumes, feedback = anticipation.
        var lines = File.ReadAllLines(Path.Combine(rec, "estimates.tsv")).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split('\t');
        int vCol = Array.IndexOf(header, "volume"), aCol = Array.IndexOf(header, "anticipation");
        var rows = lines.Skip(1).Select(l => l.Split('\t')).ToArray();
        var volumes = rows.Select(r => int.Parse(r[vCol], CultureInfo.InvariantCulture)).ToArray();
        var anticipation = rows.Select(r => double.Parse(r[aCol], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(Volumes - 12, rows.Length);
        Assert.Equal($"replay of {RealtimeDecode.Imaging.BoldRun.Open(synth.Runs[1]).Name}", source);
        Assert.False(runNumberShown, "a replay's header shows a run number");
        Assert.Equal(rows.Length, summary.Estimates);
        Assert.Equal(rows.Length, points);
        Assert.Equal(volumes, xs);
        Assert.Equal(volumes, xsAfterReload);
        Assert.True(heatmapDraws > 0, "the heatmap never drew");
        Assert.True(feedbackValues.Length >= rows.Length / 2, $"the feedback page followed only {feedbackValues.Length} of {rows.Length} estimates");
        Assert.Equal(anticipation.TakeLast(feedbackValues.Length), feedbackValues, new Tolerance(1e-9));
        Assert.Equal(Math.Clamp(anticipation[^1], 0, 1) * 100, fill, 3); // default display range 0–1, smooth 1
        Assert.True(errors.Count == 0, string.Join("\n", errors));

        Assert.NotEmpty(latencies);
        var sorted = latencies.Order().ToArray();
        double p99 = sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(0.99 * sorted.Length) - 1)];
        output.WriteLine($"{points} points for {rows.Length} estimate rows; feedback followed {feedbackValues.Length}; heatmap draws {heatmapDraws}; display latency median {sorted[sorted.Length / 2]:F1} ms, p99 {p99:F1} ms ({sorted.Length} samples)");
        output.WriteLine($"screenshots: {dashboardShot}, {feedbackShot}");
    }

    private sealed class Tolerance(double eps) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= eps;
        public int GetHashCode(double obj) => 0;
    }
}
