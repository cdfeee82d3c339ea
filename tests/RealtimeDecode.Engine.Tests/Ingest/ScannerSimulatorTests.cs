using System.Reactive.Concurrency;
using System.Reactive.Linq;
using RealtimeDecode.Engine.Ingest;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Tests.Support;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Dicom;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Engine.Tests.Ingest;

public sealed class ScannerSimulatorTests : IDisposable
{
    private static readonly TimeSpan Tr = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Gap = TimeSpan.FromMilliseconds(50);
    private readonly TempDirectory _dir = new();
    private readonly HistoricalScheduler _scheduler = new(DateTimeOffset.UnixEpoch);

    public void Dispose() => _dir.Dispose();

    /// <summary>6×5×4 volumes of integers (int16-exact), distinct per index, on an oblique grid.</summary>
    private static Volume IntVolume(int index)
    {
        var data = new float[6 * 5 * 4];
        for (int v = 0; v < data.Length; v++) data[v] = 1000 + 37 * index + ((v * 7919 + index * 131) % 997);
        var affine = new Affine([2.9, 0.3, 0, -90, -0.3, 2.9, 0, 40, 0, 0, 3.3, -20, 0, 0, 0, 1]);
        return new Volume(6, 5, 4, data, affine, index, index * 2.0);
    }

    private ScannerSimulator Simulator(ExportFormat format = ExportFormat.Dicom, ReplaySpeed? speed = null, string faults = "", int seed = 1,
        string? folder = null, bool rename = false) =>
        new(new ScannerSimulatorOptions
        {
            Folder = folder ?? _dir.Path,
            Format = format,
            RepetitionTime = Tr,
            Speed = speed ?? ReplaySpeed.RealTime,
            Faults = FaultSpec.Parse(faults),
            Seed = seed,
            SeriesNumber = 7,
            Chunks = 4,
            ChunkGap = Gap,
            WriteThenRename = rename,
        }, _scheduler, new SchedulerTimeProvider(_scheduler));

    private List<SimulatedFile> RunToEnd(ScannerSimulator sim, int count, out bool completed)
    {
        var files = new List<SimulatedFile>();
        bool done = false;
        var t0 = _scheduler.Now;
        using (sim.Run(count, IntVolume).Subscribe(files.Add, () => done = true))
            _scheduler.AdvanceBy(Tr * (count + 5));
        completed = done;
        // finishing times relative to the start of this run
        return files.Select(f => f with { Finished = DateTimeOffset.UnixEpoch + (f.Finished - t0) }).ToList();
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(4.0)]
    public void Run_PacedAtSpeed_EachFileFinishesOneIntervalAfterTheLast(double speed)
    {
        var files = RunToEnd(Simulator(speed: ReplaySpeed.Of(speed)), 5, out bool completed);
        Assert.True(completed);
        Assert.Equal(5, files.Count);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(i, files[i].Volume);
            Assert.Equal(SimulatedFileState.Complete, files[i].State);
            // the file starts when volume i's acquisition ends and takes 3 gaps for its 4 pieces
            var expected = DateTimeOffset.UnixEpoch + (Tr * (i + 1) + Gap * 3) / speed;
            Assert.Equal(expected, files[i].Finished);
        }
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void Run_Jitter_FileStartsShiftedByTheLoggedOffset(double speed)
    {
        var files = RunToEnd(Simulator(speed: ReplaySpeed.Of(speed), faults: "jitter=400", seed: 2), 12, out _);
        var log = ScannerSimulator.ReadFaultLog(_dir.File("faults.tsv"));
        Assert.Equal(12, log.Count(f => f.Fault == "jitter"));
        foreach (var f in files)
        {
            var entry = log.Single(l => l.Fault == "jitter" && l.Volume == f.Volume);
            double ms = double.Parse(entry.Detail.Replace(" ms", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(ms, -400, 400);
            var start = f.Finished - Gap * 3 / speed - DateTimeOffset.UnixEpoch;
            var slot = Tr * (f.Volume + 1);
            Assert.Equal(ms / speed, (start - slot / speed).TotalMilliseconds, 0.2);
        }
        Assert.True(log.Select(l => l.Detail).Distinct().Count() > 6, "offsets differ between volumes");
    }

    [Fact]
    public void Run_MaxSpeed_WritesAllBackToBackWithoutAdvancingTime()
    {
        var files = new List<SimulatedFile>();
        using var sub = Simulator(speed: ReplaySpeed.Max).Run(6, IntVolume).Subscribe(files.Add);
        _scheduler.Start();
        Assert.Equal(Enumerable.Range(0, 6), files.Select(f => f.Volume));
        Assert.All(files, f => Assert.Equal(DateTimeOffset.UnixEpoch, f.Finished));
    }

    [Theory]
    [InlineData(ExportFormat.Dicom)]
    [InlineData(ExportFormat.Nifti)]
    public void Run_FileNames_ParseBackToSeriesAndIndex(ExportFormat format)
    {
        var files = RunToEnd(Simulator(format), 3, out _);
        for (int i = 0; i < 3; i++)
        {
            var key = ExportFileNames.Parse(files[i].Path);
            Assert.NotNull(key);
            Assert.Equal(new VolumeKey(7, i), key.Value); // NIfTI names carry the series too (run-07_)
            Assert.Equal(ScannerSimulator.FileName(format, 7, i), Path.GetFileName(files[i].Path));
        }
        Assert.Equal(format == ExportFormat.Dicom ? "001_000007_000002.dcm" : "run-07_vol_000001.nii", Path.GetFileName(files[1].Path));
        var dup = ExportFileNames.Parse(ScannerSimulator.DuplicateFileName(format, 7, 4));
        Assert.Equal(new VolumeKey(7, 4), dup);
    }

    [Fact]
    public void Run_DicomFiles_ReadBackAsTheSourceVolumesWithSeriesMetadata()
    {
        var files = RunToEnd(Simulator(ExportFormat.Dicom), 3, out _);
        foreach (var f in files)
        {
            var source = IntVolume(f.Volume);
            var back = DicomReader.ReadVolume(f.Path);
            Assert.Equal(source.Data, back.Data);
            Assert.True(back.Affine.ApproximatelyEquals(source.Affine, 1e-4), $"{back.Affine} vs {source.Affine}");
            var info = DicomReader.ReadInfo(f.Path);
            Assert.Equal((7, f.Volume + 1, f.Volume + 1), (info.SeriesNumber!.Value, info.InstanceNumber!.Value, info.AcquisitionNumber!.Value));
            Assert.Equal(2.0, info.RepetitionTimeSeconds);
        }
        Assert.Single(files.Select(f => DicomReader.ReadInfo(f.Path).SeriesInstanceUid).Distinct());
        var t0 = DicomReader.ReadInfo(files[0].Path).AcquisitionTime!.Value;
        Assert.Equal(t0 + Tr * 2, DicomReader.ReadInfo(files[2].Path).AcquisitionTime);
    }

    [Fact]
    public void Run_NiftiFiles_ReadBackExactlyWithTr()
    {
        var files = RunToEnd(Simulator(ExportFormat.Nifti), 3, out _);
        foreach (var f in files)
        {
            var back = NiftiReader.ReadVolume(f.Path);
            Assert.Equal(IntVolume(f.Volume).Data, back.Data);
            Assert.Equal(2.0, NiftiReader.ReadHeader(f.Path).RepetitionTimeSeconds, 6);
        }
    }

    [Theory]
    [InlineData(ExportFormat.Dicom)]
    [InlineData(ExportFormat.Nifti)]
    public void Run_ChunkedWrites_IncompleteUntilTheLastPiece(ExportFormat format)
    {
        using var sub = Simulator(format).Run(2, IntVolume).Subscribe();
        var path = _dir.File(ScannerSimulator.FileName(format, 7, 0));
        _scheduler.AdvanceBy(Tr - TimeSpan.FromMilliseconds(1));
        Assert.False(File.Exists(path));
        var sizes = new List<long>();
        for (int piece = 0; piece < 4; piece++)
        {
            _scheduler.AdvanceBy(piece == 0 ? TimeSpan.FromMilliseconds(1) : Gap);
            sizes.Add(new FileInfo(path).Length);
            var expected = piece < 3 ? FileCompleteness.Incomplete : FileCompleteness.Complete;
            Assert.Equal(expected, ExportFileCompleteness.Check(path));
            if (format == ExportFormat.Dicom)
                Assert.Equal(piece < 3 ? DicomCompleteness.Incomplete : DicomCompleteness.Complete, DicomFile.CheckCompleteness(path));
        }
        Assert.True(sizes.Zip(sizes.Skip(1), (a, b) => b > a).All(x => x), $"sizes grow piece by piece: {string.Join(", ", sizes)}");
    }

    [Fact]
    public void Run_WriteThenRename_FinalNameAppearsOnlyWhole()
    {
        using var sub = Simulator(rename: true).Run(1, IntVolume).Subscribe();
        var path = _dir.File(ScannerSimulator.FileName(ExportFormat.Dicom, 7, 0));
        var temp = _dir.File("." + Path.GetFileName(path) + ".tmp");
        _scheduler.AdvanceBy(Tr + Gap);
        Assert.False(File.Exists(path));
        Assert.True(File.Exists(temp));
        Assert.Null(ExportFileNames.Parse(temp));
        _scheduler.AdvanceBy(Gap * 2);
        Assert.True(File.Exists(path));
        Assert.False(File.Exists(temp));
        Assert.Equal(DicomCompleteness.Complete, DicomFile.CheckCompleteness(path));
    }

    private const string AllFaults = "drop=0.1,duplicate=0.1,reorder=0.1,jitter=300,partial=0.1,corrupt=0.1";

    [Fact]
    public void Run_SameSeed_SameFaultsLogAndFiles()
    {
        // each run on its own virtual clock starting at the same instant, as two runs of the tool would be
        List<SimulatedFile> RunIn(string folder, int seed)
        {
            var scheduler = new HistoricalScheduler(DateTimeOffset.UnixEpoch);
            var sim = new ScannerSimulator(new ScannerSimulatorOptions
            {
                Folder = folder, RepetitionTime = Tr, Faults = FaultSpec.Parse(AllFaults), Seed = seed, SeriesNumber = 7,
            }, scheduler, new SchedulerTimeProvider(scheduler));
            var files = new List<SimulatedFile>();
            using (sim.Run(60, IntVolume).Subscribe(files.Add))
                scheduler.AdvanceBy(Tr * 70);
            return files;
        }
        string a = Path.Combine(_dir.Path, "a"), b = Path.Combine(_dir.Path, "b"), c = Path.Combine(_dir.Path, "c");
        var fa = RunIn(a, 42);
        var fb = RunIn(b, 42);
        RunIn(c, 43);
        var logA = File.ReadAllText(Path.Combine(a, "faults.tsv"));
        Assert.Equal(logA, File.ReadAllText(Path.Combine(b, "faults.tsv")));
        Assert.NotEqual(logA, File.ReadAllText(Path.Combine(c, "faults.tsv")));
        Assert.Equal(fa.Select(f => (f.Volume, Path.GetFileName(f.Path), f.State, f.Finished)), fb.Select(f => (f.Volume, Path.GetFileName(f.Path), f.State, f.Finished)));
        var names = Directory.GetFiles(a).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(names, Directory.GetFiles(b).Select(Path.GetFileName).Order());
        foreach (var name in names)
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, name!)), File.ReadAllBytes(Path.Combine(b, name!)));
    }

    [Fact]
    public void Run_Faults_EveryInjectionLoggedAndVisibleInTheFolder()
    {
        var files = RunToEnd(Simulator(faults: AllFaults, seed: 5), 80, out bool completed);
        Assert.True(completed);
        var log = ScannerSimulator.ReadFaultLog(_dir.File("faults.tsv"));
        foreach (var kind in new[] { "drop", "duplicate", "reorder", "jitter", "partial", "corrupt" })
            Assert.Contains(log, f => f.Fault == kind);

        foreach (var drop in log.Where(f => f.Fault == "drop"))
        {
            Assert.False(File.Exists(_dir.File(drop.File)));
            Assert.DoesNotContain(files, f => f.Volume == drop.Volume);
        }
        foreach (var dup in log.Where(f => f.Fault == "duplicate"))
        {
            Assert.Equal(ExportFileNames.Parse(dup.File), new VolumeKey(7, dup.Volume));
            Assert.Contains(files, f => f.Volume == dup.Volume && f.State == SimulatedFileState.Duplicate);
        }
        foreach (var r in log.Where(f => f.Fault == "reorder"))
        {
            int late = files.FindIndex(f => f.Volume == r.Volume && f.State != SimulatedFileState.Duplicate);
            int early = files.FindIndex(f => f.Volume == r.Volume + 1 && f.State != SimulatedFileState.Duplicate);
            Assert.True(late > early, $"volume {r.Volume} should be written after volume {r.Volume + 1}");
        }
        // every file that is neither partial nor corrupt, and only those, is a valid volume
        Assert.Equal(log.Count(f => f.Fault == "partial"), files.Count(f => f.State == SimulatedFileState.Partial));
        Assert.Equal(log.Count(f => f.Fault == "corrupt"), files.Count(f => f.State == SimulatedFileState.Corrupt));
        Assert.Equal(80 - log.Count(f => f.Fault == "drop") + log.Count(f => f.Fault == "duplicate"), files.Count);
    }

    [Fact]
    public async Task RunAsync_FaultRates_RoughlyAsAsked()
    {
        var summary = Simulator(speed: ReplaySpeed.Max, faults: "drop=0.2,partial=0.1", seed: 9, format: ExportFormat.Nifti)
            .RunAsync(300, IntVolume);
        _scheduler.Start();
        var s = await summary.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.InRange(s.Count("drop"), 35, 85);      // 60 expected, binomial sd ≈ 7
        Assert.InRange(s.Count("partial"), 10, 45);   // 24 expected among the 240 kept
        Assert.Equal(300 - s.Count("drop"), s.Files);
        Assert.Equal(s.Faults, ScannerSimulator.ReadFaultLog(s.FaultLogPath));
    }

    [Theory]
    [InlineData(ExportFormat.Dicom, false)]
    [InlineData(ExportFormat.Nifti, false)]
    [InlineData(ExportFormat.Dicom, true)]
    public void Run_PartialFiles_NeverComplete(ExportFormat format, bool rename)
    {
        var files = RunToEnd(Simulator(format, faults: "partial=0.5", seed: 3, rename: rename), 20, out _);
        var partial = files.Where(f => f.State == SimulatedFileState.Partial).ToList();
        Assert.NotEmpty(partial);
        _scheduler.AdvanceBy(TimeSpan.FromMinutes(5));
        foreach (var f in partial)
        {
            Assert.True(File.Exists(f.Path));
            Assert.Equal(FileCompleteness.Incomplete, ExportFileCompleteness.Check(f.Path));
            if (rename) Assert.Null(ExportFileNames.Parse(f.Path)); // left under its temporary name
        }
        Assert.All(files.Where(f => f.State == SimulatedFileState.Complete), f => Assert.Equal(FileCompleteness.Complete, ExportFileCompleteness.Check(f.Path)));
    }

    [Theory]
    [InlineData(ExportFormat.Dicom)]
    [InlineData(ExportFormat.Nifti)]
    public void Run_CorruptFiles_RefusedByTheReaders(ExportFormat format)
    {
        var files = RunToEnd(Simulator(format, faults: "corrupt=0.5", seed: 11), 24, out _);
        var corrupt = files.Where(f => f.State == SimulatedFileState.Corrupt).ToList();
        Assert.True(corrupt.Count >= 4, $"{corrupt.Count} corrupt files");
        var details = ScannerSimulator.ReadFaultLog(_dir.File("faults.tsv")).Where(f => f.Fault == "corrupt").Select(f => f.Detail.Split(':')[0]).Distinct().ToList();
        if (format == ExportFormat.Dicom) Assert.Equal(2, details.Count); // both kinds of damage occur
        foreach (var f in corrupt)
        {
            var e = format == ExportFormat.Dicom
                ? Assert.Throws<InputDataException>(() => DicomReader.ReadVolume(f.Path))
                : Assert.Throws<InputDataException>(() => NiftiReader.ReadVolume(f.Path));
            Assert.Equal(f.Path, e.Path);
        }
        foreach (var f in files.Where(f => f.State == SimulatedFileState.Complete))
            Assert.Equal(IntVolume(f.Volume).Data, format == ExportFormat.Dicom ? DicomReader.ReadVolume(f.Path).Data : NiftiReader.ReadVolume(f.Path).Data);
    }

    [Fact]
    public void Run_WatchedByTheExportWatcher_DroppedVolumesMissingPartialOnesTakenNamedWhenDue()
    {
        var watcher = new ExportFolderWatcher(new ExportWatcherOptions
        {
            Folder = _dir.Path,
            RepetitionTime = Tr,
            PollInterval = TimeSpan.FromMilliseconds(100),
            UseFileSystemEvents = false,
            Completeness = ExportFileCompleteness.Check,
        }, _scheduler, new SchedulerTimeProvider(_scheduler));
        var arrivals = new List<VolumeArrival>();
        using var watch = watcher.Arrivals.Subscribe(arrivals.Add);
        var files = new List<SimulatedFile>();
        using (Simulator(faults: "drop=0.15,partial=0.15,duplicate=0.1,corrupt=0.1", seed: 21).Run(30, IntVolume).Subscribe(files.Add))
            _scheduler.AdvanceBy(Tr * 40);
        var log = ScannerSimulator.ReadFaultLog(_dir.File("faults.tsv"));
        // corrupt files are taken (not waited for) and refused when read: the read stage's corrupt slot
        var corrupt = log.Where(f => f.Fault == "corrupt").ToList();
        Assert.NotEmpty(corrupt);
        foreach (var c in corrupt)
        {
            var arrival = arrivals.Single(a => a.Index == c.Volume && a.Status == VolumeStatus.Ok);
            Assert.Throws<InputDataException>(() => DicomReader.ReadVolume(arrival.Path!));
        }
        var lost = log.Where(f => f.Fault is "drop" or "partial").Select(f => f.Volume).ToHashSet();
        var dropped = log.Where(f => f.Fault is "drop").Select(f => f.Volume).ToHashSet();
        var cut = log.Where(f => f.Fault is "partial").ToDictionary(f => f.Volume, f => f.File);
        Assert.NotEmpty(lost);
        Assert.Contains(log, f => f.Fault == "duplicate");

        // volumes lost at the very end cannot be told missing: no later file arrives
        int last = Enumerable.Range(0, 30).Last(i => !lost.Contains(i));
        var slots = arrivals.Where(a => a.Status.OccupiesSlot()).ToList();
        Assert.Equal(Enumerable.Range(0, last + 1), slots.Select(a => a.Index));
        // a cut file is there, never complete: when its volume is due it is handed on as it is (the read stage
        // reports it corrupt, naming it), so only a dropped volume is missing
        foreach (var a in slots)
        {
            Assert.Equal(dropped.Contains(a.Index) ? VolumeStatus.Missing : VolumeStatus.Ok, a.Status);
            if (cut.TryGetValue(a.Index, out var file)) Assert.Equal(file, Path.GetFileName(a.Path));
        }
        Assert.Contains(slots, a => a.Status == VolumeStatus.Missing);
        Assert.Equal(log.Where(f => f.Fault == "duplicate").Select(f => f.Volume).Order(),
            arrivals.Where(a => a.Status == VolumeStatus.Duplicate).Select(a => a.Index).Order());
    }

    [Theory]
    [InlineData("drop=0.05,duplicate=0.03,reorder=0.05,jitter=200,partial=0.02,corrupt=0.02")]
    [InlineData(" DROP = 0.5 , dup=1 ")]
    public void FaultSpecParse_ValidText_RoundTrips(string text)
    {
        var spec = FaultSpec.Parse(text);
        Assert.False(spec.IsNone);
        Assert.Equal(spec, FaultSpec.Parse(spec.ToString()));
    }

    [Theory]
    [InlineData("drop=2", "not a rate")]
    [InlineData("explode=0.1", "unknown fault 'explode'")]
    [InlineData("drop", "not name=value")]
    [InlineData("jitter=-5", "non-negative")]
    [InlineData("drop=abc", "not a number")]
    public void FaultSpecParse_BadText_OneLineInputError(string text, string problem)
    {
        var e = Assert.Throws<InputDataException>(() => FaultSpec.Parse(text));
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void FaultSpecParse_Blank_None()
    {
        Assert.True(FaultSpec.Parse(null).IsNone);
        Assert.True(FaultSpec.Parse(" ").IsNone);
        Assert.Equal("none", FaultSpec.None.ToString());
    }
}
