using System.Buffers.Binary;
using System.Globalization;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Dicom;
using RealtimeDecode.Imaging.Nifti;
using Serilog;
using Serilog.Core;

namespace RealtimeDecode.Engine.Ingest;

/// <summary>
/// Writes a run into an export folder as a scanner's real-time export does, for testing the live path.
/// <list type="bullet">
/// <item>Pacing: the file of write slot s starts at start + ((s + 1)·TR ± jitter)/speed on the scheduler's
/// clock (when its acquisition would end; never before the start); at <see cref="ReplaySpeed.Max"/> files follow each other
/// back to back, each piece still its own scheduler step.</item>
/// <item>Each file is written in <see cref="ScannerSimulatorOptions.Chunks"/> pieces of about equal size,
/// each appended (file opened, written, flushed, closed) in its own scheduler step,
/// <see cref="ScannerSimulatorOptions.ChunkGap"/>/speed apart, so readers see growing, incomplete files;
/// optionally under a temporary name renamed when whole.</item>
/// <item>Names: DICOM <c>001_SSSSSS_VVVVVV.dcm</c> (series, volume number from 1), NIfTI
/// <c>run-SS_vol_IIIIII.nii</c> (series, index from 0), both parsed back by <see cref="ExportFileNames.Parse"/>.</item>
/// <item>Faults (<see cref="FaultSpec"/>) are drawn per volume up front from the seed, so one seed gives
/// one set of faults whatever the timing, and each is appended to the injection log (TSV: <c>volume</c>,
/// <c>fault</c>, <c>file</c>, <c>detail</c>, <c>time_s</c> since the start on the scheduler clock) when it
/// is injected.</item>
/// </list>
/// Each subscription writes the run anew (overwriting files of the same names). The scheduler should run
/// one action at a time (a <see cref="Pipeline.DedicatedThreadScheduler"/> live, a <see cref="HistoricalScheduler"/> in
/// tests); actions are serialised by a lock anyway.
/// </summary>
public sealed class ScannerSimulator
{
    private readonly ScannerSimulatorOptions _options;
    private readonly IScheduler _scheduler;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    /// <summary>Creates a simulator; options are validated here.</summary>
    public ScannerSimulator(ScannerSimulatorOptions options, IScheduler scheduler, TimeProvider time, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _log = (log ?? Logger.None).ForContext<ScannerSimulator>();
    }

    /// <summary>The names of the files a simulation writes into its folder, <c>*</c> standing for any run of characters:
    /// the volumes (and their duplicates) of either format, their temporary names with <c>--rename</c>, and the fault log.</summary>
    public static readonly IReadOnlyList<string> FileNames = ["001_*_*.dcm", "002_*_*.dcm", "run-*_vol_*.nii", ".*.tmp", "faults.tsv"];

    /// <summary>The injection log's path.</summary>
    public string FaultLogPath => _options.FaultLogPath ?? Path.Combine(_options.Folder, "faults.tsv");

    /// <summary>The export file name of volume <paramref name="index"/> (0-based). Both carry the series, as
    /// <see cref="ExportFileNames.Parse"/> reads it, so a second series written into the same folder never overwrites the first's
    /// files: Siemens <c>001_SSSSSS_VVVVVV.dcm</c>, NIfTI <c>run-SS_vol_IIIIII.nii</c>.</summary>
    public static string FileName(ExportFormat format, int series, int index) => format == ExportFormat.Dicom
        ? string.Create(CultureInfo.InvariantCulture, $"001_{series:D6}_{index + 1:D6}.dcm")
        : string.Create(CultureInfo.InvariantCulture, $"run-{series:D2}_vol_{index:D6}.nii");

    /// <summary>The name of the second copy a duplicate fault writes (same key for <see cref="ExportFileNames.Parse"/>).</summary>
    public static string DuplicateFileName(ExportFormat format, int series, int index) => format == ExportFormat.Dicom
        ? string.Create(CultureInfo.InvariantCulture, $"002_{series:D6}_{index + 1:D6}.dcm")
        : string.Create(CultureInfo.InvariantCulture, $"run-{series:D2}_vol_{index:D6}_dup.nii");

    /// <summary>Writes the given volumes (index = position).</summary>
    public IObservable<SimulatedFile> Run(IReadOnlyList<Volume> volumes)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        return Run(volumes.Count, i => volumes[i]);
    }

    /// <summary>Writes the volumes of the providers (index = position), calling each when its file is written.</summary>
    public IObservable<SimulatedFile> Run(IReadOnlyList<Func<Volume>> volumes)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        return Run(volumes.Count, i => volumes[i]());
    }

    /// <summary>
    /// Writes <paramref name="count"/> volumes, <paramref name="volume"/>(i) called on the scheduler when
    /// volume i's file is due (in index order except around reordered volumes). Emits each file when its
    /// last piece is written; completes after the last slot. Cold.
    /// </summary>
    public IObservable<SimulatedFile> Run(int count, Func<int, Volume> volume) => RunCore(count, volume, null);

    /// <summary>Runs to the end (on the scheduler) and returns the totals; <paramref name="onFile"/> sees each file as it is finished.</summary>
    public async Task<ScannerSimulationSummary> RunAsync(int count, Func<int, Volume> volume, Action<SimulatedFile>? onFile = null,
        CancellationToken cancellationToken = default)
    {
        var faults = new List<InjectedFault>();
        int files = 0;
        await RunCore(count, volume, faults).Do(f => { files++; onFile?.Invoke(f); }).DefaultIfEmpty().ToTask(cancellationToken).ConfigureAwait(false);
        return new ScannerSimulationSummary(count, files, faults, FaultLogPath);
    }

    /// <summary>Reads an injection log back (for tests and reports).</summary>
    public static IReadOnlyList<InjectedFault> ReadFaultLog(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || !lines[0].StartsWith("volume\tfault\tfile\tdetail", StringComparison.Ordinal))
            throw new InputDataException(path, "not an injection log (header volume, fault, file, detail)");
        return lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var c = l.Split('\t');
            return new InjectedFault(int.Parse(c[0], CultureInfo.InvariantCulture), c[1], c[2], c[3]);
        }).ToList();
    }

    private IObservable<SimulatedFile> RunCore(int count, Func<int, Volume> volume, List<InjectedFault>? faults)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(volume);
        return Observable.Create<SimulatedFile>(observer => new Session(this, count, volume, observer, faults).Start());
    }

    /// <summary>Faults of each volume, drawn up front from the seed (a fixed number of draws per volume).</summary>
    private sealed class FaultPlan
    {
        public FaultPlan(int count, FaultSpec f, int seed)
        {
            var rng = new Random(seed);
            Drop = new bool[count]; Duplicate = new bool[count]; Partial = new bool[count]; Corrupt = new bool[count];
            LateBy = new bool[count]; JitterMs = new double[count]; Cut = new double[count]; CorruptKind = new int[count];
            SlotVolume = Enumerable.Range(0, count).ToArray();
            var reorderDraw = new double[count];
            for (int i = 0; i < count; i++)
            {
                Drop[i] = rng.NextDouble() < f.Drop;
                bool dup = rng.NextDouble() < f.Duplicate;
                reorderDraw[i] = rng.NextDouble();
                bool partial = rng.NextDouble() < f.Partial;
                bool corrupt = rng.NextDouble() < f.Corrupt;
                JitterMs[i] = (rng.NextDouble() * 2 - 1) * f.Jitter.TotalMilliseconds;
                Cut[i] = rng.NextDouble();
                CorruptKind[i] = rng.Next(2);
                Partial[i] = !Drop[i] && partial;
                Corrupt[i] = !Drop[i] && !Partial[i] && corrupt;
                Duplicate[i] = !Drop[i] && !Partial[i] && !Corrupt[i] && dup;
            }
            for (int i = 0; i + 1 < count; i++)
            {
                if (reorderDraw[i] >= f.Reorder || Drop[i] || Drop[i + 1] || SlotVolume[i] != i) continue;
                SlotVolume[i] = i + 1;
                SlotVolume[i + 1] = i;
                LateBy[i] = true;
            }
        }

        public bool[] Drop { get; }
        public bool[] Duplicate { get; }
        public bool[] Partial { get; }
        public bool[] Corrupt { get; }
        /// <summary>Volume i is written after volume i + 1.</summary>
        public bool[] LateBy { get; }
        public double[] JitterMs { get; }
        public double[] Cut { get; }
        public int[] CorruptKind { get; }
        public int[] SlotVolume { get; }
    }

    private sealed class Session
    {
        private readonly ScannerSimulator _s;
        private readonly int _count;
        private readonly Func<int, Volume> _volume;
        private readonly IObserver<SimulatedFile> _observer;
        private readonly List<InjectedFault>? _faults;
        private readonly CompositeDisposable _disposables = [];
        private readonly object _gate = new();
        private readonly FaultPlan _plan;
        private readonly string _seriesUid;
        private StreamWriter? _logWriter;
        private DateTimeOffset _start;
        private DateTime _acquisitionStart;
        private int _pendingSlots;
        private bool _stopped;

        public Session(ScannerSimulator s, int count, Func<int, Volume> volume, IObserver<SimulatedFile> observer, List<InjectedFault>? faults)
        {
            _s = s;
            _count = count;
            _volume = volume;
            _observer = observer;
            _faults = faults;
            _plan = new FaultPlan(count, s._options.Faults, s._options.Seed);
            var uidBytes = new byte[16];
            new Random(unchecked(s._options.Seed * 31 + 17)).NextBytes(uidBytes);
            _seriesUid = DicomWriter.UidFromBytes(uidBytes);
        }

        private ScannerSimulatorOptions O => _s._options;

        private TimeSpan Interval => O.Speed.Interval(O.RepetitionTime);

        private TimeSpan Gap => O.Speed.IsMax ? TimeSpan.Zero : O.ChunkGap / O.Speed.Factor;

        public IDisposable Start()
        {
            Directory.CreateDirectory(O.Folder);
            var logDir = Path.GetDirectoryName(Path.GetFullPath(_s.FaultLogPath));
            if (!string.IsNullOrEmpty(logDir)) Directory.CreateDirectory(logDir);
            _logWriter = new StreamWriter(new FileStream(_s.FaultLogPath, FileMode.Create, FileAccess.Write, FileShare.Read)) { AutoFlush = true, NewLine = "\n" };
            _logWriter.WriteLine("volume\tfault\tfile\tdetail\ttime_s");
            _start = _s._scheduler.Now;
            _acquisitionStart = _s._time.GetLocalNow().DateTime;
            _pendingSlots = _count;
            _s._log.Information("Simulating {Count} volumes into {Folder} ({Format}, TR {Tr} s, speed {Speed}, faults {Faults}, seed {Seed})",
                _count, O.Folder, O.Format, O.RepetitionTime.TotalSeconds, O.Speed, O.Faults, O.Seed);
            if (_count == 0) Schedule(TimeSpan.Zero, Complete);
            else if (O.Speed.IsMax) Schedule(TimeSpan.Zero, () => StartSlot(0));
            else
            {
                for (int slot = 0; slot < _count; slot++)
                {
                    int s = slot;
                    var due = _start + Interval * (s + 1) + Jitter(_plan.SlotVolume[s]);
                    if (due < _start) due = _start;
                    _disposables.Add(_s._scheduler.Schedule(due, () => Guarded(() => StartSlot(s))));
                }
            }
            return Disposable.Create(() =>
            {
                lock (_gate)
                {
                    _stopped = true;
                    _disposables.Dispose();
                    _logWriter?.Dispose();
                    _logWriter = null;
                }
            });
        }

        // jitter is in scanner time: compressed with the TR at speeds above 1
        private TimeSpan Jitter(int volume) => O.Speed.IsMax ? TimeSpan.Zero : TimeSpan.FromMilliseconds(_plan.JitterMs[volume]) / O.Speed.Factor;

        private void Schedule(TimeSpan after, Action action) =>
            _disposables.Add(_s._scheduler.Schedule(after, () => Guarded(action)));

        private void Guarded(Action action)
        {
            lock (_gate)
            {
                if (_stopped) return;
                try { action(); }
                catch (Exception e)
                {
                    _stopped = true;
                    _logWriter?.Dispose();
                    _logWriter = null;
                    _observer.OnError(e);
                }
            }
        }

        private void Log(int volume, string fault, string file, string detail)
        {
            var f = new InjectedFault(volume, fault, file, detail);
            _faults?.Add(f);
            double t = (_s._scheduler.Now - _start).TotalSeconds;
            _logWriter!.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{volume}\t{fault}\t{file}\t{detail}\t{t:0.###}"));
            _s._log.Debug("Injected {Fault} into volume {Volume} ({File}: {Detail})", fault, volume, file, detail);
        }

        private void StartSlot(int slot)
        {
            int v = _plan.SlotVolume[slot];
            string name = FileName(O.Format, O.SeriesNumber, v);
            string path = Path.Combine(O.Folder, name);
            if (_plan.LateBy[v]) Log(v, "reorder", name, $"written after volume {v + 1}");
            var jitter = Jitter(v);
            if (jitter != TimeSpan.Zero) Log(v, "jitter", name, string.Create(CultureInfo.InvariantCulture, $"{_plan.JitterMs[v]:+0.0;-0.0} ms"));
            if (_plan.Drop[v])
            {
                Log(v, "drop", name, "not written");
                FinishSlot(slot);
                return;
            }

            var bytes = Encode(_volume(v), v);
            int length = bytes.Length;
            var state = SimulatedFileState.Complete;
            if (_plan.Partial[v])
            {
                length = 1 + (int)(_plan.Cut[v] * (bytes.Length - 2));
                state = SimulatedFileState.Partial;
                Log(v, "partial", name, string.Create(CultureInfo.InvariantCulture, $"cut at byte {length} of {bytes.Length}"));
            }
            else if (_plan.Corrupt[v])
            {
                string kind = Corrupt(bytes, _plan.CorruptKind[v]);
                state = SimulatedFileState.Corrupt;
                Log(v, "corrupt", name, kind);
            }

            WriteFile(path, bytes, length, state, v, slot, () =>
            {
                if (!_plan.Duplicate[v]) { FinishSlot(slot); return; }
                string dupName = DuplicateFileName(O.Format, O.SeriesNumber, v);
                Log(v, "duplicate", dupName, $"second copy of {name}");
                WriteFile(Path.Combine(O.Folder, dupName), bytes, bytes.Length, SimulatedFileState.Duplicate, v, slot, () => FinishSlot(slot));
            });
        }

        private byte[] Encode(Volume volume, int index)
        {
            double tr = O.RepetitionTime.TotalSeconds;
            var v = volume.Index == index ? volume : new Volume(volume.Nx, volume.Ny, volume.Nz, volume.Data, volume.Affine, index, index * tr);
            return O.Format == ExportFormat.Dicom
                ? DicomWriter.EncodeMosaic(v, new DicomWriteOptions
                {
                    SeriesNumber = O.SeriesNumber,
                    SeriesInstanceUid = _seriesUid,
                    InstanceNumber = index + 1,
                    AcquisitionDateTime = _acquisitionStart + O.RepetitionTime * index,
                    RepetitionTimeSeconds = tr,
                })
                : NiftiWriter.EncodeVolume(v, new NiftiWriteOptions { RepetitionTimeSeconds = tr, Compress = false });
        }

        /// <summary>Breaks the file so the readers refuse it; returns what was done.</summary>
        private string Corrupt(byte[] bytes, int kind)
        {
            if (O.Format == ExportFormat.Nifti)
            {
                "XXXX"u8.CopyTo(bytes.AsSpan(NiftiHeader.Nifti1MagicOffset));
                return "magic: NIfTI magic at byte 344 garbled";
            }
            if (kind == 0)
            {
                "DXCM"u8.CopyTo(bytes.AsSpan(128));
                return "magic: DICM at byte 128 garbled";
            }
            // The pixel data element is the last one: tag, "OW", 2 reserved bytes, 4-byte length, values.
            int lengthAt = PixelLengthOffset(bytes);
            int pixelBytes = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(lengthAt));
            int declared = pixelBytes / 4 * 2;
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(lengthAt), (uint)declared);
            return string.Create(CultureInfo.InvariantCulture, $"pixel-length: pixel data declared {declared} of {pixelBytes} bytes");
        }

        private static int PixelLengthOffset(byte[] bytes)
        {
            // search backwards for (7FE0,0010) OW: E0 7F 10 00 'O' 'W' 00 00 len32
            for (int p = bytes.Length - 12; p >= 132; p--)
            {
                if (bytes[p] == 0xE0 && bytes[p + 1] == 0x7F && bytes[p + 2] == 0x10 && bytes[p + 3] == 0x00 && bytes[p + 4] == (byte)'O' && bytes[p + 5] == (byte)'W'
                    && BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(p + 8)) == (uint)(bytes.Length - p - 12))
                    return p + 8;
            }
            throw new InvalidOperationException("The mosaic has no pixel data element at its end.");
        }

        /// <summary>Writes bytes[0..length) in pieces, each a scheduler step; then renames (when whole) and emits.</summary>
        private void WriteFile(string path, byte[] bytes, int length, SimulatedFileState state, int volume, int slot, Action then)
        {
            string target = O.WriteThenRename ? Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + ".tmp") : path;
            int n = O.Chunks;
            int piece = 0;
            void Step()
            {
                int from = (int)((long)bytes.Length * piece / n), to = (int)Math.Min((long)bytes.Length * (piece + 1) / n, length);
                using (var fs = new FileStream(target, piece == 0 ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
                {
                    if (to > from) fs.Write(bytes, from, to - from);
                    fs.Flush(flushToDisk: false);
                }
                piece++;
                bool cutHere = to >= length;
                if (piece < n && !cutHere)
                {
                    Schedule(Gap, Step);
                    return;
                }
                string left = target;
                if (O.WriteThenRename && state != SimulatedFileState.Partial)
                {
                    File.Move(target, path, overwrite: true);
                    left = path;
                }
                _observer.OnNext(new SimulatedFile(volume, left, state, slot, _s._scheduler.Now));
                then();
            }
            Step();
        }

        private void FinishSlot(int slot)
        {
            if (O.Speed.IsMax && slot + 1 < _count) Schedule(TimeSpan.Zero, () => StartSlot(slot + 1));
            if (--_pendingSlots == 0) Complete();
        }

        private void Complete()
        {
            _s._log.Information("Simulated {Count} volumes into {Folder}", _count, O.Folder);
            _logWriter?.Dispose();
            _logWriter = null;
            _stopped = true;
            _observer.OnCompleted();
        }
    }
}
