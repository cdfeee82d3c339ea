using System.Globalization;
using System.Text.Json;
using RealtimeDecode.Browser.Tests.Support;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Tests.Dashboard.Support;
using RealtimeDecode.Training.Explanations;
using Xunit.Abstractions;
using RealtimeDecode.Engine.Networks;

namespace RealtimeDecode.Browser.Tests.Dashboard;

/// <summary>The dashboard and feedback pages in Chromium against a fake session played at speed 10 (a volume every 200 ms).</summary>
public sealed class DashboardPageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private const int Volumes = 60;
    private static readonly int[] Missing = [25];

    private static int DecodedUpTo(FakeSession s, int end) =>
        Enumerable.Range(0, end).Count(v => v >= s.Context.Window - 1 && !s.Missing.Contains(v));

    [BrowserFact]
    public async Task Dashboard_SessionAtSpeed10_TracesHoldEveryDecodedVolumeAcrossReload()
    {
        var session = new FakeSession(rois: 400, targets: 8, volumes: Volumes, missing: Missing);
        await using var harness = await DashboardHarness.StartAsync(session);
        await using var chromium = await ChromiumBrowser.LaunchAsync();
        var page = await chromium.OpenAsync(harness.BaseUrl + "/");
        await page.WaitForAsync("() => window.rtdecode && window.rtdecode.connected()", Wait);

        await harness.PlayAsync(0, 30, Interval);
        int half = DecodedUpTo(session, 30);
        await page.WaitForAsync($"() => window.rtdecode.points() === {half}", Wait);
        var before = await page.Page.EvaluateAsync<double[]>("() => window.rtdecode.displayLatencies()");

        await page.Page.ReloadAsync();
        await page.WaitForAsync("() => window.rtdecode && window.rtdecode.connected()", Wait);
        Assert.Equal(half, await page.Page.EvaluateAsync<int>("() => window.rtdecode.points()"));

        await harness.PlayAsync(30, Volumes, Interval);
        await harness.EndAsync();
        int all = DecodedUpTo(session, Volumes);
        await page.WaitForAsync($"() => window.rtdecode.points() === {all} && window.rtdecode.state.qc.size === {Volumes}", Wait);
        await page.WaitForAsync("() => document.getElementById('state').textContent.startsWith('ended')", Wait);

        var xs = await page.Page.EvaluateAsync<int[]>("() => window.rtdecode.state.xs");
        Assert.Equal(Enumerable.Range(0, Volumes).Where(v => v >= session.Context.Window - 1 && !Missing.Contains(v)), xs);
        var last = await page.Page.EvaluateAsync<double[]>("() => window.rtdecode.state.ys.map(y => y[y.length - 1])");
        Assert.Equal(Enumerable.Range(0, 8).Select(t => FakeSession.Estimate(Volumes - 1, t)), last, new Tolerance(1e-9));
        Assert.True(await page.Page.EvaluateAsync<int>("() => window.rtdecode.heatmapDraws()") > 0, "the heatmap never drew");

        // Beside the heatmap: the network blocks driving each estimate at the last volume, as the model decomposes it.
        await page.WaitForAsync($"() => window.rtdecode.state.connectivity.volume === {Volumes - 1} && !window.rtdecode.state.heatPending", Wait);
        Assert.Equal(1 + 8, await page.Page.Locator("#contributions table tr").CountAsync());
        var contributions = new NetworkContributions(session.Context.LinearModel!, session.Context.Networks!);
        var values = contributions.Compute(((EstimateFrame)session.Frame(Volumes - 1)).Connectivity!.Edges).ToArray();
        for (int t = 0; t < 8; t++)
        {
            int best = Enumerable.Range(0, contributions.Pairs.Count).MaxBy(q => Math.Abs(values[q * 8 + t]));
            var (a, b) = contributions.Pairs[best];
            string cell = (await page.Page.Locator($"#contributions table tr:nth-child({t + 2}) td:nth-child(2)").TextContentAsync())!;
            Assert.StartsWith((a == b ? a : $"{a}–{b}") + " ", cell, StringComparison.Ordinal);
        }

        // No realignment and no protocol in this session: those panels say so instead of showing empty charts and zero counts.
        Assert.Equal("not measured: the session runs without --realign", await page.Page.Locator("#motion-note").InnerTextAsync());
        Assert.False(await page.Page.Locator("#highmotion-count").IsVisibleAsync());
        Assert.False(await page.Page.Locator("#fd-chart").IsVisibleAsync());
        Assert.Equal("no protocol: the session runs without --protocol", await page.Page.Locator("#learning-note").InnerTextAsync());

        var legend = await page.Page.Locator("#values .num").AllTextContentsAsync();
        Assert.Equal(FakeSession.Estimate(Volumes - 1, 0).ToString("0.000", CultureInfo.InvariantCulture), legend[0]);

        var after = await page.Page.EvaluateAsync<double[]>("() => window.rtdecode.displayLatencies()");
        var latencies = before.Concat(after).Order().ToArray();
        Assert.NotEmpty(after);
        double p50 = Percentile(latencies, 0.5), p99 = Percentile(latencies, 0.99);
        output.WriteLine($"display latency over {latencies.Length} live estimates: p50 {p50:0.0} ms, p99 {p99:0.0} ms, max {latencies[^1]:0.0} ms");
        Assert.True(p50 <= 50, $"display latency p50 {p50:0.0} ms exceeds 50 ms");

        string shot = await page.ScreenshotAsync("dashboard");
        output.WriteLine($"screenshot: {shot}");
        Assert.True(page.Errors.Count == 0, string.Join("\n", page.Errors));
    }

    [BrowserFact]
    public async Task Dashboard_ModelWithLag_EstimatePlotSaysHowOldTheEstimatesAre()
    {
        var session = new FakeSession(rois: 20, targets: 2, volumes: 20, lagSeconds: 12.24);
        await using var harness = await DashboardHarness.StartAsync(session);
        await using var chromium = await ChromiumBrowser.LaunchAsync();
        var page = await chromium.OpenAsync(harness.BaseUrl + "/");
        await page.WaitForAsync("() => window.rtdecode && window.rtdecode.connected()", Wait);

        await harness.PlayAsync(0, 12, Interval);
        await page.WaitForAsync("() => document.getElementById('lag').textContent.length > 0", Wait);

        Assert.Equal("describes about t − 12.2 s (± 0.8 s)", await page.Page.Locator("#lag").TextContentAsync());
    }

    [BrowserFact]
    public async Task Feedback_WeightedTargets_FollowsEveryEstimate()
    {
        var session = new FakeSession(rois: 100, targets: 8, volumes: 40);
        var feedback = new FeedbackOptions { Smooth = 1, Min = -1, Max = 2, Zone = "0.6-1.2" };
        await using var harness = await DashboardHarness.StartAsync(session, feedback: feedback);
        await using var chromium = await ChromiumBrowser.LaunchAsync();
        var page = await chromium.OpenAsync(harness.BaseUrl + "/feedback?weights=target0:1,target2:0.5&label=Calm", 1280, 800);
        await page.WaitForAsync("() => window.rtfeedback && window.rtfeedback.connected", Wait);

        await harness.PlayAsync(0, 40, Interval);
        int decoded = DecodedUpTo(session, 40);
        await page.WaitForAsync($"() => window.rtfeedback.values.length === {decoded}", Wait);
        var values = await page.Page.EvaluateAsync<double[]>("() => window.rtfeedback.values");
        var expected = Enumerable.Range(session.Context.Window - 1, decoded).Select(v => FakeSession.Estimate(v, 0) + 0.5 * FakeSession.Estimate(v, 2));
        Assert.Equal(expected, values, new Tolerance(1e-9));
        Assert.Equal("Calm", await page.Page.Locator("#label").TextContentAsync());
        var fill = await page.Page.EvaluateAsync<double>("() => parseFloat(document.getElementById('fill').style.height)");
        Assert.Equal((values[^1] + 1) / 3 * 100, fill, 3);
        // The target zone 0.6–1.2 on the −1…2 scale: from 53.3 % of the height, 20 % of it tall.
        Assert.Equal(160.0 / 3, await page.Page.EvaluateAsync<double>("() => parseFloat(document.getElementById('zone').style.bottom)"), 3);
        Assert.Equal(20, await page.Page.EvaluateAsync<double>("() => parseFloat(document.getElementById('zone').style.height)"), 3);

        string shot = await page.ScreenshotAsync("feedback");
        output.WriteLine($"screenshot: {shot}");
        Assert.True(page.Errors.Count == 0, string.Join("\n", page.Errors));
    }

    [BrowserFact]
    public async Task Pages_UnknownTargetOrLostHost_SaySoInsteadOfAStillBar()
    {
        var session = new FakeSession(rois: 20, targets: 3, volumes: 20);
        var harness = await DashboardHarness.StartAsync(session, feedback: new FeedbackOptions { Smooth = 1, Min = -3, Max = 3 });
        bool serving = true;
        try
        {
            await using var chromium = await ChromiumBrowser.LaunchAsync();
            var typo = await chromium.OpenAsync(harness.BaseUrl + "/feedback?target=Target9", 1280, 800);
            var weighted = await chromium.OpenAsync(harness.BaseUrl + "/feedback?weights=TARGET0:1,target2:-0.5", 1280, 800);
            var dashboard = await chromium.OpenAsync(harness.BaseUrl + "/");
            foreach (var page in new[] { typo, weighted }) await page.WaitForAsync("() => window.rtfeedback && window.rtfeedback.connected", Wait);
            await dashboard.WaitForAsync("() => window.rtdecode && window.rtdecode.connected()", Wait);

            await harness.PlayAsync(0, 20, Interval);
            int decoded = DecodedUpTo(session, 20);
            await weighted.WaitForAsync($"() => window.rtfeedback.values.length === {decoded}", Wait);

            // A name in another case is the model's target; a negative weight reads as a difference.
            var values = await weighted.Page.EvaluateAsync<double[]>("() => window.rtfeedback.values");
            var expected = Enumerable.Range(session.Context.Window - 1, decoded).Select(v => FakeSession.Estimate(v, 0) - 0.5 * FakeSession.Estimate(v, 2));
            Assert.Equal(expected, values, new Tolerance(1e-9));
            Assert.Equal("target0 − 0.5 × target2", await weighted.Page.Locator("#label").InnerTextAsync());
            Assert.False(await weighted.Page.Locator("#zone").IsVisibleAsync()); // no target zone configured

            // A name the model lacks: the page says which and what the model has, and shows no value.
            const string problem = "unknown target 'Target9'; this model's targets: target0, target1, target2";
            Assert.Equal(problem, await typo.Page.EvaluateAsync<string>("() => window.rtfeedback.problem"));
            Assert.Equal(problem, await typo.Page.Locator("#wait").InnerTextAsync());
            Assert.True(await typo.Page.Locator("#wait").IsVisibleAsync());
            Assert.Equal("–", await typo.Page.Locator("#value").InnerTextAsync());
            Assert.Empty(await typo.Page.EvaluateAsync<double[]>("() => window.rtfeedback.values"));
            Assert.True(typo.Errors.Count == 0, string.Join("\n", typo.Errors));
            output.WriteLine($"screenshot: {await typo.ScreenshotAsync("feedback-unknown-target")}");

            // The host goes away: the last bar stays, dimmed, with a line saying the display is not live.
            Assert.Equal("", await weighted.Page.Locator("#contact").InnerTextAsync());
            serving = false;
            await harness.DisposeAsync();
            await weighted.WaitForAsync("() => !window.rtfeedback.connected && document.getElementById('contact').textContent.length > 0", Wait);
            Assert.Equal("no connection to the decoder: the display is not live", await weighted.Page.Locator("#contact").InnerTextAsync());
            Assert.True(await weighted.Page.Locator("#contact").IsVisibleAsync());
            output.WriteLine($"screenshot: {await weighted.ScreenshotAsync("feedback-host-gone")}");
            // The dashboard last heard "running": out of contact, it does not claim the session still runs.
            await dashboard.WaitForAsync("() => document.getElementById('state').textContent === 'unknown (no connection)'", Wait);
        }
        finally
        {
            if (serving) await harness.DisposeAsync();
        }
    }

    [BrowserFact]
    public async Task Dashboard_MoreRoisThanMaxMatrixSize_DrawsBlockHeatmapWithNetworkOutlines()
    {
        var session = new FakeSession(rois: 400, targets: 3, window: 5, volumes: 12);
        await using var harness = await DashboardHarness.StartAsync(session, new DashboardOptions { MaxMatrixSize = 100, MatrixIntervalMs = 0 });
        await using var chromium = await ChromiumBrowser.LaunchAsync();
        var page = await chromium.OpenAsync(harness.BaseUrl + "/", 1400, 900);
        await page.WaitForAsync("() => window.rtdecode && window.rtdecode.connected()", Wait);
        await harness.PlayAsync(0, 12, TimeSpan.FromMilliseconds(50));
        await page.WaitForAsync("() => window.rtdecode.state.connectivity && window.rtdecode.state.connectivity.volume === 11 && window.rtdecode.heatmapDraws() > 0", Wait);

        Assert.Equal(100, await page.Page.EvaluateAsync<int>("() => window.rtdecode.state.connectivity.roiCount"));
        Assert.Contains("averaged to 100 blocks", await page.Page.Locator("#matrix-volume").TextContentAsync());
        // Network outlines are black lines on the diagonal blocks: the top-left corner pixel row has black.
        var dark = await page.Page.EvaluateAsync<int>(@"() => {
            const c = document.getElementById('heatmap'), d = c.getContext('2d').getImageData(0, 1, c.width, 1).data;
            let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 30 && d[i + 1] < 30 && d[i + 2] < 30) n++; return n; }");
        Assert.True(dark > 0, "no network outline drawn");
        string shot = await page.ScreenshotAsync("dashboard-blocks");
        output.WriteLine($"screenshot: {shot}");
        Assert.True(page.Errors.Count == 0, string.Join("\n", page.Errors));
    }

    private static double Percentile(double[] sorted, double q)
    {
        double pos = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    private sealed class Tolerance(double eps) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= eps;
        public int GetHashCode(double obj) => 0;
    }
}
