using System.Net;
using System.Net.Sockets;
using System.Text;
using RealtimeDecode.Lsl.Internal;

namespace RealtimeDecode.Lsl;

/// <summary>
/// Publishes a stream with LSL protocol 1.10: a TCP data server and a UDP service port (both the first
/// free ports of 16572–16603), and a discovery responder on UDP 16571 that joins the configured multicast
/// groups. Pushed samples are encoded once into a preallocated buffer and sent to each connected
/// consumer with one blocking send; a consumer whose send fails or stalls past 500 ms is dropped
/// (its inlet reconnects). Pushing allocates nothing in steady state.
/// </summary>
/// <remarks>
/// As in liblsl, this class is the push API (<c>stream_outlet_impl</c>); the TCP feed server
/// (<see cref="TcpServer"/>), the UDP discovery and time service (<see cref="UdpServer"/>) and the consumers
/// the feed serves (<see cref="ConsumerSet"/>) are their own classes.
/// </remarks>
public sealed class StreamOutlet : IDisposable, IAsyncDisposable
{
    private readonly LslConfig _config;
    private readonly TimeProvider _time;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _cts = new();
    private readonly object _bufferLock = new();
    private readonly ConsumerSet _consumers = new();
    private readonly UdpServer _service;
    private readonly UdpServer? _responder;
    private readonly List<Task> _tasks = [];
    private readonly int _numericSampleSize;
    private byte[] _sendBuffer;
    private int _disposed;

    /// <summary>Creates the outlet and starts serving; <paramref name="info"/> is copied.</summary>
    /// <param name="info">Description of the stream.</param>
    /// <param name="config">Network settings (liblsl defaults when null).</param>
    /// <param name="time">Clock for default timestamps, <c>created_at</c> and time-correction replies.</param>
    public StreamOutlet(StreamInfo info, LslConfig? config = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        _config = config ?? LslConfig.Default;
        _time = time ?? TimeProvider.System;
        var own = info.Clone();
        own.SessionId = _config.SessionId;
        own.Uid = Guid.NewGuid().ToString();
        own.CreatedAt = LslClock.LocalClock(_time);
        own.Hostname = Dns.GetHostName();
        own.Version = StreamInfo.ProtocolVersion;
        own.V4Address = "";
        own.V6Address = "";
        own.V6DataPort = 0;
        own.V6ServicePort = 0;

        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var service = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Socket? responder;
        try
        {
            // No ReuseAddress here: on Linux .NET also sets SO_REUSEPORT with it, which would let two outlets
            // listen on one port and split the connections between them.
            own.V4DataPort = NetUtil.BindInRange(_listener, _config);
            _listener.Listen(16);
            own.V4ServicePort = NetUtil.BindInRange(service, _config);
            responder = UdpServer.OpenResponder(_config);
        }
        catch
        {
            _listener.Dispose();
            service.Dispose();
            throw;
        }

        own.Freeze();
        Info = own;
        var shortInfoUtf8 = Encoding.UTF8.GetBytes(own.ToShortInfoXml());
        var fullInfoUtf8 = Encoding.UTF8.GetBytes(own.ToFullInfoXml());
        _numericSampleSize = own.ChannelFormat == ChannelFormat.String ? 0 : SampleCodec.NumericSampleSize(own.ChannelFormat, own.ChannelCount);
        _sendBuffer = new byte[Math.Max(4096, _numericSampleSize)];

        var feed = new TcpServer(_listener, own, shortInfoUtf8, fullInfoUtf8, _consumers, _cts.Token);
        _service = new UdpServer(service, timeService: true, own, shortInfoUtf8, _config, _time);
        _responder = responder is null ? null : new UdpServer(responder, timeService: false, own, shortInfoUtf8, _config, _time);
        _tasks.Add(Task.Run(feed.AcceptLoopAsync));
        _tasks.Add(_service.Start());
        if (_responder is not null) _tasks.Add(_responder.Start());
    }

    /// <summary>The outlet's own stream info (with uid, session, host name and ports).</summary>
    public StreamInfo Info { get; }

    /// <summary>Number of inlets currently receiving samples.</summary>
    public int ConsumerCount => _consumers.Count;

    /// <summary>Whether at least one inlet is connected.</summary>
    public bool HaveConsumers => ConsumerCount > 0;

    /// <summary>Waits until an inlet is connected; false when <paramref name="timeout"/> passes first.</summary>
    public async Task<bool> WaitForConsumersAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var arrived = _consumers.ArrivalAsync();
        if (arrived.IsCompleted) return true;
        try
        {
            await arrived.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// Pushes one sample. <typeparamref name="T"/> must be the channel format's type
    /// (float, double, int, short, sbyte, long) and <paramref name="values"/> must hold one value per channel.
    /// </summary>
    /// <param name="values">One value per channel.</param>
    /// <param name="timestamp">Seconds on <see cref="LslClock"/>; 0 means now (liblsl's convention).</param>
    public void PushSample<T>(ReadOnlySpan<T> values, double timestamp = 0.0) where T : unmanaged
    {
        Info.ChannelFormat.CheckElementType<T>();
        CheckCount(values.Length, 1);
        if (timestamp == 0.0) timestamp = LslClock.LocalClock(_time);
        lock (_bufferLock)
        {
            var n = SampleCodec.WriteNumeric(_sendBuffer, timestamp, values);
            SendToConsumers(n);
        }
    }

    /// <summary>Pushes one sample of a string stream (UTF-8 on the wire).</summary>
    public void PushSample(ReadOnlySpan<string> values, double timestamp = 0.0)
    {
        if (Info.ChannelFormat != ChannelFormat.String)
            throw new ArgumentException($"The stream's channel format is {Info.ChannelFormat.XmlName()}, not string.");
        CheckCount(values.Length, 1);
        if (timestamp == 0.0) timestamp = LslClock.LocalClock(_time);
        lock (_bufferLock)
        {
            EnsureCapacity(SampleCodec.MaxStringSampleSize(values));
            SendToConsumers(SampleCodec.WriteStrings(_sendBuffer, timestamp, values));
        }
    }

    /// <summary>
    /// Pushes a chunk of samples, channel values multiplexed (sample 0's channels, then sample 1's, ...).
    /// As in liblsl, <paramref name="timestamp"/> (0 = now) is the time of the last sample; earlier samples of
    /// a regular-rate stream are spaced by 1/rate, sent as deduced timestamps.
    /// </summary>
    public void PushChunk<T>(ReadOnlySpan<T> multiplexed, double timestamp = 0.0) where T : unmanaged
    {
        Info.ChannelFormat.CheckElementType<T>();
        var count = CheckChunk(multiplexed.Length);
        if (count == 0) return;
        if (timestamp == 0.0) timestamp = LslClock.LocalClock(_time);
        if (Info.NominalSrate != StreamInfo.IrregularRate) timestamp -= (count - 1) / Info.NominalSrate;
        var channels = Info.ChannelCount;
        lock (_bufferLock)
        {
            EnsureCapacity(count * _numericSampleSize);
            var n = 0;
            for (var k = 0; k < count; k++)
            {
                var ts = k == 0 ? timestamp : Info.NominalSrate != StreamInfo.IrregularRate ? SampleCodec.DeducedTimestamp : timestamp;
                n += SampleCodec.WriteNumeric(_sendBuffer.AsSpan(n), ts, multiplexed.Slice(k * channels, channels));
            }
            SendToConsumers(n);
        }
    }

    /// <summary>Pushes a chunk of samples with one timestamp per sample.</summary>
    public void PushChunk<T>(ReadOnlySpan<T> multiplexed, ReadOnlySpan<double> timestamps) where T : unmanaged
    {
        Info.ChannelFormat.CheckElementType<T>();
        var count = CheckChunk(multiplexed.Length);
        if (timestamps.Length != count)
            throw new ArgumentException($"{timestamps.Length} timestamps given for {count} samples.", nameof(timestamps));
        var channels = Info.ChannelCount;
        lock (_bufferLock)
        {
            EnsureCapacity(count * _numericSampleSize);
            var n = 0;
            for (var k = 0; k < count; k++)
                n += SampleCodec.WriteNumeric(_sendBuffer.AsSpan(n), timestamps[k], multiplexed.Slice(k * channels, channels));
            SendToConsumers(n);
        }
    }

    /// <summary>Pushes a chunk of string samples (multiplexed), all with timestamps as in <see cref="PushChunk{T}(ReadOnlySpan{T}, double)"/>.</summary>
    public void PushChunk(ReadOnlySpan<string> multiplexed, double timestamp = 0.0)
    {
        if (Info.ChannelFormat != ChannelFormat.String)
            throw new ArgumentException($"The stream's channel format is {Info.ChannelFormat.XmlName()}, not string.");
        var count = CheckChunk(multiplexed.Length);
        if (count == 0) return;
        if (timestamp == 0.0) timestamp = LslClock.LocalClock(_time);
        if (Info.NominalSrate != StreamInfo.IrregularRate) timestamp -= (count - 1) / Info.NominalSrate;
        var channels = Info.ChannelCount;
        lock (_bufferLock)
        {
            EnsureCapacity(SampleCodec.MaxStringSampleSize(multiplexed) + 9 * count);
            var n = 0;
            for (var k = 0; k < count; k++)
            {
                var ts = k == 0 ? timestamp : Info.NominalSrate != StreamInfo.IrregularRate ? SampleCodec.DeducedTimestamp : timestamp;
                n += SampleCodec.WriteStrings(_sendBuffer.AsSpan(n), ts, multiplexed.Slice(k * channels, channels));
            }
            SendToConsumers(n);
        }
    }

    private void CheckCount(int length, int samples)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (length != Info.ChannelCount * samples)
            throw new ArgumentException($"{length} values given for a stream of {Info.ChannelCount} channels.");
    }

    private int CheckChunk(int length)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var channels = Math.Max(1, Info.ChannelCount);
        if (length % channels != 0)
            throw new ArgumentException($"{length} values are not a whole number of samples of {Info.ChannelCount} channels.");
        return length / channels;
    }

    private void EnsureCapacity(int size)
    {
        if (_sendBuffer.Length < size) _sendBuffer = new byte[Math.Max(size, _sendBuffer.Length * 2)];
    }

    // Caller holds _bufferLock.
    private void SendToConsumers(int length) => _consumers.Send(_sendBuffer.AsSpan(0, length));

    /// <summary>Stops serving and closes every socket (listener, consumers, UDP).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _cts.Cancel();
        _listener.Dispose();
        _service.Stop();
        _responder?.Stop();
        _consumers.Close();
        try
        {
            Task.WaitAll([.. _tasks], TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
