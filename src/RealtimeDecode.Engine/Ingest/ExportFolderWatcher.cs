using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Imaging;
using Serilog;
using Serilog.Core;

namespace RealtimeDecode.Engine.Ingest;

/// <summary>
/// Watches the scanner's real-time export folder and turns new files into ordered runs of
/// <see cref="VolumeArrival"/>s.
/// <list type="bullet">
/// <item>Detection: <see cref="FileSystemWatcher"/> (Created, Changed, Renamed) plus a polling scan every
/// <see cref="ExportWatcherOptions.PollInterval"/> on the scheduler, which catches lost events and
/// re-checks incomplete files.</item>
/// <item>A file is taken once <see cref="ExportWatcherOptions.Completeness"/> says it is complete; its
/// detection timestamp is taken then.</item>
/// <item>Keys (series, index) come from <see cref="ExportWatcherOptions.KeyFromFile"/>; a
/// <see cref="ReorderBuffer"/> per run orders them, declares gaps missing after
/// <see cref="ExportWatcherOptions.MissingAfterTrs"/> TRs on the scheduler's clock and reports
/// duplicates and late files.</item>
/// <item>Files present at start are ignored unless <see cref="ExportWatcherOptions.IncludeExisting"/>; a series
/// that already has ignored files then starts at the index after its last one, and when its run starts they
/// are reported first, in index order, as <see cref="VolumeStatus.SkippedExisting"/>.</item>
/// <item>A file whose index lies more than <see cref="ExportWatcherOptions.MaxGapTrs"/> beyond the next expected
/// one, or whose series has already ended, is reported as <see cref="VolumeStatus.Stray"/> (in the current run,
/// or the next one to start) and ignored, so a gap is never larger than that bound.</item>
/// <item>When the folder disappears, one warning is logged and polling goes on quietly; when it is back,
/// one line says so and file system events are listened to again.
/// A new series ends the current run (its waiting volumes are flushed) and starts a new one; files of
/// an earlier series that come afterwards are logged and ignored.</item>
/// </list>
/// All state lives per subscription and is touched only on the scheduler; file system events are
/// marshalled onto it, so the scheduler must accept work from other threads (an
/// <see cref="Pipeline.DedicatedThreadScheduler"/> live; with <see cref="ExportWatcherOptions.UseFileSystemEvents"/>
/// false, a <see cref="HistoricalScheduler"/> drives it in virtual time).
/// Disposing the subscription flushes and completes the current run. To end a session without losing
/// volumes, stop through <see cref="RunsUntil"/>'s token instead: the current run is flushed (its
/// waiting volumes released after their gaps are declared missing) and completed, and then the runs.
/// </summary>
public sealed class ExportFolderWatcher
{
    private readonly ExportWatcherOptions _options;
    private readonly IScheduler _scheduler;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    /// <summary>Creates a watcher; the folder, or at least its parent, must exist (a folder the scanner has not made yet is waited for).</summary>
    public ExportFolderWatcher(ExportWatcherOptions options, IScheduler scheduler, TimeProvider time, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!Directory.Exists(options.Folder) && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(options.Folder))))
            throw new InputDataException(options.Folder, "export folder not found, nor the folder it would be made in");
        _options = options;
        _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _log = (log ?? Logger.None).ForContext<ExportFolderWatcher>();
    }

    /// <summary>The runs, one per series, in the order their first file was taken. Cold: each subscription watches anew.</summary>
    public IObservable<ExportRun> Runs => RunsUntil(CancellationToken.None);

    /// <summary>All arrivals of all runs, run after run, each carrying its series: what
    /// <see cref="RealtimePipeline.Process"/> takes (it starts fresh stages at each new series).</summary>
    public IObservable<VolumeArrival> Arrivals => ArrivalsUntil(CancellationToken.None);

    /// <summary>
    /// <see cref="Runs"/> that end when <paramref name="stop"/> is cancelled: the watch stops taking files,
    /// the current run is flushed (every volume that arrived is released, the gaps before them declared
    /// missing) and completed, then the sequence of runs completes.
    /// </summary>
    public IObservable<ExportRun> RunsUntil(CancellationToken stop) => Observable.Create<ExportRun>(observer =>
    {
        var session = new WatchSession(this, observer);
        return session.Start(stop);
    });

    /// <summary>All arrivals of <see cref="RunsUntil"/>, run after run; completes once a stop has flushed the last run.</summary>
    public IObservable<VolumeArrival> ArrivalsUntil(CancellationToken stop) => RunsUntil(stop).Select(r => r.Volumes).Concat();

    private sealed class WatchSession
    {
        private readonly ExportFolderWatcher _w;
        private readonly IObserver<ExportRun> _observer;
        private readonly Func<string, FileCompleteness> _completeness;
        private readonly HashSet<string> _known = new(StringComparer.Ordinal);
        private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
        // What each taken (or ignored-at-start) volume file looked like then: a later change is a rewrite in place,
        // which is warned about once, naming the file (its new contents are not read).
        private readonly Dictionary<string, (DateTime WrittenUtc, long Length)> _stamps = new(StringComparer.Ordinal);
        private readonly HashSet<string> _rewriteWarned = new(StringComparer.Ordinal);
        private readonly HashSet<int> _finishedSeries = [];
        private readonly Dictionary<int, int> _resumeAt = [];
        private readonly SerialDisposable _expiry = new();
        private readonly SerialDisposable _events = new();
        private readonly Dictionary<int, SortedSet<(int Index, string Path)>> _existing = [];
        private readonly List<VolumeArrival> _strays = [];
        private string? _listingProblem;
        private ReorderBuffer? _buffer;
        private ReplaySubject<VolumeArrival>? _run;
        private int _series;
        private TimeSpan _tr;
        private bool _trAsked;
        private bool _stopped;
        private volatile bool _disposed;

        public WatchSession(ExportFolderWatcher w, IObserver<ExportRun> observer)
        {
            _w = w;
            _observer = observer;
            _completeness = w._options.Completeness ?? new SizeStableCompleteness(w._options.PollInterval, w._time).Check;
            _tr = w._options.RepetitionTime;
        }

        /// <summary>A file taken while the TR is still to come from one (<see cref="ExportWatcherOptions.RepetitionTimeFromFirstFile"/>):
        /// the first readable file gives it; one that cannot be read leaves the question to the next file taken.</summary>
        private void AdoptRepetitionTime(string path)
        {
            if (_trAsked || Options.RepetitionTimeFromFirstFile is not { } from) return;
            double? seconds;
            try { seconds = from(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InputDataException)
            {
                // Its slot is reported by the read stage as for any unreadable volume; the TR is asked of the next file.
                _w._log.Warning("Cannot read the TR of {File} ({Problem}); the next volume taken gives it", path, e.Message);
                return;
            }
            _trAsked = true;
            if (seconds is not { } s || !(s > 0) || !double.IsFinite(s)) return;
            _tr = TimeSpan.FromSeconds(s);
            // Adopted after the run started (its first files unreadable): its gaps are timed at this TR from now on.
            if (_buffer is not null) _buffer.MissingAfter = _tr * Options.MissingAfterTrs;
        }

        private ExportWatcherOptions Options => _w._options;

        public IDisposable Start(CancellationToken stop)
        {
            var d = new CompositeDisposable();
            // Often started before the scanner makes the folder: said once; the first listing that finds it says so too.
            bool absent = !Directory.Exists(Options.Folder);
            if (absent)
            {
                _listingProblem = "not there yet";
                _w._log.Information("Export folder {Folder} does not exist yet; waiting for the scanner to make it", Options.Folder);
            }
            // The initial listing happens now, before any event can be handled, so "existing at start"
            // means present when the subscription was made.
            var existing = ListFiles();
            if (!Options.IncludeExisting)
            {
                foreach (var f in existing)
                {
                    _known.Add(f);
                    if (TryKey(f) is { } key)
                    {
                        Stamp(f);
                        if (!_existing.TryGetValue(key.Series, out var files)) _existing[key.Series] = files = [];
                        files.Add((key.Index, f));
                    }
                }
                // A series already under way when the watch starts resumes after its last exported volume
                // instead of waiting for (and declaring missing) the volumes that were deliberately ignored;
                // a stray among them (an index far beyond the others) does not move that start.
                foreach (var (series, files) in _existing)
                {
                    int next = 0;
                    foreach (var (index, _) in files)
                        if (index - next <= Options.MaxGapTrs) next = Math.Max(next, index + 1);
                    _resumeAt[series] = next;
                }
                if (existing.Count > 0) _w._log.Information("Ignoring {Count} files already in {Folder} (each recorded as skipped-existing, not logged one by one)", existing.Count, Options.Folder);
            }
            else
            {
                d.Add(_w._scheduler.Schedule(() => { foreach (var f in existing) Consider(f); }));
            }

            if (Options.UseFileSystemEvents && !absent) ListenToEvents();
            d.Add(_events);
            d.Add(Observable.Interval(Options.PollInterval, _w._scheduler).Subscribe(_ => Poll()));
            d.Add(_expiry);
            if (stop.CanBeCanceled) d.Add(stop.Register(() => _w._scheduler.Schedule(Finish)));
            d.Add(Disposable.Create(() =>
            {
                _disposed = true;
                _w._scheduler.Schedule(Stop);
            }));
            return d;
        }

        private void ListenToEvents()
        {
            try
            {
                var fsw = new FileSystemWatcher(Options.Folder, Options.Filter)
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
                    IncludeSubdirectories = false,
                };
                FileSystemEventHandler onChange = (_, e) => _w._scheduler.Schedule(() => Consider(e.FullPath));
                fsw.Created += onChange;
                fsw.Changed += onChange;
                fsw.Renamed += (_, e) => _w._scheduler.Schedule(() => Consider(e.FullPath));
                // One line, no stack trace: polling goes on whatever the cause (the folder may have been deleted).
                fsw.Error += (_, e) => _w._log.Warning("File system events lost in {Folder} ({Problem}); polling continues", Options.Folder, e.GetException().Message);
                fsw.EnableRaisingEvents = true;
                _events.Disposable = fsw;
            }
            catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
            {
                _w._log.Warning("Cannot listen to file system events in {Folder} ({Problem}); polling continues", Options.Folder, e.Message);
            }
        }

        private VolumeKey? TryKey(string path)
        {
            try { return Options.KeyFromFile(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InputDataException) { return null; }
        }

        private List<string> ListFiles()
        {
            if (_listingProblem == "not there yet" && !Directory.Exists(Options.Folder)) return [];
            try
            {
                var files = Directory.GetFiles(Options.Folder, Options.Filter, SearchOption.TopDirectoryOnly);
                Array.Sort(files, StringComparer.Ordinal);
                if (_listingProblem is not null)
                {
                    bool appeared = _listingProblem == "not there yet";
                    _listingProblem = null;
                    if (appeared) _w._log.Information("Export folder {Folder} now exists; watching it", Options.Folder);
                    else _w._log.Information("Export folder {Folder} can be read again; watching resumes", Options.Folder);
                    if (Options.UseFileSystemEvents && !_stopped && !_disposed) ListenToEvents();
                }
                return [.. files];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Said once, not at every poll: a deleted or unmounted folder stays so for many polls.
                string problem = e is DirectoryNotFoundException ? "it has disappeared" : e.Message;
                if (_listingProblem != problem)
                {
                    _listingProblem = problem;
                    _w._log.Warning("Cannot list export folder {Folder}: {Problem}; waiting for it to come back", Options.Folder, problem);
                }
                return [];
            }
        }

        private void Poll()
        {
            if (_stopped) return;
            // Each candidate is looked at once per poll: a size-stability check needs two looks one interval apart.
            var candidates = new SortedSet<string>(_pending, StringComparer.Ordinal);
            foreach (var f in ListFiles()) if (!_known.Contains(f)) candidates.Add(f);
            foreach (var f in candidates) Consider(f);
            if (_buffer is not null) Publish(_buffer.Expire(TakeIncomplete));
        }

        /// <summary>
        /// A file of the current series for <paramref name="index"/> that is there but never became complete, taken as
        /// it is when its slot is due: the read stage then reports it corrupt, naming it, so "never sent" (missing)
        /// stays apart from "arrived broken". Null when there is none.
        /// </summary>
        private VolumeArrival? TakeIncomplete(int index)
        {
            if (_pending.Count == 0) return null;
            foreach (var path in _pending)
            {
                if (TryKey(path) is not { } key || key.Series != _series || key.Index != index) continue;
                _pending.Remove(path);
                _known.Add(path);
                _w._log.Warning("Volume file {File} still incomplete when volume {Index} was due; read as it is", path, index);
                return new VolumeArrival(index, path, _w._time.GetTimestamp(), VolumeStatus.Ok, null, _series);
            }
            return null;
        }

        /// <summary>
        /// The run ends (a stop, a new series, the end of the watch) with files of its series still incomplete: after
        /// the run's last volume nothing comes to make their slot due, so each is taken now, in index order, as it is,
        /// and the read stage reports it (corrupt, naming it) like a file cut mid-run; never dropped unsaid.
        /// </summary>
        private void TakeIncompleteAtEnd()
        {
            if (_pending.Count == 0) return;
            var left = new SortedSet<(int Index, string Path)>();
            foreach (var path in _pending)
                if (TryKey(path) is { } key && key.Series == _series) left.Add((key.Index, path));
            foreach (var (index, path) in left)
            {
                _pending.Remove(path);
                _known.Add(path);
                if (index - _buffer!.NextIndex > Options.MaxGapTrs)
                {
                    Stray(path, new VolumeKey(_series, index), $"volume {index} is more than {Options.MaxGapTrs} beyond the next expected volume {_buffer.NextIndex}");
                    continue;
                }
                _w._log.Warning("Volume file {File} still incomplete when its run ended; read as it is", path);
                foreach (var a in _buffer.Add(new VolumeArrival(index, path, _w._time.GetTimestamp(), VolumeStatus.Ok, null, _series))) _run!.OnNext(a);
            }
        }

        private static (DateTime, long)? StampOf(string path)
        {
            try
            {
                var info = new FileInfo(path);
                return info.Exists ? (info.LastWriteTimeUtc, info.Length) : null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        }

        private void Stamp(string path)
        {
            if (StampOf(path) is { } stamp) _stamps[path] = stamp;
        }

        /// <summary>A change event for a file already taken: the scanner (or a second simulator run) wrote it again.
        /// The watch never reads a name twice, so say so once rather than ignore it silently.</summary>
        private void CheckRewritten(string path)
        {
            if (!_stamps.TryGetValue(path, out var then) || _rewriteWarned.Contains(path)) return;
            if (StampOf(path) is not { } now || now == then) return;
            _rewriteWarned.Add(path);
            _w._log.Warning("Volume file {File} was written again after it was taken; its new contents are ignored (a second run exported under the same names?)", path);
        }

        private void Consider(string path)
        {
            if (_stopped || _disposed) return;
            if (_known.Contains(path))
            {
                CheckRewritten(path);
                return;
            }
            VolumeKey? key;
            try { key = Options.KeyFromFile(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InputDataException)
            {
                // A metadata-based key cannot be read from a half-written file: look again at the next poll.
                _pending.Add(path);
                return;
            }
            if (key is null)
            {
                _known.Add(path);
                _w._log.Debug("Ignoring {File}: not a volume name", path);
                return;
            }
            FileCompleteness state;
            try { state = _completeness(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Locked or vanished for a moment: look again at the next poll.
                state = FileCompleteness.Incomplete;
            }
            catch (InputDataException e)
            {
                // The check says the file is broken, not short: take it so the read stage reports it corrupt in its slot.
                _w._log.Warning("Volume file {File} looks corrupt: {Problem}", path, e.Problem);
                state = FileCompleteness.Complete;
            }
            if (state != FileCompleteness.Complete)
            {
                _pending.Add(path);
                return;
            }
            _pending.Remove(path);
            _known.Add(path);
            Stamp(path);
            Accept(path, key.Value);
        }

        private void Accept(string path, VolumeKey key)
        {
            if (_run is null || key.Series != _series)
            {
                if (_finishedSeries.Contains(key.Series))
                {
                    Stray(path, key, "its series has already ended");
                    return;
                }
                int first = _resumeAt.GetValueOrDefault(key.Series);
                if (key.Index - first > Options.MaxGapTrs)
                {
                    Stray(path, key, $"volume {key.Index} is more than {Options.MaxGapTrs} beyond the first expected volume {first} of series {key.Series}");
                    return;
                }
                EndRun();
                AdoptRepetitionTime(path);
                _series = key.Series;
                _buffer = new ReorderBuffer(new ReorderOptions(_tr * Options.MissingAfterTrs, Options.ReorderCapacity, first),
                    _w._scheduler, _w._time);
                _run = new ReplaySubject<VolumeArrival>();
                _w._log.Information("Run of series {Series} starts with {File}", key.Series, path);
                _observer.OnNext(new ExportRun(key.Series, _run));
                ReportExisting(key.Series);
            }
            else if (key.Index - _buffer!.NextIndex > Options.MaxGapTrs)
            {
                Stray(path, key, $"volume {key.Index} is more than {Options.MaxGapTrs} beyond the next expected volume {_buffer.NextIndex}");
                return;
            }
            else AdoptRepetitionTime(path);
            var arrival = new VolumeArrival(key.Index, path, _w._time.GetTimestamp(), VolumeStatus.Ok, null, key.Series);
            Publish(_buffer!.Add(arrival));
        }

        /// <summary>Reports the files of <paramref name="series"/> that were there at start, before the run's first volume.</summary>
        private void ReportExisting(int series)
        {
            foreach (var s in _strays) _run!.OnNext(s with { Series = series });
            _strays.Clear();
            if (!_existing.Remove(series, out var files)) return;
            int first = _resumeAt.GetValueOrDefault(series);
            long now = _w._time.GetTimestamp();
            foreach (var (index, path) in files)
                _run!.OnNext(new VolumeArrival(index, path, now, index < first ? VolumeStatus.SkippedExisting : VolumeStatus.Stray, null, series));
        }

        /// <summary>A file that does not fit: one line, a report in the current run (or the next to start), never a slot.</summary>
        private void Stray(string path, VolumeKey key, string why)
        {
            _w._log.Warning("Ignoring stray file {File}: {Reason}", path, why);
            var arrival = new VolumeArrival(key.Index, path, _w._time.GetTimestamp(), VolumeStatus.Stray, null, _run is null ? key.Series : _series);
            if (_run is null) _strays.Add(arrival);
            else _run.OnNext(arrival);
        }

        private void Publish(IReadOnlyList<VolumeArrival> released)
        {
            foreach (var a in released) _run!.OnNext(a);
            // Declare the gap missing on time even if the polling interval is coarse.
            if (_buffer?.NextDeadline is { } deadline)
                _expiry.Disposable = _w._scheduler.Schedule(deadline, () => { if (!_stopped && _buffer is not null) Publish(_buffer.Expire(TakeIncomplete)); });
        }

        private void EndRun()
        {
            if (_run is null || _buffer is null) return;
            TakeIncompleteAtEnd();
            foreach (var a in _buffer.Flush(TakeIncomplete)) _run.OnNext(a);
            _run.OnCompleted();
            _finishedSeries.Add(_series);
            _w._log.Information("Run of series {Series} ended: {Missing} missing, {Duplicates} duplicate, {Late} late",
                _series, _buffer.MissingCount, _buffer.DuplicateCount, _buffer.LateCount);
            _run = null;
            _buffer = null;
        }

        private void Stop()
        {
            if (_stopped) return;
            EndRun();
            _stopped = true;
            // What is left never became complete and has no run to be read in (its series or volume could not be read,
            // or its series never started): named, so no file leaves unsaid.
            foreach (var path in _pending)
                _w._log.Warning("Volume file {File} never became complete and was not read: no run to place it in", path);
            _pending.Clear();
        }

        /// <summary>A requested end: flush and complete the current run, then the runs.</summary>
        private void Finish()
        {
            if (_stopped || _disposed) return;
            Stop();
            _w._log.Information("Watch of {Folder} stopped", Options.Folder);
            _observer.OnCompleted();
        }
    }
}
