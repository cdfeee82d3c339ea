using System.Reactive.Concurrency;
using RealtimeDecode.Engine.Ingest;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Ingest;

public sealed class SizeStableCompletenessTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly HistoricalScheduler _scheduler = new(DateTimeOffset.UnixEpoch);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Check_SizeUnchangedForTheStabilityTime_Complete()
    {
        var check = new SizeStableCompleteness(TimeSpan.FromMilliseconds(500), new SchedulerTimeProvider(_scheduler));
        var path = _dir.File("vol_0000.nii");

        Assert.Equal(FileCompleteness.Incomplete, check.Check(path));          // not there yet
        File.WriteAllBytes(path, new byte[8]);
        Assert.Equal(FileCompleteness.Incomplete, check.Check(path));          // first look
        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(499));
        Assert.Equal(FileCompleteness.Incomplete, check.Check(path));          // stable, but not long enough
        File.WriteAllBytes(path, new byte[16]);
        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(400));
        Assert.Equal(FileCompleteness.Incomplete, check.Check(path));          // grew: the clock restarts
        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(500));
        Assert.Equal(FileCompleteness.Complete, check.Check(path));
    }

    [Fact]
    public void Check_EmptyFile_NeverComplete()
    {
        var check = new SizeStableCompleteness(TimeSpan.FromMilliseconds(100), new SchedulerTimeProvider(_scheduler));
        var path = _dir.File("vol_0000.nii");
        File.WriteAllBytes(path, []);

        check.Check(path);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(10));

        Assert.Equal(FileCompleteness.Incomplete, check.Check(path));
    }
}
