using RealtimeDecode.Host.Dashboard;

namespace RealtimeDecode.Host.Tests.Dashboard;

public sealed class FeedbackDisplayTimesTests
{
    /// <summary>A clock that moves only when told: 1 tick = 1 ms.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public long Ms { get; set; }
        public override long GetTimestamp() => Ms;
        public override long TimestampFrequency => 1000;
    }

    [Fact]
    public void Acknowledge_DisplayedIsFileCompleteToDrawOnTheHostClock()
    {
        var clock = new ManualClock { Ms = 1_000 };
        var times = new FeedbackDisplayTimes(clock, TimeSpan.FromSeconds(5));
        times.Register(7, detectedTimestamp: 990);  // the file was complete 10 ms before publication
        Assert.False(times.TryGetDisplayedMs(7, out _)); // published, not yet drawn

        clock.Ms = 1_045; // the acknowledgement arrives 45 ms after publication, sent 3.5 ms after the draw
        Assert.True(times.Acknowledge(1, 7, 3.5));
        Assert.True(times.TryGetDisplayedMs(7, out double ms));
        Assert.Equal(1_045 - 990 - 3.5, ms, 9);

        clock.Ms = 1_100; // a second display drawing it later does not count
        Assert.False(times.Acknowledge(1, 7, 0));
        Assert.True(times.TryGetDisplayedMs(7, out ms));
        Assert.Equal(51.5, ms, 9);
    }

    [Fact]
    public void TryGetDisplayedMs_UnacknowledgedSettlesAsNaAfterTheWait_UnpublishedWaits()
    {
        var clock = new ManualClock { Ms = 0 };
        var times = new FeedbackDisplayTimes(clock, TimeSpan.FromMilliseconds(500));
        times.Register(3, 0);
        times.Register(5, 0);
        Assert.True(times.TryGetDisplayedMs(4, out double skipped)); // never published while later ones were: n/a now
        Assert.True(double.IsNaN(skipped));
        Assert.False(times.TryGetDisplayedMs(6, out _)); // not published yet: may still come
        clock.Ms = 499;
        Assert.False(times.TryGetDisplayedMs(3, out _));
        clock.Ms = 500;
        Assert.True(times.TryGetDisplayedMs(3, out double late));
        Assert.True(double.IsNaN(late));
    }

    [Fact]
    public void Acknowledge_OtherRunNegativeDelayOrUnknownVolume_IsIgnored()
    {
        var clock = new ManualClock { Ms = 0 };
        var times = new FeedbackDisplayTimes(clock, TimeSpan.FromSeconds(1));
        times.Register(0, 0);
        Assert.False(times.Acknowledge(2, 0, 0));
        Assert.False(times.Acknowledge(1, 0, -1));
        Assert.False(times.Acknowledge(1, 0, double.NaN));
        Assert.False(times.Acknowledge(1, 9, 0));
        times.StartRun(2);
        times.Register(0, 0);
        clock.Ms = 20;
        Assert.False(times.Acknowledge(1, 0, 0)); // the previous run's page
        Assert.True(times.Acknowledge(2, 0, 0));
    }

    [Fact]
    public async Task WhenSettledAsync_ReturnsOnceEveryFrameIsAcknowledged()
    {
        var times = new FeedbackDisplayTimes(TimeProvider.System, TimeSpan.FromMinutes(10));
        times.Register(0, 0);
        times.Register(1, 0);
        var settled = times.WhenSettledAsync(1, CancellationToken.None);
        Assert.False(settled.IsCompleted);
        times.Acknowledge(1, 0, 0);
        Assert.False(settled.IsCompleted);
        times.Acknowledge(1, 1, 0);
        await settled.WaitAsync(TimeSpan.FromMinutes(1)); // the 10-minute wait is not what ends it
    }
}
