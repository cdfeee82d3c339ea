using System.Reactive.Concurrency;
using System.Reactive.Linq;
using RealtimeDecode.Engine.Ingest;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Tests.Support;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tests.Ingest;

public sealed class ExportFolderWatcherTests : IDisposable
{
    private static readonly TimeSpan Tr = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private readonly TempDirectory _dir = new();
    private readonly HistoricalScheduler _scheduler = new(DateTimeOffset.UnixEpoch);

    public void Dispose() => _dir.Dispose();

    private ExportWatcherOptions Options(Func<string, FileCompleteness>? completeness = null) => new()
    {
        Folder = _dir.Path,
        RepetitionTime = Tr,
        MissingAfterTrs = 3,
        PollInterval = Poll,
        UseFileSystemEvents = false,
        Completeness = completeness ?? (_ => FileCompleteness.Complete),
    };

    private void Write(string name) => File.WriteAllBytes(_dir.File(name), [1, 2, 3, 4]);

    private sealed class Observed
    {
        public List<int> Series { get; } = [];
        public List<VolumeArrival> Arrivals { get; } = [];
        public List<int> CompletedRuns { get; } = [];
    }

    private (Observed, IDisposable) Watch(ExportWatcherOptions options)
    {
        var seen = new Observed();
        var sub = new ExportFolderWatcher(options, _scheduler, new SchedulerTimeProvider(_scheduler)).Runs.Subscribe(run =>
        {
            seen.Series.Add(run.Series);
            run.Volumes.Subscribe(seen.Arrivals.Add, () => seen.CompletedRuns.Add(run.Series));
        });
        return (seen, sub);
    }

    [Fact]
    public void Runs_FilesWrittenOutOfOrder_ArrivalsInIndexOrder()
    {
        var (seen, sub) = Watch(Options());
        using (sub)
        {
            Write("001_000005_000001.dcm");
            _scheduler.AdvanceBy(Poll);
            Write("001_000005_000003.dcm");
            _scheduler.AdvanceBy(Poll);
            Assert.Single(seen.Arrivals);
            Write("001_000005_000002.dcm");
            _scheduler.AdvanceBy(Poll);

            Assert.Equal([5], seen.Series);
            Assert.Equal([0, 1, 2], seen.Arrivals.Select(a => a.Index));
            Assert.All(seen.Arrivals, a => Assert.Equal(VolumeStatus.Ok, a.Status));
            Assert.EndsWith("001_000005_000002.dcm", seen.Arrivals[1].Path);
            Assert.Equal(5, seen.Arrivals[1].Series);
        }
    }

    [Fact]
    public void Runs_VolumeNeverWritten_MissingThreeTrsAfterALaterOne()
    {
        var (seen, sub) = Watch(Options() with { PollInterval = TimeSpan.FromSeconds(30) });
        using (sub)
        {
            Write("vol_0000.nii");
            _scheduler.AdvanceBy(TimeSpan.FromSeconds(30));
            Write("vol_0002.nii");
            _scheduler.AdvanceBy(TimeSpan.FromSeconds(30));           // taken at 60 s; deadline 66 s, before the next poll
            Assert.Equal([0], seen.Arrivals.Select(a => a.Index));
            _scheduler.AdvanceBy(TimeSpan.FromSeconds(6) - TimeSpan.FromTicks(1));
            Assert.Single(seen.Arrivals);
            _scheduler.AdvanceBy(TimeSpan.FromTicks(1));

            Assert.Equal([0, 1, 2], seen.Arrivals.Select(a => a.Index));
            Assert.Equal(VolumeStatus.Missing, seen.Arrivals[1].Status);
        }
    }

    [Fact]
    public void RunsUntil_StopWhileVolumesWaitBehindAGap_FlushesThemThenCompletes()
    {
        using var stop = new CancellationTokenSource();
        var seen = new Observed();
        bool completed = false;
        using var sub = new ExportFolderWatcher(Options() with { PollInterval = TimeSpan.FromSeconds(1) }, _scheduler, new SchedulerTimeProvider(_scheduler))
            .RunsUntil(stop.Token).Subscribe(run =>
            {
                seen.Series.Add(run.Series);
                run.Volumes.Subscribe(seen.Arrivals.Add, () => seen.CompletedRuns.Add(run.Series));
            }, () => completed = true);
        Write("vol_0000.nii");
        Write("vol_0002.nii");
        Write("vol_0003.nii");
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        Assert.Equal([0], seen.Arrivals.Select(a => a.Index)); // 2 and 3 wait for 1, which is not yet missing

        stop.Cancel();
        _scheduler.AdvanceBy(TimeSpan.FromTicks(1));
        Write("vol_0004.nii"); // after the stop: not taken
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(10));

        Assert.Equal([0, 1, 2, 3], seen.Arrivals.Select(a => a.Index));
        Assert.Equal(VolumeStatus.Missing, seen.Arrivals[1].Status);
        Assert.Equal([VolumeStatus.Ok, VolumeStatus.Ok], seen.Arrivals.Skip(2).Select(a => a.Status));
        Assert.Equal([0], seen.CompletedRuns);
        Assert.True(completed);
    }

    [Fact]
    public void ArrivalsUntil_Stop_CompletesAfterTheFlushedVolumes()
    {
        using var stop = new CancellationTokenSource();
        var arrivals = new List<int>();
        bool completed = false;
        using var sub = new ExportFolderWatcher(Options(), _scheduler, new SchedulerTimeProvider(_scheduler))
            .ArrivalsUntil(stop.Token).Subscribe(a => arrivals.Add(a.Index), () => completed = true);
        Write("vol_0001.nii");
        _scheduler.AdvanceBy(Poll);

        stop.Cancel();
        _scheduler.AdvanceBy(TimeSpan.FromTicks(1));

        Assert.Equal([0, 1], arrivals);
        Assert.True(completed);
    }

    [Fact]
    public void Runs_DuplicateFileForAnIndex_ReportedDuplicateNotReprocessed()
    {
        var (seen, sub) = Watch(Options());
        using (sub)
        {
            Write("vol_0000.nii");
            Write("vol_0001.nii");
            _scheduler.AdvanceBy(Poll);
            Write("copy_of_vol_0001.nii");
            File.SetLastWriteTimeUtc(_dir.File("vol_0001.nii"), DateTime.UnixEpoch);   // a change event on a known path is not a duplicate
            _scheduler.AdvanceBy(Poll * 3);

            Assert.Equal([VolumeStatus.Ok, VolumeStatus.Ok, VolumeStatus.Duplicate], seen.Arrivals.Select(a => a.Status));
            Assert.EndsWith("copy_of_vol_0001.nii", seen.Arrivals[2].Path);
        }
    }

    [Fact]
    public void Runs_FilesPresentAtStart_IgnoredUnlessIncludeExisting()
    {
        Write("vol_0000.nii");
        Write("vol_0001.nii");

        var (ignored, sub1) = Watch(Options());
        _scheduler.AdvanceBy(Poll * 2);
        sub1.Dispose();
        var (included, sub2) = Watch(Options() with { IncludeExisting = true });
        _scheduler.AdvanceBy(Poll * 2);
        sub2.Dispose();

        Assert.Empty(ignored.Arrivals);
        Assert.Equal([0, 1], included.Arrivals.Select(a => a.Index));
    }

    [Fact]
    public void Runs_SeriesUnderWayAtStart_ResumesAfterTheIgnoredFiles()
    {
        Write("001_000005_000001.dcm");
        Write("001_000005_000002.dcm");
        var (seen, sub) = Watch(Options());
        using (sub)
        {
            Write("001_000005_000003.dcm");
            _scheduler.AdvanceBy(Poll);

            // The ignored files are reported (never processed) before the run's first volume.
            Assert.Equal([(0, VolumeStatus.SkippedExisting), (1, VolumeStatus.SkippedExisting), (2, VolumeStatus.Ok)],
                seen.Arrivals.Select(a => (a.Index, a.Status)));
        }
    }

    [Fact]
    public void Runs_NewSeries_EndsTheRunAndStartsAnother()
    {
        var (seen, sub) = Watch(Options());
        using (sub)
        {
            Write("001_000003_000001.dcm");
            Write("001_000003_000003.dcm");
            _scheduler.AdvanceBy(Poll);
            Write("001_000004_000001.dcm");
            _scheduler.AdvanceBy(Poll);
            Write("001_000003_000002.dcm");   // the old series has ended: a stray, reported in the current run
            _scheduler.AdvanceBy(Poll);

            Assert.Equal([3, 4], seen.Series);
            Assert.Equal([3], seen.CompletedRuns);
            Assert.Equal([(3, 0, VolumeStatus.Ok), (3, 1, VolumeStatus.Missing), (3, 2, VolumeStatus.Ok), (4, 0, VolumeStatus.Ok), (4, 1, VolumeStatus.Stray)],
                seen.Arrivals.Select(a => (a.Series, a.Index, a.Status)));
        }
        _scheduler.AdvanceBy(Poll);
        Assert.Equal([3, 4], seen.CompletedRuns);
    }

    [Fact]
    public void Runs_IncompleteFile_TakenOnceTheCheckSaysComplete()
    {
        var complete = new HashSet<string>();
        var (seen, sub) = Watch(Options(p => complete.Contains(Path.GetFileName(p)) ? FileCompleteness.Complete : FileCompleteness.Incomplete));
        using (sub)
        {
            Write("vol_0000.nii");
            _scheduler.AdvanceBy(Poll * 3);
            Assert.Empty(seen.Arrivals);

            complete.Add("vol_0000.nii");
            _scheduler.AdvanceBy(Poll);

            var a = Assert.Single(seen.Arrivals);
            Assert.Equal(TimeSpan.FromMilliseconds(400).Ticks, a.DetectedTimestamp);
        }
    }

    [Fact]
    public void Runs_CompletenessCheckSaysBroken_TakenSoTheReaderReportsIt()
    {
        var (seen, sub) = Watch(Options(_ => throw new InputDataException("x", "bad magic")));
        using (sub)
        {
            Write("vol_0000.nii");
            _scheduler.AdvanceBy(Poll);

            Assert.Equal(VolumeStatus.Ok, Assert.Single(seen.Arrivals).Status);
        }
    }

    [Fact]
    public void Runs_MetadataKeyNotReadableYet_LookedAtAgain()
    {
        int looks = 0;
        var (seen, sub) = Watch(Options() with
        {
            KeyFromFile = p => ++looks < 3 ? throw new IOException("short read") : new VolumeKey(9, 0),
        });
        using (sub)
        {
            Write("anything.dcm");
            _scheduler.AdvanceBy(Poll * 2);
            Assert.Empty(seen.Arrivals);
            _scheduler.AdvanceBy(Poll);

            var a = Assert.Single(seen.Arrivals);
            Assert.Equal((9, 0), (a.Series, a.Index));
        }
    }

    [Fact]
    public void Process_ArrivalsOfTwoSeries_FreshStagesIndicesRestartAndFramesCarryTheSeries()
    {
        var time = new SchedulerTimeProvider(_scheduler);
        var watcher = new ExportFolderWatcher(Options(), _scheduler, time);
        var frames = new List<PipelineFrame>();
        var stages = new FakeStages { Window = 2 };
        // Files are read through the file path (no in-memory provider), as live volumes are.
        var pipeline = new RealtimePipeline(new PipelineOptions(Tr),
            () => stages.Create() with { Read = PipelineStages.ReadFromProviderOrFile(p => FakeVolumes.Make(ExportFileNames.Parse(p)!.Value.Index)) },
            _scheduler, time);

        // the one path a session takes: all arrivals, run after run, through Process
        using (pipeline.Process(watcher.Arrivals).Subscribe(frames.Add))
        {
            Write("001_000001_000001.dcm");
            Write("001_000001_000002.dcm");
            Write("001_000001_000003.dcm");
            _scheduler.AdvanceBy(Poll);
            Write("001_000002_000001.dcm");
            Write("001_000002_000002.dcm");
            _scheduler.AdvanceBy(Poll);
        }
        _scheduler.AdvanceBy(Poll);

        Assert.Equal([0, 1, 2, 0, 1], frames.Select(f => f.Volume));
        Assert.Equal([1, 1, 1, 2, 2], frames.Select(f => f.Series));
        Assert.Equal(2, stages.Created);
        Assert.Equal([true, false, false, true, false], frames.Cast<EstimateFrame>().Select(f => f.IsWarmingUp));
    }

    [Fact]
    public void Runs_DefaultSizeStableCheck_NeedsTwoEqualSizes()
    {
        var (seen, sub) = Watch(Options() with { Completeness = null });
        using (sub)
        {
            File.WriteAllBytes(_dir.File("vol_0000.nii"), new byte[10]);
            _scheduler.AdvanceBy(Poll);
            File.WriteAllBytes(_dir.File("vol_0000.nii"), new byte[20]);
            _scheduler.AdvanceBy(Poll);
            Assert.Empty(seen.Arrivals);
            _scheduler.AdvanceBy(Poll);
            Assert.Single(seen.Arrivals);
        }
    }

    [Fact]
    public void Constructor_MissingFolderAndParent_InputDataException()
    {
        // a missing folder whose parent exists is waited for (ExportFolderWatcherFaultTests); one with no parent is refused
        var e = Assert.Throws<InputDataException>(() =>
            new ExportFolderWatcher(Options() with { Folder = Path.Combine(_dir.File("nope"), "export") }, _scheduler, TimeProvider.System));
        Assert.Contains("nope", e.Message);
    }

    [Fact]
    public async Task Runs_FileSystemEvent_FileTakenWithoutWaitingForThePoll()
    {
        using var loop = new EventLoopScheduler();
        var options = Options() with { UseFileSystemEvents = true, PollInterval = TimeSpan.FromHours(1) };
        var first = new TaskCompletionSource<VolumeArrival>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watcher = new ExportFolderWatcher(options, loop, TimeProvider.System);

        using (watcher.Arrivals.Subscribe(a => first.TrySetResult(a)))
        {
            // Written elsewhere and renamed into place, as exporters do, so the file is whole when it appears.
            var staging = Path.Combine(Path.GetTempPath(), "rtd-staging-" + Guid.NewGuid().ToString("N") + ".tmp");
            File.WriteAllBytes(staging, [1, 2, 3]);
            File.Move(staging, _dir.File("vol_0000.nii"));

            var arrival = await Bounded.Wait(first.Task, "the file system event");
            Assert.Equal(0, arrival.Index);
            Assert.Equal(_dir.File("vol_0000.nii"), arrival.Path);
        }
    }
}
