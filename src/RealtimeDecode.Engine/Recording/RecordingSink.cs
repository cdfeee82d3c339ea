using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;
using Serilog;
using Serilog.Core;

namespace RealtimeDecode.Engine.Recording;

/// <summary>
/// Writes the recording directory (see <see cref="RecordingLayout"/>) as frames come:
/// <list type="bullet">
/// <item><c>volumes.tsv</c>: one row per frame in publication order: every TR slot (ok, missing,
/// corrupt) and every ignored extra file (late, duplicate). Warm-up volumes are <c>ok</c>.</item>
/// <item><c>estimates.tsv</c>: one row per frame WITH estimates. Warm-up and skipped volumes are
/// omitted (not written as n/a); session.json says so under <c>warmup_volumes</c>. A volume whose
/// estimates were not finite (<see cref="EstimateFrame.NotFinite"/>) has a row of n/a, listed under
/// <c>not_finite_volumes</c>.</item>
/// With <see cref="RecordingOptions.Motion"/>, <c>estimates.tsv</c> has a <c>censored</c> column (1 when the
/// estimate's window holds a high-motion volume, else 0) between the targets and the timing columns; a
/// withheld estimate is recorded all the same. A volume whose realignment failed has no estimate row and
/// is listed under <c>motion_failed_volumes</c>; session.json counts the high-motion volumes
/// (<c>motion.high_motion</c>) and names them.
/// <item><c>events.tsv</c>: one row per <see cref="RecordMarker"/>.</item>
/// <item><c>session.json</c>: written at start and rewritten (atomically) at completion with the
/// counts, the warm-up volumes and any pipeline error.</item>
/// </list>
/// Every row is handed to the operating system whole, in one write, as it comes, so a crash of the process
/// loses nothing already recorded. A file that cannot be written (disk full, file size limit) is cut back
/// to its last complete row and written no more; that is logged in one line, the frames keep coming (the
/// session goes on decoding and publishing), <see cref="Failures"/> lists it and session.json, if it can
/// still be written, says so under <c>write_failures</c>. Register it with <see cref="SinkRegistration.Unbounded"/>: the recorder
/// must never drop a frame. Thread-safe: markers may come from any thread.
/// </summary>
public sealed class RecordingSink : IFrameSink, IDisposable
{
    private readonly RecordingOptions _options;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly DateTimeOffset _startedUtc;
    private readonly object _gate = new();
    private readonly RecordingFile _estimatesFile, _volumesFile, _eventsFile;
    private readonly StringWriter _line = new(CultureInfo.InvariantCulture) { NewLine = "\n" };
    private readonly Motion.MotionTable? _motion;
    private readonly TsvRowWriter _estimates;
    private readonly ILogger _log;
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private string? _sessionFailure;
    private readonly double[] _row;
    private readonly Dictionary<VolumeStatus, int> _counts = Enum.GetValues<VolumeStatus>().ToDictionary(s => s, _ => 0);
    private readonly List<int> _warmUp = [];
    private readonly List<int> _notFinite = [];
    private readonly List<int> _motionFailed = [];
    private readonly List<int> _highMotion = [];
    private int _censoredRows;
    private double[]? _nanEstimates;
    private int _estimateRows;
    private bool _closed;
    private bool _ended;
    private Exception? _error;
    private JsonArray? _runs;

    /// <summary>Creates the directory and its files (headers and a first session.json).</summary>
    /// <exception cref="InputDataException">The directory already holds a recording, or cannot be written.</exception>
    public RecordingSink(RecordingOptions options, TimeProvider time, ILogger? log = null)
    {
        _log = (log ?? Logger.None).ForContext<RecordingSink>();
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _origin = options.SessionStartTimestamp ?? time.GetTimestamp();
        _startedUtc = options.StartedUtc ?? time.GetUtcNow();
        var dir = options.Directory;
        if (File.Exists(Path.Combine(dir, RecordingLayout.EstimatesFile)) || File.Exists(Path.Combine(dir, RecordingLayout.SessionFile)))
            throw new InputDataException(dir, "already holds a recording; choose a new directory");
        var columns = new List<string>(options.TargetNames.Count + 6) { "onset_s" };
        columns.AddRange(options.TargetNames);
        if (options.Motion) columns.Add(RecordingLayout.CensoredColumn);
        columns.AddRange(RecordingLayout.TimingColumns);
        _row = new double[columns.Count];
        try
        {
            System.IO.Directory.CreateDirectory(dir);
            _estimatesFile = new RecordingFile(Path.Combine(dir, RecordingLayout.EstimatesFile));
            _volumesFile = new RecordingFile(Path.Combine(dir, RecordingLayout.VolumesFile));
            _eventsFile = new RecordingFile(Path.Combine(dir, RecordingLayout.EventsFile));
            if (options.Motion) _motion = new Motion.MotionTable(new StreamWriter(new FileStream(Path.Combine(dir, RecordingLayout.MotionFile), FileMode.CreateNew, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)), flushEachRow: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException(dir, $"cannot write the recording: {e.Message}", e);
        }
        _estimates = new TsvRowWriter(_line, columns);
        Append(_estimatesFile);
        _line.Write(options.Motion ? "volume\tstatus\tfile\t" + string.Join('\t', Motion.MotionTable.Columns) + "\n" : "volume\tstatus\tfile\n");
        Append(_volumesFile);
        _line.Write("onset_s\tvalue\tsource\n");
        Append(_eventsFile);
        var failed = Failures;
        if (failed.Count == 3)
            throw new InputDataException(dir, $"cannot write the recording: {failed[0].Problem}");
        WriteSession(ended: false, error: null);
    }

    /// <inheritdoc />
    public string Name => "recorder";

    /// <inheritdoc />
    public bool ReleasesArrays => true;

    /// <summary>The recording directory.</summary>
    public string Directory => _options.Directory;

    /// <summary>Records a marker received during the session (e.g. from an LSL marker inlet).</summary>
    /// <param name="onsetSeconds">Onset (s) on the run's clock (same origin as the volumes' onset_s).</param>
    /// <param name="value">Marker value (tabs and line breaks become spaces).</param>
    /// <param name="source">Where it came from (stream name).</param>
    public void RecordMarker(double onsetSeconds, string value, string source)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(source);
        lock (_gate)
        {
            if (_closed) return;
            _line.Write(FormatNumber(onsetSeconds));
            _line.Write('\t');
            _line.Write(Clean(value));
            _line.Write('\t');
            _line.Write(Clean(source));
            _line.Write('\n');
            Append(_eventsFile);
        }
    }

    /// <inheritdoc />
    public ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        lock (_gate)
        {
            if (_closed) throw new ObjectDisposedException(nameof(RecordingSink));
            // The rows' write is this sink's hand-off; taken first, so the row's published_ms is final (the first hand-off).
            frame.Timing.MarkHandedOff(Name, _time);
            _counts[frame.Status]++;
            if (frame is EstimateFrame { Estimates: { } values } e) WriteEstimate(e, values);
            else if (frame is EstimateFrame { IsWarmingUp: true }) _warmUp.Add(frame.Volume);
            else if (frame is EstimateFrame { MotionFailed: true }) _motionFailed.Add(frame.Volume);
            else if (frame is EstimateFrame { NotFinite: true } nf)
            {
                _notFinite.Add(frame.Volume);
                WriteEstimate(nf, _nanEstimates ??= [.. Enumerable.Repeat(double.NaN, _options.TargetNames.Count)]);
            }

            _line.Write(frame.Volume.ToString(CultureInfo.InvariantCulture));
            _line.Write('\t');
            _line.Write(frame.Status.ToFileValue());
            _line.Write('\t');
            _line.Write(string.IsNullOrEmpty(frame.File) ? "n/a" : Clean(frame.File));
            if (_motion is not null)
            {
                var m = (frame as EstimateFrame)?.Motion;
                if (m is { IsValid: true } && m.FramewiseDisplacement > _options.FdThresholdMm) _highMotion.Add(frame.Volume);
                string row = MotionRow(m);
                _line.Write('\t');
                _line.Write(row);
                _motion.WriteRow(row);
            }
            _line.Write('\n');
            Append(_volumesFile);
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken)
    {
        Close(ended: true, error);
        return ValueTask.CompletedTask;
    }

    /// <summary>Flushes and closes the files; session.json says the session did not complete unless
    /// <see cref="OnCompletedAsync"/> came first (then this does nothing).</summary>
    public void Dispose() => Close(ended: false, null);

    private void WriteEstimate(EstimateFrame frame, double[] values)
    {
        int targets = _options.TargetNames.Count;
        if (values.Length != targets)
            throw new ArgumentOutOfRangeException(nameof(frame), $"Volume {frame.Volume} has {values.Length} estimates, the recording has {targets} targets.");
        var t = frame.Timing;
        _row[0] = frame.OnsetSeconds;
        values.CopyTo(_row, 1);
        int k = 1 + targets;
        if (_options.Motion)
        {
            _row[k++] = frame.Censored ? 1 : 0;
            if (frame.Censored) _censoredRows++;
        }
        _row[k++] = t.MillisecondsSince(_origin, t.DetectedTimestamp);
        _row[k++] = t.ReadTimestamp is long r ? t.MillisecondsSince(_origin, r) : double.NaN;
        _row[k++] = t.DecodedTimestamp is long d ? t.MillisecondsSince(_origin, d) : double.NaN;
        _row[k++] = t.MillisecondsSince(_origin, t.PublishedTimestamp!.Value);
        _row[k] = t.LatencyMs;
        _estimates.WriteRow(frame.Volume, _row);
        if (Append(_estimatesFile)) _estimateRows++;
    }

    // The motion columns of one volume: parameters, FD and status; n/a throughout without an estimate.
    private static string MotionRow(Motion.MotionEstimate? m)
    {
        if (m is null) return string.Join('\t', Enumerable.Repeat("n/a", Motion.MotionTable.Columns.Count));
        var cells = m.Parameters.Select(Motion.MotionTable.Format).Append(Motion.MotionTable.Format(m.FramewiseDisplacement)).Append(Motion.RealignStatusNames.Name(m.Status));
        return string.Join('\t', cells);
    }

    private void Close(bool ended, Exception? error)
    {
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            _motion?.Dispose();
            _estimatesFile.Dispose();
            _volumesFile.Dispose();
            _eventsFile.Dispose();
            foreach (var f in new[] { _estimatesFile, _volumesFile, _eventsFile }) Report(f);
            (_ended, _error) = (ended, error);
            WriteSession(ended, error);
        }
    }

    /// <summary>This recording as one entry of a session's <c>runs</c>: its series, folder (relative to the session's), counts and estimate rows.</summary>
    public JsonObject RunEntry(int series, string folder)
    {
        lock (_gate)
            return new JsonObject
            {
                ["series"] = series,
                ["folder"] = folder,
                ["completed"] = _closed && _ended && _error is null,
                ["counts"] = Counts(),
                ["estimate_rows"] = _estimateRows,
            };
    }

    /// <summary>Every run of the session (see <see cref="RunEntry"/>), written to this recording's session.json under
    /// <c>runs</c> now, also after it closed: the session's folder says where its later series are.</summary>
    public void SetRuns(JsonArray runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        lock (_gate)
        {
            _runs = runs;
            WriteSession(_closed && _ended, _error);
        }
    }

    private JsonObject Counts() => new(_counts.Select(kv => KeyValuePair.Create(kv.Key.ToFileValue(), (JsonNode?)JsonValue.Create(kv.Value))));

    /// <summary>The files that could not be written completely (file name and the first error), in layout order;
    /// session.json is among them when its last rewrite failed.</summary>
    public IReadOnlyList<(string File, string Problem)> Failures
    {
        get
        {
            lock (_gate)
            {
                var list = new List<(string, string)>();
                foreach (var f in new[] { _estimatesFile, _volumesFile, _eventsFile })
                    if (f.Failure is { } p) list.Add((Path.GetFileName(f.Path), p));
                if (_sessionFailure is { } s) list.Add((RecordingLayout.SessionFile, s));
                return list;
            }
        }
    }

    /// <summary>Writes the row in <see cref="_line"/> to <paramref name="file"/> in one piece and clears it.</summary>
    private bool Append(RecordingFile file)
    {
        var sb = _line.GetStringBuilder();
        bool ok;
        if (sb.Length <= 4096)
        {
            Span<char> row = stackalloc char[sb.Length];
            sb.CopyTo(0, row, sb.Length);
            ok = file.TryAppend(row);
        }
        else ok = file.TryAppend(sb.ToString());
        sb.Clear();
        if (!ok) Report(file);
        return ok;
    }

    /// <summary>One line per file, the first time it fails.</summary>
    private void Report(RecordingFile file)
    {
        if (file.Failure is { } problem && _reported.Add(file.Path))
            _log.Error("Recording: cannot write {File} ({Problem}); its {Rows} complete rows are kept, no more are written to it, the session goes on",
                file.Path, problem, file.RowsKept - 1);
    }

    /// <summary><c>completed</c> is true only when the pipeline ended without error; <c>ended_utc</c> is set
    /// when the pipeline ended at all (with or without error).</summary>
    private void WriteSession(bool ended, Exception? error)
    {
        var json = new JsonObject
        {
            ["format"] = "realtime-decode-recording",
            ["format_version"] = 1,
            ["session"] = _options.SessionId,
            ["started_utc"] = _startedUtc.ToString("O", CultureInfo.InvariantCulture),
            ["completed"] = ended && error is null,
            ["ended_utc"] = ended ? _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) : null,
            ["error"] = error?.Message,
            ["repetition_time_s"] = _options.RepetitionTime?.TotalSeconds,
            ["window_volumes"] = _options.WindowVolumes,
            ["targets"] = new JsonArray(_options.TargetNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            ["model_sha256"] = _options.ModelSha256,
            ["protocol"] = _options.Protocol?.DeepClone(),
            ["configuration"] = _options.Configuration switch
            {
                null => null,
                JsonNode node => node.DeepClone(),
                var o => JsonSerializer.SerializeToNode(o, o.GetType()),
            },
            ["versions"] = Versions(),
            ["files"] = new JsonObject
            {
                ["estimates"] = RecordingLayout.EstimatesFile,
                ["volumes"] = RecordingLayout.VolumesFile,
                ["events"] = RecordingLayout.EventsFile,
                // the session log is one, in the session's folder; a later series' folder holds none
                ["log"] = _options.SessionFolder ? RecordingLayout.LogFile : "../" + RecordingLayout.LogFile,
            },
            ["timing"] = new JsonObject
            {
                ["clock"] = "monotonic",
                ["origin"] = "session start",
                ["unit"] = "ms",
                ["latency"] = "published_ms - detected_ms",
                ["published"] = "the first hand-off of the frame to a transport: dashboard send, LSL push or recording write",
                ["handoffs"] = _options.SessionFolder ? RecordingLayout.HandOffsFile : "../" + RecordingLayout.HandOffsFile,
            },
            ["warmup_volumes"] = new JsonObject
            {
                ["in_estimates_tsv"] = "omitted",
                ["status_in_volumes_tsv"] = "ok",
                ["count"] = _warmUp.Count,
                ["volumes"] = new JsonArray(_warmUp.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
            },
            ["not_finite_volumes"] = new JsonObject
            {
                ["in_estimates_tsv"] = "n/a for every target",
                ["count"] = _notFinite.Count,
                ["volumes"] = new JsonArray(_notFinite.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
            },
            ["motion"] = !_options.Motion ? null : new JsonObject
            {
                ["fd_threshold_mm"] = _options.FdThresholdMm,
                ["censor"] = _options.Censor.Name(),
                ["high_motion"] = _highMotion.Count,
                ["high_motion_volumes"] = new JsonArray(_highMotion.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
                ["censored_estimates"] = _censoredRows,
                ["censored_in_estimates_tsv"] = RecordingLayout.CensoredColumn + " = 1",
            },
            ["motion_failed_volumes"] = !_options.Motion ? null : new JsonObject
            {
                ["in_estimates_tsv"] = "omitted",
                ["status_in_volumes_tsv"] = "ok, with realign_status saying why",
                ["count"] = _motionFailed.Count,
                ["volumes"] = new JsonArray(_motionFailed.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
            },
            ["counts"] = Counts(),
            ["estimate_rows"] = _estimateRows,
        };
        // counts and estimate_rows above are this folder's run; runs lists every run of the session (session folder only)
        if (_runs is not null) json["runs"] = _runs.DeepClone();
        var failures = new JsonArray();
        foreach (var f in new[] { _estimatesFile, _volumesFile, _eventsFile })
            if (f.Failure is { } problem)
                failures.Add(new JsonObject
                {
                    ["file"] = Path.GetFileName(f.Path),
                    ["error"] = problem,
                    ["rows_kept"] = f.RowsKept - 1,
                    ["rows_lost"] = f.RowsLost,
                });
        json["write_failures"] = failures;
        var path = Path.Combine(_options.Directory, RecordingLayout.SessionFile);
        try
        {
            AtomicFile.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            _sessionFailure = null;
        }
        catch (Exception e) when (AtomicFile.IsWriteFailure(e))
        {
            // The previous session.json stays as it was (it is replaced only when the new one is complete).
            if (_sessionFailure is null)
                _log.Error("Recording: cannot write {File} ({Problem}); the previous version is kept", path, e.Message);
            _sessionFailure = e.Message;
        }
    }

    private static JsonObject Versions()
    {
        var assemblies = new JsonObject();
        foreach (var a in AppDomain.CurrentDomain.GetAssemblies()
                     .Select(a => a.GetName())
                     .Where(n => n.Name is { } s && (s.StartsWith("RealtimeDecode", StringComparison.Ordinal) || s == "realtime-decode"
                         || s is "System.Reactive" or "MathNet.Numerics" or "Serilog" or "System.Numerics.Tensors"))
                     .DistinctBy(n => n.Name)
                     .OrderBy(n => n.Name, StringComparer.Ordinal))
            assemblies[a.Name!] = a.Version?.ToString();
        var engine = typeof(RecordingSink).Assembly;
        return new JsonObject
        {
            ["realtime_decode"] = engine.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                                  ?? engine.GetName().Version?.ToString(),
            ["assemblies"] = assemblies,
            ["runtime"] = RuntimeInformation.FrameworkDescription,
            ["os"] = RuntimeInformation.OSDescription,
            ["architecture"] = RuntimeInformation.ProcessArchitecture.ToString(),
        };
    }

    private static string FormatNumber(double v) =>
        double.IsNaN(v) ? "n/a" : v.ToString("R", CultureInfo.InvariantCulture);

    private static string Clean(string s) =>
        s.AsSpan().IndexOfAny('\t', '\n', '\r') < 0 ? s : s.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
}
