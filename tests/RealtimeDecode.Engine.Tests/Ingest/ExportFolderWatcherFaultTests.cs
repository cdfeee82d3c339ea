using System.Reactive.Concurrency;
using RealtimeDecode.Engine.Ingest;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Tests.Support;
using Serilog.Events;

namespace RealtimeDecode.Engine.Tests.Ingest;

/// <summary>The watcher against a stray file with a huge number, files present at start and a folder that disappears (virtual time, polling only).</summary>
public sealed class ExportFolderWatcherFaultTests : IDisposable
{
    private static readonly TimeSpan Tr = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private readonly TempDirectory _dir = new();
    private readonly HistoricalScheduler _scheduler = new(DateTimeOffset.UnixEpoch);
    private readonly CollectingLogSink _log = new();

    public void Dispose() => _dir.Dispose();

    private void Write(string name) => File.WriteAllBytes(_dir.File(name), [1, 2, 3, 4]);

    private (List<VolumeArrival> Arrivals, IDisposable Subscription) Watch(int maxGap = 100, Func<string, FileCompleteness>? completeness = null)
    {
        var arrivals = new List<VolumeArrival>();
        var options = new ExportWatcherOptions
        {
            Folder = _dir.Path, RepetitionTime = Tr, MissingAfterTrs = 3, PollInterval = Poll, MaxGapTrs = maxGap,
            UseFileSystemEvents = false, Completeness = completeness ?? (_ => FileCompleteness.Complete),
        };
        var sub = new ExportFolderWatcher(options, _scheduler, new SchedulerTimeProvider(_scheduler), _log.CreateLogger())
            .Arrivals.Subscribe(arrivals.Add);
        return (arrivals, sub);
    }

    [Fact]
    public void Arrivals_FileWithHugeIndex_IsOneStrayReportAndGapsStayBounded()
    {
        var (arrivals, sub) = Watch(maxGap: 100);
        using (sub)
        {
            Write("vol_0000.nii");
            _scheduler.AdvanceBy(Poll);
            Write("localizer_20241203.nii");
            _scheduler.AdvanceBy(Poll);
            Write("vol_0001.nii");
            Write("vol_0150.nii"); // 149 beyond the next expected volume: also stray
            Write("vol_0050.nii"); // 48 beyond: a real gap, declared missing after 3 TRs
            _scheduler.AdvanceBy(Tr * 4);
        }
        var stray = arrivals.Where(a => a.Status == VolumeStatus.Stray).Select(a => Path.GetFileName(a.Path)).Order().ToList();
        Assert.Equal(["localizer_20241203.nii", "vol_0150.nii"], stray);
        var slots = arrivals.Where(a => a.Status.OccupiesSlot()).ToList();
        Assert.Equal(Enumerable.Range(0, 51), slots.Select(a => a.Index));
        Assert.Equal(48, slots.Count(a => a.Status == VolumeStatus.Missing));
        Assert.Equal(2, _log.Events.Count(e => e.Level == LogEventLevel.Warning && e.MessageTemplate.Text.Contains("stray", StringComparison.Ordinal)));
    }

    [Fact]
    public void Arrivals_StrayIsTheFirstFile_RunStartsWithTheNextVolumeAndReportsIt()
    {
        var (arrivals, sub) = Watch();
        using (sub)
        {
            Write("localizer_20241203.nii");
            _scheduler.AdvanceBy(Poll);
            Write("vol_0000.nii");
            _scheduler.AdvanceBy(Poll);
        }
        Assert.Equal([(20241203, VolumeStatus.Stray), (0, VolumeStatus.Ok)], arrivals.Select(a => (a.Index, a.Status)));
    }

    [Fact]
    public void Arrivals_FilesPresentAtStart_ReportedSkippedExistingBeforeTheRun()
    {
        Write("vol_0000.nii");
        Write("vol_0001.nii");
        Write("vol_0002.nii");
        Write("localizer_20241203.nii");
        var (arrivals, sub) = Watch();
        using (sub)
        {
            _scheduler.AdvanceBy(Poll);
            Write("vol_0003.nii");
            _scheduler.AdvanceBy(Poll);
        }
        Assert.Equal([(0, VolumeStatus.SkippedExisting), (1, VolumeStatus.SkippedExisting), (2, VolumeStatus.SkippedExisting),
            (20241203, VolumeStatus.Stray), (3, VolumeStatus.Ok)], arrivals.Select(a => (a.Index, a.Status)));
    }

    [Fact]
    public void Arrivals_FolderDeletedAndBack_OneWarningOneLineAndWatchingResumes()
    {
        var (arrivals, sub) = Watch();
        using (sub)
        {
            Write("vol_0000.nii");
            _scheduler.AdvanceBy(Poll);
            Directory.Delete(_dir.Path, recursive: true);
            _scheduler.AdvanceBy(Poll * 50);
            Directory.CreateDirectory(_dir.Path);
            _scheduler.AdvanceBy(Poll * 5);
            Write("vol_0001.nii");
            _scheduler.AdvanceBy(Poll * 2);
        }
        Assert.Equal([0, 1], arrivals.Where(a => a.Status == VolumeStatus.Ok).Select(a => a.Index));
        var folderLines = _log.Events.Where(e => e.MessageTemplate.Text.Contains("export folder", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(2, folderLines.Count);
        Assert.Equal(LogEventLevel.Warning, folderLines[0].Level);
        Assert.Equal(LogEventLevel.Information, folderLines[1].Level);
        Assert.All(_log.Events, e => Assert.Null(e.Exception));
    }

    [Fact]
    public void Arrivals_FileThatStaysIncomplete_FillsItsSlotNamedWhenDueNotMissing()
    {
        string cut = _dir.File("vol_0001.nii");
        var (arrivals, sub) = Watch(completeness: p => p == cut ? FileCompleteness.Incomplete : FileCompleteness.Complete);
        using (sub)
        {
            Write("vol_0000.nii");
            Write("vol_0001.nii"); // never becomes complete (a truncated export)
            Write("vol_0003.nii"); // volume 2 never sent
            Write("vol_0004.nii");
            _scheduler.AdvanceBy(Tr * 4);
        }
        Assert.Equal([(0, VolumeStatus.Ok, "vol_0000.nii"), (1, VolumeStatus.Ok, "vol_0001.nii"), (2, VolumeStatus.Missing, null),
            (3, VolumeStatus.Ok, "vol_0003.nii"), (4, VolumeStatus.Ok, "vol_0004.nii")],
            arrivals.Select(a => (a.Index, a.Status, a.Path is null ? null : Path.GetFileName(a.Path))));
        Assert.Single(_log.Events, e => e.Level == LogEventLevel.Warning && e.MessageTemplate.Text.Contains("still incomplete", StringComparison.Ordinal));
    }

    [Fact]
    public void ArrivalsUntil_LastFileStaysIncomplete_TakenNamedWhenTheRunEnds()
    {
        string cut = _dir.File("vol_0002.nii");
        var arrivals = new List<VolumeArrival>();
        bool completed = false;
        var options = new ExportWatcherOptions
        {
            Folder = _dir.Path, RepetitionTime = Tr, MissingAfterTrs = 3, PollInterval = Poll, UseFileSystemEvents = false,
            Completeness = p => p == cut ? FileCompleteness.Incomplete : FileCompleteness.Complete,
        };
        using var stop = new CancellationTokenSource();
        using (new ExportFolderWatcher(options, _scheduler, new SchedulerTimeProvider(_scheduler), _log.CreateLogger())
            .ArrivalsUntil(stop.Token).Subscribe(arrivals.Add, () => completed = true))
        {
            Write("vol_0000.nii");
            Write("vol_0001.nii");
            Write("vol_0002.nii"); // the run's last volume, cut: nothing comes after it to make its slot due
            _scheduler.AdvanceBy(Tr * 10);
            Assert.Equal([0, 1], arrivals.Select(a => a.Index));
            stop.Cancel(); // Ctrl-C: the run ends
            _scheduler.AdvanceBy(Poll);
        }
        Assert.True(completed);
        Assert.Equal([(0, VolumeStatus.Ok, "vol_0000.nii"), (1, VolumeStatus.Ok, "vol_0001.nii"), (2, VolumeStatus.Ok, "vol_0002.nii")],
            arrivals.Select(a => (a.Index, a.Status, a.Path is null ? null : Path.GetFileName(a.Path))));
        Assert.Single(_log.Events, e => e.Level == LogEventLevel.Warning && e.MessageTemplate.Text.Contains("still incomplete when its run ended", StringComparison.Ordinal));
    }

    [Fact]
    public void ArrivalsUntil_FileWhoseKeyNeverReads_NamedInAWarningAtTheEnd()
    {
        string broken = _dir.File("IM_0042.dcm");
        var arrivals = new List<VolumeArrival>();
        var options = new ExportWatcherOptions
        {
            Folder = _dir.Path, RepetitionTime = Tr, PollInterval = Poll, UseFileSystemEvents = false, Completeness = _ => FileCompleteness.Complete,
            // a header that never parses: series and volume stay unknown
            KeyFromFile = p => p == broken ? throw new RealtimeDecode.Imaging.InputDataException(p, "truncated") : ExportFileNames.Parse(p),
        };
        using var stop = new CancellationTokenSource();
        using (new ExportFolderWatcher(options, _scheduler, new SchedulerTimeProvider(_scheduler), _log.CreateLogger())
            .ArrivalsUntil(stop.Token).Subscribe(arrivals.Add))
        {
            Write("vol_0000.nii");
            Write("IM_0042.dcm");
            _scheduler.AdvanceBy(Tr * 5);
            Assert.DoesNotContain(_log.Events, e => e.Level == LogEventLevel.Warning);
            stop.Cancel();
            _scheduler.AdvanceBy(Poll);
        }
        Assert.Equal([0], arrivals.Select(a => a.Index));
        var warning = Assert.Single(_log.Events, e => e.Level == LogEventLevel.Warning);
        Assert.Contains("never became complete", warning.MessageTemplate.Text, StringComparison.Ordinal);
        Assert.Contains("IM_0042.dcm", warning.RenderMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Arrivals_FolderNotMadeYet_SaidOnceThenWatchedWhenItAppears()
    {
        string folder = Path.Combine(_dir.Path, "export");
        var arrivals = new List<VolumeArrival>();
        var options = new ExportWatcherOptions
        {
            Folder = folder, RepetitionTime = Tr, MissingAfterTrs = 3, PollInterval = Poll, UseFileSystemEvents = false,
            Completeness = _ => FileCompleteness.Complete,
        };
        using (new ExportFolderWatcher(options, _scheduler, new SchedulerTimeProvider(_scheduler), _log.CreateLogger()).Arrivals.Subscribe(arrivals.Add))
        {
            _scheduler.AdvanceBy(Poll * 20);
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, "vol_0000.nii"), [1, 2, 3, 4]);
            _scheduler.AdvanceBy(Poll * 2);
        }
        Assert.Equal([0], arrivals.Where(a => a.Status == VolumeStatus.Ok).Select(a => a.Index));
        var folderLines = _log.Events.Where(e => e.MessageTemplate.Text.Contains("xport folder", StringComparison.Ordinal)).Select(e => e.MessageTemplate.Text).ToList();
        Assert.Equal(2, folderLines.Count);
        Assert.Contains("does not exist yet", folderLines[0], StringComparison.Ordinal);
        Assert.Contains("now exists", folderLines[1], StringComparison.Ordinal);
        Assert.DoesNotContain(_log.Events, e => e.Level >= LogEventLevel.Warning);
    }

    [Fact]
    public void Create_NeitherFolderNorItsParent_RefusedInOneLine()
    {
        string folder = Path.Combine(_dir.Path, "no", "export");
        var options = new ExportWatcherOptions { Folder = folder, RepetitionTime = Tr, PollInterval = Poll, UseFileSystemEvents = false };
        var e = Assert.Throws<RealtimeDecode.Imaging.InputDataException>(() => new ExportFolderWatcher(options, _scheduler, new SchedulerTimeProvider(_scheduler)));
        Assert.Contains("nor the folder it would be made in", e.Message, StringComparison.Ordinal);
    }
}
