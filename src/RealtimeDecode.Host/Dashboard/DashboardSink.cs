using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Host.Session;

namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// The dashboard's output of a session: turns the pipeline's frames into hub messages and publishes
/// them through the <see cref="DashboardBroadcaster"/>, which never blocks. Per frame: a <c>qc</c>
/// message (status, running counts, latency, ROI-DVARS motion proxy, ROI values); per decoded volume an
/// <c>estimate</c>; per window a <c>connectivity</c> message (see <see cref="ConnectivityEncoder"/>);
/// and <c>status</c> on every change of state: starting (at construction, which also clears the
/// backlog of a previous session), warming-up (with the volumes still needed), running, ended or failed; every status
/// carries the session's facts with the time the session started (<see cref="SessionInfo.StartedUnixMs"/>: the one the
/// session runner took, which <c>/api/sessions</c> and the Redis listing carry too), which tells this session from another
/// that takes its id over.
/// A live session's new scanner series starts a new run (<see cref="RunBoundary"/>): every message says its run
/// (<see cref="EstimateMessage.Run"/>, 1 for the first); the running counts, the motion proxy and the warm-up start again,
/// announced by a warming-up status of the new run before its first volume's messages.
/// Called by one <see cref="SinkFanout"/> consumer at a time, so it keeps its state without locks.
/// </summary>
internal sealed class DashboardSink : IFrameSink
{
    private readonly DashboardBroadcaster _broadcaster;
    private readonly TimeProvider _time;
    private readonly SessionInfo _info;
    private readonly string[] _targets;
    private readonly int _window;
    private readonly ConnectivityEncoder? _encoder;
    private readonly int _roiCount;
    private readonly Dictionary<string, int> _counts;
    private double[]? _previousRoi;
    private int _okSeen, _volumesSeen, _lastWarmupRemaining = -1;
    private string _state = "starting";
    private readonly RunBoundary _runs = new();
    private int _run = 1;
    private readonly double? _fdThreshold;

    /// <summary>Creates the sink and announces the session (state <c>starting</c>) after clearing the previous run's backlog.</summary>
    /// <param name="broadcaster">The hub's broadcaster.</param>
    /// <param name="session">The session.</param>
    /// <param name="options">Dashboard settings.</param>
    /// <param name="time">The session's clock.</param>
    /// <param name="fdThresholdMm">FD (mm) above which a volume is high-motion, shown on the motion plot; null: none.</param>
    /// <param name="startedUnixMs">When the session started (Unix ms, wall clock), as its other listings say; null: now.</param>
    public DashboardSink(DashboardBroadcaster broadcaster, SessionContext session, DashboardOptions options, TimeProvider? time = null,
        double? fdThresholdMm = null, double? startedUnixMs = null)
    {
        ArgumentNullException.ThrowIfNull(broadcaster);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        _broadcaster = broadcaster;
        _time = time ?? TimeProvider.System;
        _fdThreshold = fdThresholdMm;
        _info = CreateInfo(session) with { FdThresholdMm = fdThresholdMm, StartedUnixMs = startedUnixMs ?? UnixMs() };
        _targets = [.. session.Targets];
        _window = Math.Max(1, session.Window);
        _roiCount = session.RoiNames.Count;
        _counts = Enum.GetValues<VolumeStatus>().ToDictionary(s => s.ToFileValue(), _ => 0);
        if (_roiCount >= 2)
            _encoder = new ConnectivityEncoder(_roiCount, _info.RoiOrder, session.Networks, session.LinearModel,
                options.MaxMatrixSize, options.MatrixScale);
        _broadcaster.Reset();
        PublishStatus("starting", 0, null);
    }

    /// <inheritdoc />
    public string Name => "dashboard";

    /// <summary>True: the matrix is encoded from the edges while the frame is handled, nothing of them is kept.</summary>
    public bool ReleasesArrays => true;

    /// <summary>The session facts sent with every status message.</summary>
    public SessionInfo Info => _info;

    /// <summary>
    /// The session facts for the page: ROI order sorted by network (stable: by first appearance of
    /// each network in the model's ROI order, then by ROI index), identity when there are no networks.
    /// </summary>
    public static SessionInfo CreateInfo(SessionContext s)
    {
        ArgumentNullException.ThrowIfNull(s);
        int n = s.RoiNames.Count;
        int[] order;
        if (s.Networks is { } nets && nets.Count == n)
        {
            var rank = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var net in nets) rank.TryAdd(net, rank.Count);
            order = Enumerable.Range(0, n).OrderBy(i => rank[nets[i]]).ThenBy(i => i).ToArray();
        }
        else order = Enumerable.Range(0, n).ToArray();
        return new SessionInfo(s.Run, s.ModelName, s.Atlas, [.. s.Targets], s.Tr, s.Window, [.. s.RoiNames],
            s.Networks is null ? null : [.. s.Networks], order, s.ExpectedVolumes,
            s.Lag?.Seconds, s.Lag is { StandardError: var se } && double.IsFinite(se) ? se : null);
    }

    /// <inheritdoc />
    public ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        // The run boundary as the participant display's feed takes it: a frame that takes a TR slot.
        if (frame.Status.OccupiesSlot() && _runs.Starts(frame)) StartRun();
        string status = frame.Status.ToFileValue();
        _counts[status]++;
        if (frame.Status.OccupiesSlot()) _volumesSeen++;

        double? motion = null;
        float[]? roi = null;
        if (frame is EstimateFrame e)
        {
            var values = e.Roi.Values;
            roi = new float[values.Length];
            for (int i = 0; i < values.Length; i++) roi[i] = (float)values[i];
            if (_previousRoi is { } prev && prev.Length == values.Length) motion = RmsDifference(prev, values);
            _previousRoi = values;
            _okSeen++;
        }
        else if (frame.Status.OccupiesSlot())
        {
            _previousRoi = null; // a gap: no change to measure against
        }

        // The estimate goes first: it is what the feedback display waits for; the matrix is the heaviest message.
        // Its hand-off to the transport is now: the broadcaster puts it on every client's send queue at once. Marked
        // first, so the latency sent (detection → the first hand-off of any sink) is final.
        frame.Timing.MarkHandedOff(Name, _time);
        double latency = frame.Timing.LatencyMs;
        double sent = UnixMs();
        if (frame is EstimateFrame { Estimates: { } first } est)
            _broadcaster.Publish(new EstimateMessage(frame.Volume, frame.OnsetSeconds, _targets, first, latency, sent,
                est.Censored, est.HighMotionVolume, est.Withheld) { Run = _run });
        var (parameters, fd, high) = HeadMotion(frame as EstimateFrame);
        _broadcaster.Publish(new QcMessage(frame.Volume, frame.OnsetSeconds, status,
            new Dictionary<string, int>(_counts), latency, motion, roi, parameters, fd, high) { Run = _run, SentUnixMs = sent });

        if (frame is EstimateFrame ef)
        {
            if (ef.Connectivity is { } c && _encoder is not null && c.Edges.Length == Engine.Connectivity.EdgeLayout.EdgeCount(_roiCount))
            {
                var matrix = _encoder.Encode(c.Volume, c.Edges) with { Run = _run };
                // The broadcaster holds what it keeps; the bytes go back to the encoder's pool once every holder lets go.
                try { _broadcaster.Publish(matrix); }
                finally { matrix.Lease?.Release(); }
            }
            if (ef.Estimates is not null)
            {
                if (_state != "running") PublishStatus("running", 0, null);
            }
            else
            {
                int remaining = Math.Max(1, _window - _okSeen);
                if (_state != "warming-up" || remaining != _lastWarmupRemaining) PublishStatus("warming-up", remaining, null);
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken)
    {
        PublishStatus(error is null ? "ended" : "failed", 0, error?.Message);
        return ValueTask.CompletedTask;
    }

    private void PublishStatus(string state, int warmupRemaining, string? message)
    {
        _state = state;
        _lastWarmupRemaining = warmupRemaining;
        _broadcaster.Publish(new StatusMessage(state, _info, _volumesSeen, warmupRemaining, 0, message) { Run = _run, Series = _runs.Series });
    }

    /// <summary>A new scanner series: the next run, with fresh counts and warm-up (the pipeline's kernels start again),
    /// and no motion measured against the previous run's last volume. The session's volume count goes on.</summary>
    private void StartRun()
    {
        _run++;
        foreach (var key in _counts.Keys.ToArray()) _counts[key] = 0;
        _previousRoi = null;
        _okSeen = 0;
        PublishStatus("warming-up", _window, null);
    }

    /// <summary>The six parameters and FD of a realigned volume, and whether FD exceeds the threshold; nulls without realignment.</summary>
    private (double[]? Parameters, double? Fd, bool High) HeadMotion(EstimateFrame? frame)
    {
        if (frame?.Motion is not { } m) return (null, null, false);
        double fd = m.FramewiseDisplacement;
        return ([.. m.Parameters], fd, _fdThreshold is { } t && fd > t);
    }

    private double UnixMs() => (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalMilliseconds;

    private static double? RmsDifference(double[] a, double[] b)
    {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = b[i] - a[i];
            if (!double.IsFinite(d)) continue;
            sum += d * d;
            n++;
        }
        return n == 0 ? null : Math.Sqrt(sum / n);
    }
}
