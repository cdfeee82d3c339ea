using System.Globalization;
using RealtimeDecode.Browser.Tests.Support;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Dashboard.Redis;
using RealtimeDecode.Host.Session;
using RealtimeDecode.Host.Tests.Dashboard.Redis;
using RealtimeDecode.Host.Tests.Dashboard.Support;
using Xunit.Abstractions;

namespace RealtimeDecode.Browser.Tests.Dashboard;

/// <summary>
/// The dashboard and the participant display open on a <c>serve</c> process (through a real redis-server), in Chromium,
/// while a second decoder takes over the id of the session they show once it ended: the new session's volumes count from
/// run 1, volume 0 again, and the open pages drop the old session and show the new one's estimates.
/// </summary>
public sealed class SessionTakeoverPagesTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>The second session's estimates: the first's shifted down by 2, so no value of one is one of the other's.</summary>
    private static double SecondEstimate(int volume, int target) => FakeSession.Estimate(volume, target) - 2;

    private static PipelineFrame Second(PipelineFrame f) =>
        f is EstimateFrame { Estimates: { } e } ef ? ef with { Estimates = [.. e.Select((_, t) => SecondEstimate(f.Volume, t))] } : f;

    [BrowserFact]
    public async Task Pages_OpenWhileAnotherDecoderTakesTheIdOver_ShowTheNewSessionsEstimates()
    {
        using var redisServer = new RedisServer();
        var options = new DashboardOptions { Redis = redisServer.ConnectionString };
        await using var link = await RedisConnection.ConnectAsync(RedisConnection.Parse(redisServer.ConnectionString, "test"));
        using var serve = new CliHost(null, "serve", "--urls", "http://127.0.0.1:0", "--redis", redisServer.ConnectionString);
        string host = await serve.UrlAsync(Wait);
        var session = new FakeSession(rois: 20, targets: 3, window: 5, volumes: 40);

        // The first decoder, without a dashboard of its own: volumes 0–19, then it ends.
        var first = new DashboardBroadcaster(null, options) { SessionId = "scan9" };
        var firstSink = new DashboardSink(first, session.Context, options);
        var firstPublisher = new RedisSessionPublisher(first, link, options, null);
        await Play(session, firstSink, 0, 4, f => f);
        await using var chromium = await ChromiumBrowser.LaunchAsync();
        var dashboard = await chromium.OpenAsync(host + "/?session=scan9");
        var display = await chromium.OpenAsync(host + "/feedback?session=scan9&target=target1&smooth=3&min=-3&max=3", 1280, 800);
        await dashboard.WaitForAsync("() => window.rtdecode && window.rtdecode.connected()", Wait);
        await display.WaitForAsync("() => window.rtfeedback && window.rtfeedback.connected", Wait);
        await Play(session, firstSink, 4, 20, f => f);
        await firstSink.OnCompletedAsync(null, CancellationToken.None);
        await Until(() => firstPublisher.Written == first.LastSeq, "the first session written to Redis");
        await firstPublisher.DisposeAsync();
        await dashboard.WaitForAsync("() => window.rtdecode.lastVolume() === 19 && document.getElementById('state').textContent === 'ended'", Wait);
        await display.WaitForAsync($"() => window.rtfeedback.values.length === {20 - 4}", Wait);

        // The second decoder, as SessionRunner starts one: the id claimed, numbered on from the first session's last event.
        long seqBefore = await RedisLink.ClaimAsync(link, "scan9", TimeProvider.System, TextWriter.Null);
        var second = new DashboardBroadcaster(null, options) { SessionId = "scan9" };
        second.ContinueAfter(seqBefore);
        var secondSink = new DashboardSink(second, session.Context, options);
        await using var secondPublisher = new RedisSessionPublisher(second, link, options, null);
        await Play(session, secondSink, 0, 12, Second);

        // The open dashboard: the new session's volumes 4–11 alone, its values, and a note that it began.
        await dashboard.WaitForAsync("() => window.rtdecode.lastVolume() === 11 && window.rtdecode.state.qc.size === 12", Wait);
        Assert.Equal(Enumerable.Range(4, 8), await dashboard.Page.EvaluateAsync<int[]>("() => window.rtdecode.state.xs"));
        Assert.Equal(Enumerable.Range(0, 12), await dashboard.Page.EvaluateAsync<int[]>("() => [...window.rtdecode.state.qc.keys()]"));
        Assert.Equal(Enumerable.Range(0, 3).Select(t => SecondEstimate(11, t).ToString("0.000", CultureInfo.InvariantCulture)),
            await dashboard.Page.Locator("#values .num").AllTextContentsAsync());
        Assert.Equal("11", await dashboard.Page.Locator("#volume").InnerTextAsync());
        Assert.Equal("running", await dashboard.Page.Locator("#state").InnerTextAsync());
        Assert.True(await dashboard.Page.Locator("#new-run").IsVisibleAsync());
        Assert.StartsWith("session scan9 began anew", await dashboard.Page.Locator("#new-run").InnerTextAsync(), StringComparison.Ordinal);
        // The serve host's header names the session it follows and the run that session replays.
        Assert.Equal("session scan9", await dashboard.Page.Locator("#session-fact").InnerTextAsync());
        Assert.Equal("replay of sub-01_task-movie_run-1", await dashboard.Page.Locator("#source").InnerTextAsync());
        Assert.False(await dashboard.Page.Locator("#run-of-session").IsVisibleAsync());

        // The open participant display: the new session's value, smoothed over its own estimates alone.
        double expected = Enumerable.Range(9, 3).Average(v => SecondEstimate(v, 1));
        string text = expected.ToString("0.00", CultureInfo.InvariantCulture);
        await display.WaitForAsync($"() => document.getElementById('value').textContent === '{text}'", Wait);
        Assert.Equal(1, await display.Page.EvaluateAsync<int>("() => window.rtfeedback.run"));
        Assert.Equal((expected + 3) / 6 * 100, await display.Page.EvaluateAsync<double>("() => parseFloat(document.getElementById('fill').style.height)"), 3);

        output.WriteLine($"screenshot: {await dashboard.ScreenshotAsync("dashboard-session-taken-over")}");
        Assert.True(dashboard.Errors.Count == 0, string.Join("\n", dashboard.Errors));
        Assert.True(display.Errors.Count == 0, string.Join("\n", display.Errors));
    }

    private static async Task Play(FakeSession session, DashboardSink sink, int from, int to, Func<PipelineFrame, PipelineFrame> change)
    {
        for (int v = from; v < to; v++)
        {
            await sink.OnFrameAsync(change(session.Frame(v)), CancellationToken.None);
            await Task.Delay(Interval);
        }
    }

    private static async Task Until(Func<bool> done, string what)
    {
        using var cts = new CancellationTokenSource(Wait);
        while (!done())
        {
            if (cts.IsCancellationRequested) throw new TimeoutException(what);
            await Task.Delay(50);
        }
    }
}
