using System.Globalization;
using System.Net.Sockets;
using RealtimeDecode.Lsl;
using ILogger = Serilog.ILogger;
using Serilog.Core;

namespace RealtimeDecode.Host.Lsl;

/// <summary>
/// Receives a stimulus marker stream in the background and hands each marker to a callback (the host
/// connects it to <c>RecordingSink.RecordMarker</c>).
/// <list type="bullet">
/// <item>Resolution: the stream is looked up with <see cref="LslOptions.MarkerInletQuery"/> (a name or a
/// predicate) until one is found; when several match, the first answer is taken.</item>
/// <item>Values: channel 0 of each sample; strings as sent, numbers (any numeric format) in invariant
/// culture, shortest round-trip form (<c>3</c>, <c>2.5</c>). The source is the stream's name.</item>
/// <item>Onset: seconds from the session start, <c>timestamp + correction − sessionStart</c>, where
/// <c>timestamp</c> is the sample's time on the sender's LSL clock, <c>correction</c> the inlet's time
/// correction (sender clock → local LSL clock, estimated on connection and again after
/// <see cref="CorrectionRefresh"/> has passed) and <c>sessionStart</c> the session start on the local LSL clock:
/// the session-start timestamp of the <see cref="TimeProvider"/> divided by its frequency, i.e. the same
/// instant as <c>RecordingOptions.SessionStartTimestamp</c> when the same provider is the LSL clock (the system's).</item>
/// <item>Recovery: when the stream vanishes (its outlet closes or the connection breaks), the recorder resolves
/// the query again and reconnects to whatever matches, also a restarted sender. Markers sent while no inlet is
/// connected are lost.</item>
/// <item>Failures: nothing is thrown to the caller after construction; network errors and callback exceptions
/// are logged. <see cref="DisposeAsync"/> stops the recorder and waits for it.</item>
/// </list>
/// </summary>
internal sealed class MarkerInletRecorder : IDisposable, IAsyncDisposable
{
    /// <summary>How often the time correction is estimated again while connected (30 s).</summary>
    public static readonly TimeSpan CorrectionRefresh = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    private readonly string _query;
    private readonly LslConfig _config;
    private readonly TimeProvider _time;
    private readonly double _sessionStart;
    private readonly Action<double, string, string> _onMarker;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource _firstConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private string? _connected;
    private long _received, _connections, _callbackFailures;
    private int _disposed;

    /// <summary>Creates the recorder; call <see cref="Start"/> to begin.</summary>
    /// <param name="query">Predicate that finds the stream (<see cref="LslOptions.MarkerInletQuery"/>).</param>
    /// <param name="config">Network settings (scope, KnownPeers, SessionID).</param>
    /// <param name="sessionStartTimestamp">The session start as a timestamp of <paramref name="time"/> (<see cref="TimeProvider.GetTimestamp"/>).</param>
    /// <param name="onMarker">Called with (onset in s from the session start, value, source stream name), from a background thread, one marker at a time.</param>
    /// <param name="time">The local LSL clock (system when null).</param>
    /// <param name="log">Where connections, losses and failures are logged.</param>
    public MarkerInletRecorder(string query, LslConfig config, long sessionStartTimestamp, Action<double, string, string> onMarker,
        TimeProvider? time = null, ILogger? log = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        _query = query;
        _config = config ?? throw new ArgumentNullException(nameof(config));
        _onMarker = onMarker ?? throw new ArgumentNullException(nameof(onMarker));
        _time = time ?? TimeProvider.System;
        _sessionStart = sessionStartTimestamp / (double)_time.TimestampFrequency;
        _log = (log ?? Logger.None).ForContext<MarkerInletRecorder>();
    }

    /// <summary>
    /// A started recorder for <see cref="LslOptions.MarkerInlet"/>, or null when LSL is disabled or no marker
    /// inlet is configured.
    /// </summary>
    public static MarkerInletRecorder? StartIfConfigured(LslOptions options, LslConfig config, long sessionStartTimestamp, Action<double, string, string> onMarker,
        TimeProvider? time = null, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled || options.MarkerInletQuery() is not { } query) return null;
        var recorder = new MarkerInletRecorder(query, config, sessionStartTimestamp, onMarker, time, log);
        recorder.Start();
        return recorder;
    }

    /// <summary>The predicate the stream is resolved with.</summary>
    public string Query => _query;

    /// <summary>Name of the stream currently connected, or null.</summary>
    public string? ConnectedStream => Volatile.Read(ref _connected);

    /// <summary>Markers handed to the callback.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Connections made (the first and each reconnection).</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Callback invocations that threw.</summary>
    public long CallbackFailures => Interlocked.Read(ref _callbackFailures);

    /// <summary>Completes when the first connection is made (never faults; cancelled on dispose).</summary>
    public Task FirstConnection => _firstConnection.Task;

    /// <summary>Starts resolving and receiving in the background (once).</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_loop is not null) return;
        _loop = Task.Run(() => RunAsync(_cts.Token));
    }

    private async Task RunAsync(CancellationToken ct)
    {
        _log.Information("Looking for the LSL marker stream {Query}", _query);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var found = await StreamResolver.ResolveAsync(_query, 1, ResolveTimeout, _config, _time, ct).ConfigureAwait(false);
                if (found.Count == 0) continue;
                await ReceiveAsync(found[0], ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Anything the network or a broken sender throws: log, wait a moment, resolve again.
                _log.Warning("LSL marker stream {Stream} lost ({Error}); resolving {Query} again",
                    Volatile.Read(ref _connected) ?? "(not connected)", e.Message, _query);
            }
            Volatile.Write(ref _connected, null);
            try
            {
                await Task.Delay(RetryDelay, _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        Volatile.Write(ref _connected, null);
        _firstConnection.TrySetCanceled(CancellationToken.None);
    }

    private async Task ReceiveAsync(StreamInfo info, CancellationToken ct)
    {
        await using var inlet = new StreamInlet(info, _config, _time, recover: false);
        await inlet.OpenAsync(ct).ConfigureAwait(false);
        var reader = SampleReader.For(inlet, _time);
        var correction = await CorrectionAsync(inlet, 0.0, ct).ConfigureAwait(false);
        var correctedAt = _time.GetTimestamp();
        Volatile.Write(ref _connected, info.Name);
        Interlocked.Increment(ref _connections);
        _firstConnection.TrySetResult();
        _log.Information("Recording LSL markers from {Stream} ({Type}, {Format}) on {Host}, time correction {Correction:0.000000} s",
            info.Name, info.Type, info.ChannelFormat.XmlName(), info.Hostname, correction);
        while (true)
        {
            var remaining = CorrectionRefresh - _time.GetElapsedTime(correctedAt);
            var sample = await reader.PullAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, ct).ConfigureAwait(false);
            if (_time.GetElapsedTime(correctedAt) >= CorrectionRefresh)
            {
                correction = await CorrectionAsync(inlet, correction, ct).ConfigureAwait(false);
                correctedAt = _time.GetTimestamp();
            }
            if (sample is not var (timestamp, value)) continue;
            Deliver(timestamp + correction - _sessionStart, value, info.Name);
        }
    }

    private async Task<double> CorrectionAsync(StreamInlet inlet, double previous, CancellationToken ct)
    {
        try
        {
            return await inlet.TimeCorrectionAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or SocketException or IOException)
        {
            _log.Warning("LSL marker stream {Stream}: time correction failed ({Error}); keeping {Correction:0.000000} s",
                inlet.Info.Name, e.Message, previous);
            return previous;
        }
    }

    private void Deliver(double onset, string value, string source)
    {
        Interlocked.Increment(ref _received);
        try
        {
            _onMarker(onset, value, source);
        }
        catch (Exception e)
        {
            var n = Interlocked.Increment(ref _callbackFailures);
            _log.Error(e, "Recording LSL marker {Value} at {Onset:0.000} s failed ({Failures} failures so far)", value, onset, n);
        }
    }

    /// <summary>Stops receiving and waits (up to a few seconds) for the background loop to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _cts.Cancel();
        if (_loop is not null) await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _firstConnection.TrySetCanceled(CancellationToken.None);
    }

    /// <summary>As <see cref="DisposeAsync"/>, blocking.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Pulls channel 0 of a sample as text, whatever the channel format.</summary>
    private abstract class SampleReader
    {
        public abstract ValueTask<(double Timestamp, string Value)?> PullAsync(TimeSpan timeout, CancellationToken ct);

        public static SampleReader For(StreamInlet inlet, TimeProvider time) => inlet.Info.ChannelFormat switch
        {
            ChannelFormat.String => new StringReader(inlet, time),
            ChannelFormat.Float32 => new NumericReader<float>(inlet),
            ChannelFormat.Double64 => new NumericReader<double>(inlet),
            ChannelFormat.Int32 => new NumericReader<int>(inlet),
            ChannelFormat.Int16 => new NumericReader<short>(inlet),
            ChannelFormat.Int8 => new NumericReader<sbyte>(inlet),
            ChannelFormat.Int64 => new NumericReader<long>(inlet),
            var f => throw new LslProtocolException($"The marker stream {inlet.Info.Name} has the unsupported channel format {f}."),
        };
    }

    private sealed class NumericReader<T>(StreamInlet inlet) : SampleReader where T : unmanaged, IFormattable
    {
        private readonly T[] _buffer = new T[Math.Max(1, inlet.Info.ChannelCount)];

        public override async ValueTask<(double Timestamp, string Value)?> PullAsync(TimeSpan timeout, CancellationToken ct)
        {
            if (inlet.Info.ChannelCount == 0) throw new LslProtocolException($"The marker stream {inlet.Info.Name} has no channels.");
            var ts = await inlet.PullSampleAsync(_buffer, timeout, ct).ConfigureAwait(false);
            return ts is { } t ? (t, _buffer[0].ToString(null, CultureInfo.InvariantCulture)) : null;
        }
    }

    private sealed class StringReader(StreamInlet inlet, TimeProvider time) : SampleReader
    {
        private readonly string[] _buffer = new string[inlet.Info.ChannelCount];

        public override async ValueTask<(double Timestamp, string Value)?> PullAsync(TimeSpan timeout, CancellationToken ct)
        {
            if (_buffer.Length == 0) throw new LslProtocolException($"The marker stream {inlet.Info.Name} has no channels.");
            using var deadline = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
            try
            {
                var ts = await inlet.PullSampleAsync(_buffer, linked.Token).ConfigureAwait(false);
                return (ts, _buffer[0] ?? "");
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return null;
            }
        }
    }
}
