using System.Globalization;
using RealtimeDecode.Browser.Tests.Support;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Tests.Dashboard.Support;
using Xunit.Abstractions;

namespace RealtimeDecode.Browser.Tests.Dashboard;

/// <summary>
/// A live session that goes on into a new scanner series (a new run, its volumes counting from 0 again), and a page
/// reloaded after the last volume, in Chromium: the pages follow the new run, and the clock counts from the volume.
/// </summary>
public sealed class NewRunTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>The second run's estimates: the first run's shifted down by 2, so no value of one run is one of the other's.</summary>
    private static double Run2Estimate(int volume, int target) => FakeSession.Estimate(volume, target) - 2;

    private static Func<PipelineFrame, PipelineFrame> Series(int series, bool second) => f =>
        second && f is EstimateFrame { Estimates: { } e } ef
            ? ef with { Estimates = [.. e.Select((_, t) => Run2Estimate(f.Volume, t))], Series = series }
            : f with { Series = series };

    [BrowserFact]
    public async Task Pages_SecondRunOfALiveSession_ShowTheNewRunsValuesAndSayANewRunBegan()
    {
        var session = new FakeSession(rois: 20, targets: 3, window: 5, volumes: 40, watch: "/tmp/export");
        await using var harness = await DashboardHarness.StartAsync(session, feedback: new FeedbackOptions { Smooth = 3, Min = -3, Max = 3 });
        await using var chromium = await ChromiumBrowser.LaunchAsync();
        var dashboard = await chromium.OpenAsync(harness.BaseUrl + "/");
        var display = await chromium.OpenAsync(harness.BaseUrl + "/feedback?target=target1", 1280, 800);
        await dashboard.WaitForAsync("() => window.rtdecode && window.rtdecode.connected()", Wait);
        await display.WaitForAsync("() => window.rtfeedback && window.rtfeedback.connected", Wait);

        // Run 1 (series 3): volumes 0–29, as in the review's session that froze on its last volume.
        await harness.PlayAsync(0, 30, Interval, Series(3, second: false));
        await dashboard.WaitForAsync("() => window.rtdecode.lastVolume() === 29", Wait);
        await display.WaitForAsync($"() => window.rtfeedback.values.length === {30 - 4}", Wait);
        string? firstRun = await dashboard.Page.EvaluateAsync<string?>("() => document.getElementById('run-of-session')?.textContent ?? null");
        Assert.True(await dashboard.Page.EvaluateAsync<bool>("() => !document.querySelector('#new-run:not([hidden])')"));

        // Run 2 (series 4): volumes 0–11, warm-up 0–3 then estimates 4–11.
        await harness.PlayAsync(0, 12, Interval, Series(4, second: true));
        await dashboard.WaitForAsync("() => window.rtdecode.lastVolume() === 11 && window.rtdecode.state.qc.size === 12", Wait);
        Assert.Equal(Enumerable.Range(4, 8), await dashboard.Page.EvaluateAsync<int[]>("() => window.rtdecode.state.xs"));
        Assert.Equal("11", await dashboard.Page.Locator("#volume").InnerTextAsync());
        Assert.Equal("run 1 of the session (series 3)", firstRun);
        // A live session: the header says which folder it watches, then the run in progress.
        Assert.Equal("watching /tmp/export", await dashboard.Page.Locator("#source").InnerTextAsync());
        Assert.False(await dashboard.Page.Locator("#session-fact").IsVisibleAsync()); // a session without an id names none
        Assert.Equal("run 2 of the session (series 4)", await dashboard.Page.Locator("#run-of-session").InnerTextAsync());
        Assert.True(await dashboard.Page.Locator("#new-run").IsVisibleAsync());
        Assert.StartsWith("run 2 began", await dashboard.Page.Locator("#new-run").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 3).Select(t => Run2Estimate(11, t).ToString("0.000", CultureInfo.InvariantCulture)),
            await dashboard.Page.Locator("#values .num").AllTextContentsAsync());
        Assert.Contains("ok 12", await dashboard.Page.Locator("#counts").InnerTextAsync(), StringComparison.Ordinal); // the run's counts

        // The participant's bar: the new run's value, smoothed over the new run's estimates alone.
        double expected = Enumerable.Range(9, 3).Average(v => Run2Estimate(v, 1));
        string text = expected.ToString("0.00", CultureInfo.InvariantCulture);
        await display.WaitForAsync($"() => document.getElementById('value').textContent === '{text}'", Wait);
        Assert.Equal(2, await display.Page.EvaluateAsync<int>("() => window.rtfeedback.run"));
        Assert.Equal((expected + 3) / 6 * 100, await display.Page.EvaluateAsync<double>("() => parseFloat(document.getElementById('fill').style.height)"), 3);

        // Late joiners see the run in progress, not the first run's volumes drawn over it.
        await dashboard.Page.ReloadAsync();
        await dashboard.WaitForAsync("() => window.rtdecode && window.rtdecode.connected() && window.rtdecode.lastVolume() === 11", Wait);
        Assert.Equal(Enumerable.Range(4, 8), await dashboard.Page.EvaluateAsync<int[]>("() => window.rtdecode.state.xs"));
        Assert.Equal(Enumerable.Range(0, 12), await dashboard.Page.EvaluateAsync<int[]>("() => [...window.rtdecode.state.qc.keys()]"));
        Assert.Equal("run 2 of the session (series 4)", await dashboard.Page.Locator("#run-of-session").InnerTextAsync());
        await display.Page.ReloadAsync();
        await display.WaitForAsync($"() => window.rtfeedback && window.rtfeedback.connected && document.getElementById('value').textContent === '{text}'", Wait);

        output.WriteLine($"screenshot: {await dashboard.ScreenshotAsync("dashboard-second-run")}");
        Assert.True(dashboard.Errors.Count == 0, string.Join("\n", dashboard.Errors));
        Assert.True(display.Errors.Count == 0, string.Join("\n", display.Errors));
    }

    [BrowserFact]
    public async Task Dashboard_ReloadedAfterTheLastVolume_CountsTheTimeSinceThatVolumeNotSinceTheReload()
    {
        var session = new FakeSession(rois: 20, targets: 2, window: 5, volumes: 10);
        await using var harness = await DashboardHarness.StartAsync(session);
        await using var chromium = await ChromiumBrowser.LaunchAsync();
        var page = await chromium.OpenAsync(harness.BaseUrl + "/");
        await page.WaitForAsync("() => window.rtdecode && window.rtdecode.connected()", Wait);

        await harness.PlayAsync(0, 10, Interval);
        var last = DateTimeOffset.UtcNow;
        await page.WaitForAsync("() => window.rtdecode.state.qc.size === 10", Wait);
        // The scanner stops; 4 s later (2 TRs) the operator reloads the page.
        await Task.Delay(TimeSpan.FromSeconds(4));
        await page.Page.ReloadAsync();
        await page.WaitForAsync("() => window.rtdecode && window.rtdecode.connected() && window.rtdecode.state.qc.size === 10", Wait);
        await page.WaitForAsync("() => /^[0-9.]+ s$/.test(document.getElementById('clock').textContent)", Wait);

        double shown = double.Parse((await page.Page.Locator("#clock").InnerTextAsync()).Split(' ')[0], CultureInfo.InvariantCulture);
        double since = (DateTimeOffset.UtcNow - last).TotalSeconds;
        output.WriteLine($"since last volume: shown {shown:0.0} s, {since:0.0} s by the test's clock");
        Assert.True(shown >= 4.0 && shown <= since + 0.3, $"shown {shown} s, {since:0.0} s since the last volume was published");
        // Over 1.5 TR without a volume: the clock is red, as it was before the reload.
        Assert.Equal("rgb(230, 25, 75)", await page.Page.EvaluateAsync<string>("() => getComputedStyle(document.getElementById('clock')).color"));
        Assert.True(page.Errors.Count == 0, string.Join("\n", page.Errors));
    }
}
