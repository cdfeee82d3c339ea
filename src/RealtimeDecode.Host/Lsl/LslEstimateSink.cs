using System.Globalization;
using System.Xml.Linq;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Host.Session;
using RealtimeDecode.Imaging;
using RealtimeDecode.Lsl;
using ILogger = Serilog.ILogger;
using Serilog.Core;

namespace RealtimeDecode.Host.Lsl;

/// <summary>
/// The LSL output of a session: two outlets created in the constructor and closed by <see cref="Dispose"/>.
/// <list type="bullet">
/// <item>Estimates: named <see cref="LslOptions.Name"/>, type <see cref="LslOptions.Type"/>, float32, one channel
/// per target in the model's order (labels in <c>desc/channels/channel/label</c>), nominal rate 1/TR, source_id
/// from <see cref="LslOptions.ResolveSourceId"/>; <c>desc/decoder</c> holds the model, its SHA-256, the atlas, how old the estimates are (<c>estimate_lag</c>),
/// the TR and the window. One sample per <see cref="EstimateFrame"/> that has estimates and is not
/// <see cref="EstimateFrame.Withheld"/> (warm-up, skipped and withheld volumes push nothing), each estimate converted to float32 (NaN stays NaN), pushed from a preallocated buffer:
/// no allocation per sample.</item>
/// <item>Markers: named <see cref="LslOptions.MarkersName"/>, type <c>Markers</c>, one string channel, irregular rate,
/// source_id of the estimates plus <c>-markers</c>: <c>warmup-done:&lt;volume&gt;</c> with the first estimate,
/// <c>missing:&lt;volume&gt;</c>, <c>corrupt:&lt;volume&gt;</c>, <c>late:&lt;volume&gt;</c>,
/// <c>duplicate:&lt;volume&gt;</c> for skipped frames, <c>motion:&lt;volume&gt;</c> once for each high-motion
/// volume (<see cref="EstimateFrame.HighMotionVolume"/>, on that volume's own frame), and <c>session-end</c> when the pipeline completes
/// (<c>session-end:error</c> when it failed).</item>
/// </list>
/// Timestamps are on the LSL local clock (<see cref="LslClock"/> of the given <see cref="TimeProvider"/>, the
/// system's monotonic clock by default, as liblsl's <c>local_clock</c>): the push time for markers, and for
/// estimates the push time or, with <see cref="LslTimestampMode.Detection"/>, the push time minus the frame's
/// detection-to-publication latency. The push follows the frame's publication after the fan-out's queue hop.
/// <para>Failures: the outlets never block on a slow consumer (it is dropped after 500 ms and reconnects).
/// Once the sink is disposed, frames are ignored quietly (counted in <see cref="IgnoredFrames"/>). Any other
/// exception is thrown to the <see cref="SinkFanout"/>, which logs and counts it and keeps delivering.</para>
/// </summary>
internal sealed class LslEstimateSink : IFrameSink, IDisposable, IAsyncDisposable
{
    /// <summary>Content type of the status-marker stream.</summary>
    public const string MarkersType = "Markers";

    private readonly StreamOutlet _estimates;
    private readonly StreamOutlet _markers;
    private readonly TimeProvider _time;
    private readonly LslTimestampMode _timestampMode;
    private readonly float[] _sample;
    private readonly string[] _marker = new string[1];
    private readonly object _markerLock = new();
    private readonly ILogger _log;
    private int _lastHighMotion = -1;
    private bool _warmedUp;
    private int _disposed;
    private long _samples, _markerCount, _ignored;

    /// <summary>Creates and starts both outlets.</summary>
    /// <param name="options">Names, type, source id and timestamp mode (validated here).</param>
    /// <param name="session">Targets (channels), TR (nominal rate 1/TR) and model hash (source id).</param>
    /// <param name="config">Network settings (<see cref="LslOptions.LoadApiConfig"/>; liblsl defaults when null).</param>
    /// <param name="time">The LSL local clock for timestamps and time-correction replies (system when null).</param>
    /// <param name="log">Where the outlets are announced.</param>
    /// <exception cref="ArgumentOutOfRangeException">Bad options, no targets, or a TR that is not positive.</exception>
    public LslEstimateSink(LslOptions options, SessionContext session, LslConfig? config = null, TimeProvider? time = null, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(session);
        options.Validate();
        if (session.Targets.Count == 0)
            throw new ArgumentOutOfRangeException(nameof(session), "The session has no targets: the LSL estimates stream needs at least one channel.");
        if (!(session.Tr > 0) || !double.IsFinite(session.Tr))
            throw new ArgumentOutOfRangeException(nameof(session), $"The TR must be a positive number of seconds for the LSL nominal rate, got {session.Tr.ToString(CultureInfo.InvariantCulture)}.");
        _time = time ?? TimeProvider.System;
        _timestampMode = options.Timestamp;
        _log = (log ?? Logger.None).ForContext<LslEstimateSink>();
        _sample = new float[session.Targets.Count];

        var info = StreamInfo.Create(options.Name, options.Type, session.Targets.Count, 1.0 / session.Tr, ChannelFormat.Float32, options.ResolveSourceId(session));
        info.SetChannelLabels(session.Targets, channelType: options.Type);
        info.Desc.Add(new XElement("decoder",
            new XElement("model", session.ModelName),
            new XElement("model_sha256", session.ModelSha256),
            new XElement("atlas", session.Atlas),
            new XElement("tr_s", session.Tr.ToString("R", CultureInfo.InvariantCulture)),
            new XElement("window", session.Window.ToString(CultureInfo.InvariantCulture)),
            EstimateLagElement(session)));
        var markers = StreamInfo.Create(options.MarkersName, MarkersType, 1, StreamInfo.IrregularRate, ChannelFormat.String, options.ResolveMarkersSourceId(session));
        markers.Desc.Add(new XElement("estimates_stream", options.Name));

        _estimates = new StreamOutlet(info, config, _time);
        try
        {
            _markers = new StreamOutlet(markers, config, _time);
        }
        catch
        {
            _estimates.Dispose();
            throw;
        }
        _log.Information("LSL outlets {Name} ({Type}, {Channels} channels at {Rate:0.###} Hz, source_id {SourceId}) and {Markers} on data ports {Port} and {MarkersPort}",
            info.Name, info.Type, info.ChannelCount, info.NominalSrate, info.SourceId, markers.Name, _estimates.Info.V4DataPort, _markers.Info.V4DataPort);
    }

    /// <summary>
    /// <c>desc/decoder/estimate_lag</c>: each sample describes about t − <c>seconds</c> (t its volume's
    /// acquisition), with the standard error and the source; "not measured" when the package has no lag, and no number
    /// when it was measured at another TR than the session's (<see cref="SessionContext.Lag"/>), which the status says.
    /// </summary>
    private static XElement EstimateLagElement(SessionContext session)
    {
        if (session.Lag is not { } lag)
            return new XElement("estimate_lag", new XElement("status", session.MeasuredLag?.RepetitionTimeSeconds is { } measured
                ? $"not known at TR {RepetitionTimes.Format(session.Tr)} s (measured at TR {RepetitionTimes.Format(measured)} s)"
                : "not measured"));
        static string F(double v) => double.IsFinite(v) ? v.ToString("0.###", CultureInfo.InvariantCulture) : "n/a";
        return new XElement("estimate_lag",
            new XElement("seconds", F(lag.Seconds)),
            new XElement("standard_error_s", F(lag.StandardError)),
            new XElement("meaning", lag.Describe() + ", t = acquisition of the sample's volume"),
            new XElement("source", lag.Source));
    }

    /// <inheritdoc />
    public string Name => "lsl";

    /// <inheritdoc />
    public bool ReleasesArrays => true;

    /// <summary>The estimates outlet's info (uid, session, ports filled in).</summary>
    public StreamInfo EstimatesInfo => _estimates.Info;

    /// <summary>The status-marker outlet's info.</summary>
    public StreamInfo MarkersInfo => _markers.Info;

    /// <summary>Estimate samples pushed.</summary>
    public long SamplesPushed => Interlocked.Read(ref _samples);

    /// <summary>Markers pushed.</summary>
    public long MarkersPushed => Interlocked.Read(ref _markerCount);

    /// <summary>Frames that arrived after <see cref="Dispose"/> and were ignored.</summary>
    public long IgnoredFrames => Interlocked.Read(ref _ignored);

    /// <summary>Inlets currently connected to the estimates outlet.</summary>
    public int EstimateConsumers => _estimates.ConsumerCount;

    internal StreamOutlet EstimatesOutlet => _estimates;

    internal StreamOutlet MarkersOutlet => _markers;

    /// <inheritdoc />
    public ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (Volatile.Read(ref _disposed) != 0)
        {
            Interlocked.Increment(ref _ignored);
            return ValueTask.CompletedTask;
        }
        try
        {
            switch (frame)
            {
                case EstimateFrame e:
                    // motion:V once per high-motion volume, on the frame of the volume itself (warm-up included)
                    if (e.HighMotionVolume is int high && high != _lastHighMotion)
                    {
                        _lastHighMotion = high;
                        PushMarker("motion:" + high.ToString(CultureInfo.InvariantCulture));
                    }
                    if (e.Estimates is not { } values) break;
                    // a withheld estimate never reaches the estimate stream; the marker above says why
                    if (!e.Withheld) PushEstimates(e, values);
                    if (!_warmedUp)
                    {
                        _warmedUp = true;
                        PushMarker("warmup-done:" + e.Volume.ToString(CultureInfo.InvariantCulture));
                    }
                    break;
                case SkippedFrame s:
                    PushMarker(s.Status.ToFileValue() + ":" + s.Volume.ToString(CultureInfo.InvariantCulture));
                    break;
            }
        }
        catch (ObjectDisposedException) when (Volatile.Read(ref _disposed) != 0)
        {
            // Disposed while pushing (the session is shutting down).
            Interlocked.Increment(ref _ignored);
        }
        return ValueTask.CompletedTask;
    }

    private void PushEstimates(EstimateFrame frame, double[] values)
    {
        if (values.Length != _sample.Length)
            throw new InvalidOperationException($"Volume {frame.Volume} has {values.Length} estimates for an LSL stream of {_sample.Length} targets.");
        for (var i = 0; i < values.Length; i++) _sample[i] = (float)values[i];
        // The push is this sink's hand-off; the detection-mode timestamp steps back from it to the file's detection.
        long handOff = frame.Timing.MarkHandedOff(Name, _time);
        var timestamp = LslClock.LocalClock(_time);
        if (_timestampMode == LslTimestampMode.Detection)
            timestamp -= Math.Max(0.0, frame.Timing.MillisecondsSince(frame.Timing.DetectedTimestamp, handOff)) / 1000.0;
        _estimates.PushSample<float>(_sample, timestamp);
        Interlocked.Increment(ref _samples);
    }

    /// <summary>
    /// Pushes a marker on the status stream, stamped now (e.g. <c>run-start</c> from the host). Thread-safe;
    /// ignored after <see cref="Dispose"/>.
    /// </summary>
    public void PushMarker(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_markerLock)
        {
            if (Volatile.Read(ref _disposed) != 0) return;
            _marker[0] = value;
            _markers.PushSample(_marker, LslClock.LocalClock(_time));
            _marker[0] = "";
        }
        Interlocked.Increment(ref _markerCount);
    }

    /// <inheritdoc />
    public ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken)
    {
        try
        {
            PushMarker(error is null ? "session-end" : "session-end:error");
        }
        catch (ObjectDisposedException) when (Volatile.Read(ref _disposed) != 0)
        {
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Closes both outlets (their inlets see the streams end); later frames are ignored.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        lock (_markerLock)
        {
            _markers.Dispose();
        }
        _estimates.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
