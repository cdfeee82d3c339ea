using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Recording;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Dashboard.Redis;
using RealtimeDecode.Host.Lsl;
using RealtimeDecode.Lsl;
using Serilog;

namespace RealtimeDecode.Host.Session;

/// <summary>
/// The outputs of one session, in the order the fan-out feeds them: the recording (estimates, ROI series,
/// each sink's hand-offs), the summary, the log, the feedback record under a protocol, then the dashboard
/// and LSL when enabled. Each is isolated from the others' faults by <see cref="SinkFanout"/>. Outputs are
/// added one by one so that <see cref="CloseRecording"/> closes exactly those that were made, also when
/// adding a later one failed.
/// </summary>
internal sealed class SessionOutputs
{
    private readonly SessionSetup _setup;
    private readonly long _start;
    private readonly double _startedUnixMs;
    private readonly TimeProvider _time;
    private readonly Serilog.ILogger _logger;
    private readonly List<SinkRegistration> _sinks = [];
    private RoiRecordingSink? _roiRecorder;
    private HandOffTable? _handOffs;
    private LslEstimateSink? _lsl;
    private MarkerInletRecorder? _markers;

    /// <summary>When the session started (Unix ms, wall clock).</summary>
    public double StartedUnixMs => _startedUnixMs;

    /// <summary>Prepares the estimates recorder; nothing is written before the first frame.</summary>
    /// <param name="start">The session's start, a timestamp of <paramref name="time"/> (origin of the recording's <c>*_ms</c> columns).</param>
    /// <param name="startedUtc">The session's start on the wall clock: the session folder's <c>started_utc</c> and the dashboard's
    /// <c>session.startedUnixMs</c>.</param>
    public SessionOutputs(SessionRequest request, SessionSetup setup, string sessionId, long start, DateTimeOffset startedUtc, TimeProvider time, Serilog.ILogger logger)
    {
        _setup = setup;
        _start = start;
        _startedUnixMs = startedUtc.ToUnixTimeMilliseconds();
        _time = time;
        _logger = logger;
        var settings = setup.Settings;
        var protocol = setup.Protocol;
        Recorder = new SeriesRecordingSink(setup.Recording, dir => new RecordingSink(new RecordingOptions(dir, setup.Package.Targets)
        {
            Configuration = Effective(request, setup),
            SessionId = sessionId,
            ModelSha256 = setup.ModelSha256,
            RepetitionTime = TimeSpan.FromSeconds(setup.Tr),
            WindowVolumes = settings.Span,
            SessionStartTimestamp = start,
            // a later series' folder records when that series started
            StartedUtc = dir == setup.Recording ? startedUtc : null,
            Motion = settings.Realign,
            FdThresholdMm = settings.FdThresholdMm,
            Censor = settings.Censor,
            Protocol = protocol is null ? null : ProtocolRecord(protocol),
            SessionFolder = dir == setup.Recording,
        }, time, logger));
    }

    /// <summary>
    /// The configuration files' values with what the session actually runs with laid over them: the inputs (as paths
    /// given or defaulted to the bundled session), the TR, and the outputs the command line turned on or off.
    /// </summary>
    private static object? Effective(SessionRequest request, SessionSetup setup)
    {
        if (request.Configuration is not System.Text.Json.Nodes.JsonObject files) return request.Configuration;
        var o = (System.Text.Json.Nodes.JsonObject)files.DeepClone();
        string Invariant(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in new (string Key, string? Value)[]
        {
            ("Session:Run", request.Run), ("Live:Watch", request.Watch), ("Session:Model", request.Model), ("Session:Atlas", request.Atlas),
            ("Session:Labels", request.Labels), ("Live:Tr", Invariant(setup.Tr)), ("Session:Speed", request.Run is null ? null : request.Speed),
            ("Dashboard:Enabled", request.Dashboard.Enabled.ToString()), ("Dashboard:Urls", request.Dashboard.Enabled ? request.Dashboard.Urls : null),
            ("Lsl:Enabled", request.Lsl.Enabled.ToString()),
        })
        {
            if (value is null) o.Remove(key);
            else o[key] = value;
        }
        return o;
    }

    /// <summary>The estimates recorder (one recording per series).</summary>
    public SeriesRecordingSink Recorder { get; }

    /// <summary>The session summary, complete once every frame has been through it.</summary>
    public SummarySink Summary { get; } = new();

    /// <summary>The outputs added so far, in fan-out order.</summary>
    public IReadOnlyList<SinkRegistration> Sinks => _sinks;

    /// <summary>Records each sink's hand-off of every estimate; set by <see cref="AddRecording"/>.</summary>
    public HandOffTable HandOffs => _handOffs ?? throw new InvalidOperationException("The recording outputs are not added yet.");

    /// <summary>Shares the dashboard through Redis when configured; flushed after the recording is closed.</summary>
    public RedisSessionPublisher? Publisher { get; set; }

    /// <summary>
    /// The recording and local outputs: estimates, the cleaned ROI series (so that a model can be trained
    /// on this run: train --recording), the summary, the log and, under a protocol, the feedback record.
    /// </summary>
    public void AddRecording(DashboardServer? server)
    {
        var s = _setup;
        var targets = s.Package.Targets;
        // Each sink's own latency: its hand-off of every estimate to its transport.
        _handOffs = new HandOffTable(s.Recording, _start, _logger);
        _sinks.Add(SinkRegistration.Unbounded(Recorder));
        _roiRecorder = new RoiRecordingSink(s.Recording, s.Atlas.Names,
            new RoiSeriesInfo(s.Atlas.LabelCount, s.Context.Atlas, s.Atlas.Sha256, s.Settings.Preprocessing, s.Settings.Realign, s.Tr), _logger);
        _sinks.Add(SinkRegistration.Unbounded(_roiRecorder));
        _sinks.Add(SinkRegistration.Unbounded(Summary));
        _sinks.Add(SinkRegistration.Bounded(new LogSink(_logger, targets), 256));
        if (s.Protocol is { } protocol)
            _sinks.Add(SinkRegistration.Unbounded(new FeedbackRecordingSink(s.Recording, () => new FeedbackKernel(protocol, targets, s.Tr, s.Settings.Span), targets.Count, _start,
                _time, display: server?.DisplayTimes)));
    }

    /// <summary>The dashboard and, under a protocol, the participant display (<paramref name="server"/> null: no page of this
    /// host's, the session's events only published to Redis through <paramref name="broadcaster"/>).</summary>
    public void AddDashboard(DashboardBroadcaster broadcaster, DashboardServer? server, DashboardOptions dashboard, FeedbackOptions feedback, double fdThresholdMm)
    {
        var s = _setup;
        _sinks.Add(SinkRegistration.Bounded(new DashboardSink(broadcaster, s.Context, dashboard, _time, fdThresholdMm, _startedUnixMs), 64));
        // The participant display under a protocol: every frame, never dropped (its kernel must see every volume).
        if (s.Protocol is { } protocol && server is not null)
            _sinks.Add(SinkRegistration.Unbounded(new FeedbackDisplaySink(broadcaster, server.DisplayTimes, protocol, s.Package.Targets, s.Tr, s.Settings.Span, feedback.KeepStill)));
    }

    /// <summary>The LSL estimates outlet, condition markers under a protocol, and the marker inlets the configuration names.</summary>
    public void AddLsl(LslOptions options, TextWriter output)
    {
        var s = _setup;
        var config = options.LoadApiConfig();
        _lsl = new LslEstimateSink(options, s.Context, config, _time, _logger);
        _sinks.Add(SinkRegistration.Bounded(_lsl, 64));
        output.WriteLine($"LSL: stream '{_lsl.EstimatesInfo.Name}' ({_lsl.EstimatesInfo.Type}, {s.Package.Targets.Count} channels, source_id {_lsl.EstimatesInfo.SourceId}) and markers '{_lsl.MarkersInfo.Name}'");
        if (s.Protocol is { } protocol) _sinks.Add(SinkRegistration.Bounded(new ConditionMarkerSink(protocol, s.Tr, _lsl.PushMarker), 64));
        _markers = MarkerInletRecorder.StartIfConfigured(options, config, _start, Recorder.RecordMarker, _time, _logger);
    }

    /// <summary>
    /// Stops the marker inlets and LSL, closes every recording file that was made and returns the files that
    /// could not be written completely (empty when the recording is whole).
    /// </summary>
    public async Task<List<(string File, string Problem)>> CloseRecording()
    {
        _markers?.Dispose();
        if (_lsl is not null) await _lsl.DisposeAsync();
        Recorder.Dispose();
        _roiRecorder?.Dispose();
        _handOffs?.Dispose();
        var failures = Recorder.Failures.ToList();
        if (_roiRecorder is not null) failures.AddRange(_roiRecorder.Failures);
        if (_handOffs?.Failure is { } handOffFailure) failures.Add((_handOffs.Path, handOffFailure));
        return failures;
    }

    /// <summary>The protocol as session.json records it: path, SHA-256 of the events table and of the sidecar.</summary>
    private static System.Text.Json.Nodes.JsonObject ProtocolRecord(FeedbackProtocol protocol)
    {
        static string Hash(string f) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)));
        string sidecar = Path.ChangeExtension(protocol.Path, ".json");
        return new System.Text.Json.Nodes.JsonObject
        {
            ["path"] = Path.GetFullPath(protocol.Path),
            ["sha256"] = Hash(protocol.Path),
            ["sidecar"] = Path.GetFullPath(sidecar),
            ["sidecar_sha256"] = Hash(sidecar),
            ["feedback"] = FeedbackTable.FileName,
        };
    }
}
