using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Recording;

/// <summary>
/// Writes the recording directory (see <see cref="RecordingLayout"/>) as frames come:
/// <list type="bullet">
/// <item><c>volumes.tsv</c>: one row per frame in publication order: every TR slot (ok, missing,
/// corrupt) and every ignored extra file (late, duplicate). Warm-up volumes are <c>ok</c>.</item>
/// <item><c>estimates.tsv</c>: one row per frame WITH estimates. Warm-up and skipped volumes are
/// omitted (not written as n/a); session.json says so under <c>warmup_volumes</c>.</item>
/// <item><c>events.tsv</c>: one row per <see cref="RecordMarker"/>.</item>
/// <item><c>session.json</c>: written at start and rewritten (atomically) at completion with the
/// counts, the warm-up volumes and any pipeline error.</item>
/// </list>
/// Every row is flushed to the operating system as it is written, so a crash of the process loses
/// nothing already recorded. Register it with <see cref="SinkRegistration.Unbounded"/>: the recorder
/// must never drop a frame. Thread-safe: markers may come from any thread.
/// </summary>
public sealed class RecordingSink : IFrameSink, IDisposable
{
    private readonly RecordingOptions _options;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly DateTimeOffset _startedUtc;
    private readonly object _gate = new();
    private readonly StreamWriter _estimatesStream, _volumesStream, _eventsStream;
    private readonly Motion.MotionTable? _motion;
    private readonly TsvRowWriter _estimates;
    private readonly double[] _row;
    private readonly Dictionary<VolumeStatus, int> _counts = Enum.GetValues<VolumeStatus>().ToDictionary(s => s, _ => 0);
    private readonly List<int> _warmUp = [];
    private int _estimateRows;
    private bool _closed;

    /// <summary>Creates the directory and its files (headers and a first session.json).</summary>
    /// <exception cref="InputDataException">The directory already holds a recording, or cannot be written.</exception>
    public RecordingSink(RecordingOptions options, TimeProvider time)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _origin = options.SessionStartTimestamp ?? time.GetTimestamp();
        _startedUtc = time.GetUtcNow();
        var dir = options.Directory;
        if (File.Exists(Path.Combine(dir, RecordingLayout.EstimatesFile)) || File.Exists(Path.Combine(dir, RecordingLayout.SessionFile)))
            throw new InputDataException(dir, "already holds a recording; choose a new directory");
        try
        {
            System.IO.Directory.CreateDirectory(dir);
            _estimatesStream = Open(RecordingLayout.EstimatesFile);
            _volumesStream = Open(RecordingLayout.VolumesFile);
            _eventsStream = Open(RecordingLayout.EventsFile);
            if (options.Motion) _motion = new Motion.MotionTable(Open(RecordingLayout.MotionFile), flushEachRow: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException(dir, $"cannot write the recording: {e.Message}", e);
        }

        var columns = new List<string>(options.TargetNames.Count + 6) { "onset_s" };
        columns.AddRange(options.TargetNames);
        columns.AddRange(RecordingLayout.TimingColumns);
        _row = new double[columns.Count];
        _estimates = new TsvRowWriter(_estimatesStream, columns, flushEachRow: true);
        _estimatesStream.Flush();
        _volumesStream.Write(options.Motion ? "volume\tstatus\tfile\t" + string.Join('\t', Motion.MotionTable.Columns) + "\n" : "volume\tstatus\tfile\n");
        _volumesStream.Flush();
        _eventsStream.Write("onset_s\tvalue\tsource\n");
        _eventsStream.Flush();
        WriteSession(ended: false, error: null);
    }

    /// <inheritdoc />
    public string Name => "recorder";

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
            _eventsStream.Write(FormatNumber(onsetSeconds));
            _eventsStream.Write('\t');
            _eventsStream.Write(Clean(value));
            _eventsStream.Write('\t');
            _eventsStream.Write(Clean(source));
            _eventsStream.Write('\n');
            _eventsStream.Flush();
        }
    }

    /// <inheritdoc />
    public ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        lock (_gate)
        {
            if (_closed) throw new ObjectDisposedException(nameof(RecordingSink));
            _counts[frame.Status]++;
            if (frame is EstimateFrame { Estimates: { } values } e) WriteEstimate(e, values);
            else if (frame is EstimateFrame { IsWarmingUp: true }) _warmUp.Add(frame.Volume);

            _volumesStream.Write(frame.Volume.ToString(CultureInfo.InvariantCulture));
            _volumesStream.Write('\t');
            _volumesStream.Write(frame.Status.ToFileValue());
            _volumesStream.Write('\t');
            _volumesStream.Write(string.IsNullOrEmpty(frame.File) ? "n/a" : Clean(frame.File));
            if (_motion is not null)
            {
                var m = (frame as EstimateFrame)?.Motion;
                string row = MotionRow(m);
                _volumesStream.Write('\t');
                _volumesStream.Write(row);
                _motion.WriteRow(row);
            }
            _volumesStream.Write('\n');
            _volumesStream.Flush();
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
        _row[k++] = t.MillisecondsSince(_origin, t.DetectedTimestamp);
        _row[k++] = t.ReadTimestamp is long r ? t.MillisecondsSince(_origin, r) : double.NaN;
        _row[k++] = t.DecodedTimestamp is long d ? t.MillisecondsSince(_origin, d) : double.NaN;
        _row[k++] = t.MillisecondsSince(_origin, t.PublishedTimestamp);
        _row[k] = t.LatencyMs;
        _estimates.WriteRow(frame.Volume, _row);
        _estimateRows++;
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
            _estimates.Dispose();
            _estimatesStream.Dispose();
            _volumesStream.Dispose();
            _eventsStream.Dispose();
            WriteSession(ended, error);
        }
    }

    private StreamWriter Open(string name) =>
        new(new FileStream(Path.Combine(_options.Directory, name), FileMode.CreateNew, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));

    /// <summary><c>completed</c> is true only when the pipeline ended without error; <c>ended_utc</c> is set
    /// when the pipeline ended at all (with or without error).</summary>
    private void WriteSession(bool ended, Exception? error)
    {
        var json = new JsonObject
        {
            ["format"] = "realtime-decode-recording",
            ["format_version"] = 1,
            ["started_utc"] = _startedUtc.ToString("O", CultureInfo.InvariantCulture),
            ["completed"] = ended && error is null,
            ["ended_utc"] = ended ? _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) : null,
            ["error"] = error?.Message,
            ["repetition_time_s"] = _options.RepetitionTime?.TotalSeconds,
            ["targets"] = new JsonArray(_options.TargetNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            ["model_sha256"] = _options.ModelSha256,
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
                ["log"] = RecordingLayout.LogFile,
            },
            ["timing"] = new JsonObject
            {
                ["clock"] = "monotonic",
                ["origin"] = "session start",
                ["unit"] = "ms",
                ["latency"] = "published_ms - detected_ms",
            },
            ["warmup_volumes"] = new JsonObject
            {
                ["in_estimates_tsv"] = "omitted",
                ["status_in_volumes_tsv"] = "ok",
                ["count"] = _warmUp.Count,
                ["volumes"] = new JsonArray(_warmUp.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
            },
            ["counts"] = new JsonObject(_counts.Select(kv => KeyValuePair.Create(kv.Key.ToFileValue(), (JsonNode?)JsonValue.Create(kv.Value)))),
            ["estimate_rows"] = _estimateRows,
        };
        var path = Path.Combine(_options.Directory, RecordingLayout.SessionFile);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", new UTF8Encoding(false));
        File.Move(tmp, path, overwrite: true);
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
