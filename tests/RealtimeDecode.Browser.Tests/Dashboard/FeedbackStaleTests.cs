using RealtimeDecode.Browser.Tests.Support;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Dashboard.Redis;
using RealtimeDecode.Host.Session;
using RealtimeDecode.Host.Tests.Dashboard.Redis;
using RealtimeDecode.Host.Tests.Dashboard.Support;
using Xunit.Abstractions;

namespace RealtimeDecode.Browser.Tests.Dashboard;

/// <summary>
/// The participant display on a <c>serve</c> host (through a real redis-server), in Chromium, while the session's decoder
/// falls silent: once the host finds the session stale, the bar is greyed and says it is paused, for a page open through
/// the silence and for one opened during it; when estimates come again it is live again.
/// </summary>
public sealed class FeedbackStaleTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private const string Paused =
        "() => { const p = document.getElementById('paused'); return document.body.classList.contains('paused') && !!p && getComputedStyle(p).display !== 'none'; }";
    private const string Live =
        "() => { const p = document.getElementById('paused'); return !document.body.classList.contains('paused') && (!p || getComputedStyle(p).display === 'none'); }";

    [BrowserFact]
    public async Task Feedback_DecoderFallsSilentThenResumes_GreyedAndSaysPausedThenLiveAgain()
    {
        using var redisServer = new RedisServer();
        var options = new DashboardOptions { Urls = "http://127.0.0.1:0", Redis = redisServer.ConnectionString };
        await using var link = await RedisConnection.ConnectAsync(RedisConnection.Parse(redisServer.ConnectionString, "test"));
        await using var serve = await SessionRunner.StartDashboardAsync(options, new FeedbackOptions(), TimeProvider.System, link, null, CancellationToken.None);
        string host = serve.Addresses[0].TrimEnd('/');

        // The decoder, without a dashboard of its own: its entry's times come from a clock that can be set back, so that
        // the serve host finds it without news (as if killed) for as long as the clock stays back.
        var clock = new ShiftedClock();
        var session = new FakeSession(rois: 20, targets: 3, window: 5, volumes: 60);
        var decoder = new DashboardBroadcaster(null, options) { SessionId = "scan7" };
        var sink = new DashboardSink(decoder, session.Context, options);
        await using var publisher = new RedisSessionPublisher(decoder, link, options, null, clock);
        async Task Play(int from, int to)
        {
            for (int v = from; v < to; v++)
            {
                await sink.OnFrameAsync(session.Frame(v), CancellationToken.None);
                await Task.Delay(Interval);
            }
        }

        await using var chromium = await ChromiumBrowser.LaunchAsync();
        await Play(0, 10);
        var display = await chromium.OpenAsync(host + "/feedback?session=scan7&target=target1", 1280, 800);
        await display.WaitForAsync("() => window.rtfeedback && window.rtfeedback.connected && window.rtfeedback.values.length > 0", Wait);
        Assert.True(await display.Page.EvaluateAsync<bool>(Live));

        // Silence: the entry is a minute old from its next refresh on.
        clock.Shift = TimeSpan.FromMinutes(-1);
        await display.WaitForAsync(Paused, Wait);
        Assert.Equal("paused — no new estimates", await display.Page.Locator("#paused").InnerTextAsync());
        Assert.True(await display.Page.Locator("#paused").IsVisibleAsync());
        Assert.Equal("0.3", await display.Page.EvaluateAsync<string>("() => getComputedStyle(document.getElementById('thermo')).opacity"));
        Assert.True(await display.Page.EvaluateAsync<bool>("() => window.rtfeedback.connected"), "the page is connected: the pause is the decoder's");
        var late = await chromium.OpenAsync(host + "/feedback?session=scan7&target=target1", 1280, 800);
        await late.WaitForAsync("() => window.rtfeedback && window.rtfeedback.connected && window.rtfeedback.values.length > 0", Wait);
        await late.WaitForAsync(Paused, Wait);
        output.WriteLine($"screenshot: {await display.ScreenshotAsync("feedback-paused")}");

        // News again: estimates resume, and the bar is live.
        clock.Shift = TimeSpan.Zero;
        int shown = await display.Page.EvaluateAsync<int>("() => window.rtfeedback.values.length");
        await Play(10, 14);
        await display.WaitForAsync($"() => window.rtfeedback.values.length > {shown}", Wait);
        await display.WaitForAsync(Live, Wait);
        await late.WaitForAsync(Live, Wait);
        Assert.Equal("1", await display.Page.EvaluateAsync<string>("() => getComputedStyle(document.getElementById('thermo')).opacity"));
        output.WriteLine($"screenshot: {await display.ScreenshotAsync("feedback-resumed")}");
        Assert.True(display.Errors.Count == 0, string.Join("\n", display.Errors));
        Assert.True(late.Errors.Count == 0, string.Join("\n", late.Errors));
    }

    /// <summary>The system's clock, its wall time shifted by <see cref="Shift"/> (its timestamps are the system's).</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        private long _shift;

        public TimeSpan Shift
        {
            get => TimeSpan.FromTicks(Interlocked.Read(ref _shift));
            set => Interlocked.Exchange(ref _shift, value.Ticks);
        }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Shift;
    }
}
