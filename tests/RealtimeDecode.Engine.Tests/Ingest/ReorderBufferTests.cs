using System.Reactive.Concurrency;
using RealtimeDecode.Engine.Ingest;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Ingest;

public sealed class ReorderBufferTests
{
    private static readonly TimeSpan Tr = TimeSpan.FromSeconds(2);
    private readonly HistoricalScheduler _clock = new(DateTimeOffset.UnixEpoch);
    private readonly ReorderBuffer _buffer;
    private readonly List<VolumeArrival> _out = [];

    public ReorderBufferTests() =>
        _buffer = new ReorderBuffer(ReorderOptions.ForTrs(Tr, 3, capacity: 4), _clock, new SchedulerTimeProvider(_clock));

    private void Add(int index, string? path = null) => _out.AddRange(_buffer.Add(new VolumeArrival(index, path ?? $"f{index}", 0)));

    private void At(double seconds)
    {
        _clock.AdvanceTo(DateTimeOffset.UnixEpoch.AddSeconds(seconds));
        _out.AddRange(_buffer.Expire());
    }

    [Fact]
    public void Add_OutOfOrderArrivals_ReleasedInIndexOrder()
    {
        Add(0); At(2); Add(2); At(3); Add(3); At(4); Add(1); At(6); Add(5); Add(4);

        Assert.Equal([0, 1, 2, 3, 4, 5], _out.Select(a => a.Index));
        Assert.All(_out, a => Assert.Equal(VolumeStatus.Ok, a.Status));
        Assert.Equal(0, _buffer.MissingCount);
    }

    [Fact]
    public void Expire_GapOpenForThreeTrsAfterALaterVolume_DeclaredMissingAndRunGoesOn()
    {
        Add(0);
        At(4); Add(2);            // 1 is late: the clock for it starts now (4 s)
        At(6); Add(3);
        At(9.99);
        Assert.Equal([0], _out.Select(a => a.Index));
        Assert.Equal(TimeSpan.FromSeconds(10), _buffer.NextDeadline!.Value - DateTimeOffset.UnixEpoch);

        At(10);                   // 4 s + 3 TR

        Assert.Equal([0, 1, 2, 3], _out.Select(a => a.Index));
        Assert.Equal(VolumeStatus.Missing, _out[1].Status);
        Assert.Null(_out[1].Path);
        Assert.Equal(TimeSpan.FromSeconds(10).Ticks, _out[1].DetectedTimestamp);
        Assert.Equal(1, _buffer.MissingCount);
        Assert.Null(_buffer.NextDeadline);
        Add(4);
        Assert.Equal(4, _out[^1].Index);
    }

    [Fact]
    public void MissingAfter_ChangedWhenTheTrBecomesKnown_TimesTheOpenGapAtTheNewTimeout()
    {
        Add(0);
        At(4); Add(2);            // 1 is late: its gap was to close at 4 s + 3 × 2 s
        _buffer.MissingAfter = TimeSpan.FromSeconds(3 * 0.8);
        Assert.Equal(TimeSpan.FromSeconds(6.4), _buffer.NextDeadline!.Value - DateTimeOffset.UnixEpoch);

        At(6.4);

        Assert.Equal([0, 1, 2], _out.Select(a => a.Index));
        Assert.Equal(VolumeStatus.Missing, _out[1].Status);
        Assert.Throws<ArgumentOutOfRangeException>(() => _buffer.MissingAfter = TimeSpan.Zero);
    }

    [Fact]
    public void Expire_SeveralMissingBeforeTheEarliestWaiting_AllDeclaredAtItsDeadline()
    {
        Add(0); At(2); Add(4); At(5); Add(3);
        At(8);

        Assert.Equal([0, 1, 2, 3, 4], _out.Select(a => a.Index));
        Assert.Equal([VolumeStatus.Ok, VolumeStatus.Missing, VolumeStatus.Missing, VolumeStatus.Ok, VolumeStatus.Ok], _out.Select(a => a.Status));
    }

    [Fact]
    public void Add_DuplicateOfReleasedOrWaiting_IgnoredAndCounted()
    {
        Add(0); Add(0, "again"); Add(2); Add(2, "again2"); Add(1);

        Assert.Equal([0, 0, 2, 1, 2], _out.Select(a => a.Index));
        Assert.Equal([VolumeStatus.Ok, VolumeStatus.Duplicate, VolumeStatus.Duplicate, VolumeStatus.Ok, VolumeStatus.Ok], _out.Select(a => a.Status));
        Assert.Equal("again", _out[1].Path);
        Assert.Equal("f2", _out[4].Path);
        Assert.Equal(2, _buffer.DuplicateCount);
    }

    [Fact]
    public void Add_AfterBeingDeclaredMissing_ReportedLate()
    {
        Add(0); At(2); Add(2); At(8); Add(1, "late");

        Assert.Equal([VolumeStatus.Ok, VolumeStatus.Missing, VolumeStatus.Ok, VolumeStatus.Late], _out.Select(a => a.Status));
        Assert.Equal(1, _buffer.LateCount);
        Add(1, "later still");
        Assert.Equal(VolumeStatus.Duplicate, _out[^1].Status);
    }

    [Fact]
    public void Add_MoreWaitingThanCapacity_GapForcedMissing()
    {
        Add(0);
        for (int i = 2; i <= 5; i++) Add(i);
        Assert.Single(_out);
        Add(6);                   // 5 waiting > capacity 4

        Assert.Equal([0, 1, 2, 3, 4, 5, 6], _out.Select(a => a.Index));
        Assert.Equal(VolumeStatus.Missing, _out[1].Status);
    }

    [Fact]
    public void Flush_EndOfRun_GapsMissingAndWaitingReleased()
    {
        Add(0); Add(3);
        _out.AddRange(_buffer.Flush());

        Assert.Equal([0, 1, 2, 3], _out.Select(a => a.Index));
        Assert.Equal(0, _buffer.WaitingCount);
        Assert.Equal(4, _buffer.NextIndex);
    }

    [Fact]
    public void Constructor_NonPositiveTimeout_Refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReorderOptions(TimeSpan.Zero));
    }
}
