using System.Reactive.Concurrency;
using RealtimeDecode.Engine.Ingest;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Ingest;

public sealed class RunReplayerTests
{
    private static readonly TimeSpan Tr = TimeSpan.FromSeconds(2);
    private readonly HistoricalScheduler _scheduler = new(DateTimeOffset.UnixEpoch);

    private (List<VolumeArrival> Arrivals, List<TimeSpan> At) Subscribe(ReplaySpeed speed, int volumes)
    {
        var replayer = new RunReplayer(FakeVolumes.Run(volumes), Tr, speed, _scheduler, new SchedulerTimeProvider(_scheduler));
        var arrivals = new List<VolumeArrival>();
        var at = new List<TimeSpan>();
        replayer.Arrivals().Subscribe(a => { arrivals.Add(a); at.Add(_scheduler.Now - DateTimeOffset.UnixEpoch); });
        return (arrivals, at);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(10.0)]
    public void Arrivals_PacedAtTrOverSpeed_VolumeIAtItsAcquisitionEnd(double speed)
    {
        var (arrivals, at) = Subscribe(ReplaySpeed.Of(speed), 10);
        var interval = Tr / speed;

        _scheduler.AdvanceBy(interval * 5 - TimeSpan.FromTicks(1));
        Assert.Equal(4, arrivals.Count);
        _scheduler.AdvanceBy(TimeSpan.FromTicks(1));
        Assert.Equal(5, arrivals.Count);
        _scheduler.AdvanceBy(interval * 10);

        Assert.Equal(Enumerable.Range(0, 10), arrivals.Select(a => a.Index));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => interval * i), at);
        Assert.Equal(at.Select(t => t.Ticks), arrivals.Select(a => a.DetectedTimestamp));
        Assert.Equal(3, arrivals[3].Load!().Index);
    }

    [Fact]
    public void Arrivals_Max_AllInOrderWithoutVirtualTimePassing()
    {
        var (arrivals, at) = Subscribe(ReplaySpeed.Max, 30);

        _scheduler.AdvanceBy(TimeSpan.FromTicks(1));

        Assert.Equal(Enumerable.Range(0, 30), arrivals.Select(a => a.Index));
        Assert.All(at, t => Assert.Equal(TimeSpan.Zero, t));
    }

    [Theory]
    [InlineData("max", double.PositiveInfinity)]
    [InlineData("1", 1.0)]
    [InlineData("2.5", 2.5)]
    [InlineData("10x", 10.0)]
    public void TryParse_ValidText_Speed(string text, double factor)
    {
        Assert.True(ReplaySpeed.TryParse(text, out var s));
        Assert.Equal(factor, s.Factor);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("fast")]
    [InlineData("")]
    public void TryParse_InvalidText_False(string text) => Assert.False(ReplaySpeed.TryParse(text, out _));

    [Fact]
    public void Of_NonPositive_Refused() => Assert.Throws<ArgumentOutOfRangeException>(() => ReplaySpeed.Of(0));
}
