using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;
using RealtimeDecode.Lsl.Internal;

namespace RealtimeDecode.Lsl;

/// <summary>
/// Receives a stream over LSL protocol 1.10: requests the feed, checks the two test-pattern samples,
/// then queues samples for <see cref="PullSampleAsync{T}(T[], CancellationToken)"/>. When the connection
/// breaks the inlet re-resolves the stream by name, type, source_id, channel count and format and
/// reconnects (also to a restarted outlet with a new uid). Timestamps are the outlet's; add
/// <see cref="TimeCorrectionAsync"/> to map them onto the local clock.
/// </summary>
public sealed class StreamInlet : IDisposable, IAsyncDisposable
{
    private readonly LslConfig _config;
    private readonly TimeProvider _time;
    private readonly bool _recover;
    private readonly int _maxBuffered;
    private readonly Channel<InletSample> _queue;
    private readonly CancellationTokenSource _cts = new();
    private Task? _loop;
    private Socket? _socket;
    private int _disposed;
    private long _reconnects;

    /// <summary>
    /// The longest string value accepted from an outlet (16 MiB): a longer length prefix fails the stream
    /// before anything is allocated for it.
    /// </summary>
    public const int MaxStringBytes = 16 << 20;

    /// <summary>Creates an inlet for a resolved stream; call <see cref="OpenAsync"/> to connect.</summary>
    /// <param name="info">A stream info from <see cref="StreamResolver"/> (address and data port set).</param>
    /// <param name="config">Network settings (liblsl defaults when null).</param>
    /// <param name="time">Clock for time correction and retry delays.</param>
    /// <param name="maxBuffered">Samples kept when not pulled; the oldest are dropped beyond it (also sent as Max-Buffer-Length).</param>
    /// <param name="recover">Whether to re-resolve and reconnect when the stream is lost.</param>
    public StreamInlet(StreamInfo info, LslConfig? config = null, TimeProvider? time = null, int maxBuffered = 360_000, bool recover = true)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBuffered, 1);
        Info = info.Clone();
        _config = config ?? LslConfig.Default;
        _time = time ?? TimeProvider.System;
        _recover = recover;
        _maxBuffered = maxBuffered;
        _queue = Channel.CreateBounded<InletSample>(new BoundedChannelOptions(maxBuffered)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleWriter = true,
        });
    }

    /// <summary>The stream currently connected to (replaced after a recovery).</summary>
    public StreamInfo Info { get; private set; }

    /// <summary>How many times the inlet reconnected after losing the stream.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Largest full info document (bytes, 16 MiB) read from an outlet.</summary>
    public const int MaxFullInfoBytes = 1 << 24;

    /// <summary>Samples waiting to be pulled.</summary>
    public int Available => _queue.Reader.Count;

    /// <summary>Connects, negotiates the feed and checks the test patterns, then starts receiving.</summary>
    /// <exception cref="LslProtocolException">The outlet refused the feed (404, 505) or sent wrong test patterns.</exception>
    /// <exception cref="SocketException">The outlet cannot be reached.</exception>
    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_loop is not null) throw new InvalidOperationException("The inlet is already open.");
        var reader = await ConnectAsync(Info, cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => RunAsync(reader));
    }

    /// <summary>Fetches the full info (including desc) from the outlet's data port.</summary>
    public async Task<StreamInfo> GetFullInfoAsync(CancellationToken cancellationToken = default)
    {
        var info = Info;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(DataEndPoint(info), cancellationToken).ConfigureAwait(false);
        await socket.SendAsync(Encoding.ASCII.GetBytes("LSL:fullinfo\r\n"), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var bytes = await new SocketReader(socket).ReadToEndAsync(MaxFullInfoBytes, cancellationToken).ConfigureAwait(false)
            ?? throw new LslProtocolException($"{info.Name}: the full info is more than {MaxFullInfoBytes} bytes; refused.");
        var full = StreamInfo.FromXml(Encoding.UTF8.GetString(bytes));
        full.V4Address = info.V4Address;
        return full;
    }

    /// <summary>
    /// Waits for the next sample and copies its values into <paramref name="destination"/>
    /// (<typeparamref name="T"/> must be the channel format's type; length = channel count).
    /// </summary>
    /// <returns>The sample's timestamp in seconds on the outlet's clock.</returns>
    /// <exception cref="IOException">The stream was lost and recovery is off (or the inlet was disposed).</exception>
    public async ValueTask<double> PullSampleAsync<T>(T[] destination, CancellationToken cancellationToken = default) where T : unmanaged
    {
        CheckDestination<T>(destination);
        var sample = await ReadAsync(cancellationToken).ConfigureAwait(false);
        sample.Data.AsSpan().CopyTo(MemoryMarshal.AsBytes(destination.AsSpan()));
        return sample.Timestamp;
    }

    /// <summary>As <see cref="PullSampleAsync{T}(T[], CancellationToken)"/>, returning null when <paramref name="timeout"/> passes first.</summary>
    public async ValueTask<double?> PullSampleAsync<T>(T[] destination, TimeSpan timeout, CancellationToken cancellationToken = default) where T : unmanaged
    {
        CheckDestination<T>(destination);
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await PullSampleAsync(destination, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Waits for the next sample of a string stream.</summary>
    public async ValueTask<double> PullSampleAsync(string[] destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (Info.ChannelFormat != ChannelFormat.String) throw new ArgumentException($"The stream's channel format is {Info.ChannelFormat.XmlName()}, not string.");
        if (destination.Length != Info.ChannelCount) throw new ArgumentException($"The destination holds {destination.Length} values for {Info.ChannelCount} channels.");
        var sample = await ReadAsync(cancellationToken).ConfigureAwait(false);
        sample.Strings!.CopyTo(destination, 0);
        return sample.Timestamp;
    }

    /// <summary>Takes a queued sample without waiting; false when none is queued.</summary>
    public bool TryPullSample<T>(Span<T> destination, out double timestamp) where T : unmanaged
    {
        Info.ChannelFormat.CheckElementType<T>();
        if (destination.Length != Info.ChannelCount) throw new ArgumentException($"The destination holds {destination.Length} values for {Info.ChannelCount} channels.");
        if (!_queue.Reader.TryRead(out var sample))
        {
            timestamp = 0;
            return false;
        }
        sample.Data.AsSpan().CopyTo(MemoryMarshal.AsBytes(destination));
        timestamp = sample.Timestamp;
        return true;
    }

    private void CheckDestination<T>(T[] destination) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(destination);
        Info.ChannelFormat.CheckElementType<T>();
        if (destination.Length != Info.ChannelCount) throw new ArgumentException($"The destination holds {destination.Length} values for {Info.ChannelCount} channels.");
    }

    private async ValueTask<InletSample> ReadAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_loop is null) throw new InvalidOperationException("Call OpenAsync first.");
        try
        {
            return await _queue.Reader.ReadAsync(ct).ConfigureAwait(false);
        }
        catch (ChannelClosedException e)
        {
            throw new IOException("The stream was lost.", e.InnerException ?? e);
        }
    }

    /// <summary>
    /// Estimates the offset to add to the outlet's timestamps to get local <see cref="LslClock"/> time, as
    /// liblsl's time_receiver: <see cref="LslConfig.TimeProbeCount"/> probes to the service port, the probe
    /// with the smallest round trip wins, offset = −((t1−t0)+(t2−t3))/2.
    /// </summary>
    /// <returns>The correction in seconds (≈0 for an outlet on this machine's clock).</returns>
    /// <exception cref="TimeoutException">No probe was answered.</exception>
    public async Task<double> TimeCorrectionAsync(CancellationToken cancellationToken = default)
    {
        var estimate = await EstimateTimeOffsetAsync(cancellationToken).ConfigureAwait(false);
        return estimate.Correction;
    }

    internal async Task<(double Correction, double Rtt, int Probes)> EstimateTimeOffsetAsync(CancellationToken ct)
    {
        var info = Info;
        var target = new IPEndPoint(DataEndPoint(info).Address, info.V4ServicePort);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(_config.ListenAddress ?? IPAddress.Any, 0));
        var waveId = Random.Shared.Next(1, int.MaxValue);
        var estimates = new List<(double Rtt, double Offset)>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // Blocking receives on a dedicated thread so t3 is read right when the reply arrives.
        var receiver = Task.Factory.StartNew(() =>
        {
            var buffer = new byte[1024];
            socket.ReceiveTimeout = 50;
            while (!stop.IsCancellationRequested)
            {
                int n;
                try
                {
                    n = socket.Receive(buffer);
                }
                catch (SocketException)
                {
                    continue;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                var t3 = LslClock.LocalClock(_time);
                var parts = Encoding.ASCII.GetString(buffer, 0, n).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length < 4 || parts[0] != waveId.ToString(CultureInfo.InvariantCulture)) continue;
                if (!LslNumberFormat.TryParseDouble(parts[1], out var t0) || !LslNumberFormat.TryParseDouble(parts[2], out var t1)
                    || !LslNumberFormat.TryParseDouble(parts[3], out var t2)) continue;
                lock (estimates) estimates.Add(((t3 - t0) - (t2 - t1), ((t1 - t0) + (t2 - t3)) / 2));
            }
        }, TaskCreationOptions.LongRunning);
        try
        {
            for (var k = 0; k < _config.TimeProbeCount; k++)
            {
                if (k > 0) await Task.Delay(_config.TimeProbeInterval, _time, ct).ConfigureAwait(false);
                var request = "LSL:timedata\r\n" + waveId.ToString(CultureInfo.InvariantCulture) + " "
                    + LslNumberFormat.FormatG16(LslClock.LocalClock(_time)) + "\r\n";
                socket.SendTo(Encoding.ASCII.GetBytes(request), target);
            }
            await Task.Delay(_config.TimeProbeMaxRtt, _time, ct).ConfigureAwait(false);
        }
        finally
        {
            stop.Cancel();
            await receiver.ConfigureAwait(false);
        }
        lock (estimates)
        {
            if (estimates.Count == 0) throw new TimeoutException($"No time probe of {info.Name} was answered by {target}.");
            var best = estimates.MinBy(e => e.Rtt);
            return (-best.Offset, best.Rtt, estimates.Count);
        }
    }

    private static IPEndPoint DataEndPoint(StreamInfo info)
    {
        var address = IPAddress.TryParse(info.V4Address, out var a) ? a : IPAddress.Loopback;
        return new IPEndPoint(address, info.V4DataPort);
    }

    private async Task<SocketReader> ConnectAsync(StreamInfo info, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, _cts.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(DataEndPoint(info), timeout.Token).ConfigureAwait(false);
            var request = new StringBuilder()
                .Append("LSL:streamfeed/110 ").Append(info.Uid).Append("\r\n")
                .Append("Native-Byte-Order: 1234\r\n")
                .Append("Endian-Performance: 0\r\n")
                .Append("Has-IEEE754-Floats: 1\r\n")
                .Append("Supports-Subnormals: 1\r\n")
                .Append("Value-Size: ").Append(info.ChannelFormat.HeaderValueSize()).Append("\r\n")
                .Append("Data-Protocol-Version: 110\r\n")
                .Append("Max-Buffer-Length: ").Append(_maxBuffered).Append("\r\n")
                .Append("Max-Chunk-Length: 0\r\n")
                .Append("Hostname: ").Append(info.Hostname).Append("\r\n")
                .Append("Source-Id: ").Append(info.SourceId).Append("\r\n")
                .Append("Session-Id: ").Append(info.SessionId).Append("\r\n")
                .Append("\r\n").ToString();
            var bytes = Encoding.UTF8.GetBytes(request);
            await socket.SendAsync(bytes, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            var reader = new SocketReader(socket);
            var status = await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false)
                ?? throw new LslProtocolException($"{info.Name}: the outlet closed the connection without a reply.");
            var parts = status.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 3 || !parts[0].StartsWith("LSL/", StringComparison.Ordinal) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var code))
                throw new LslProtocolException($"{info.Name}: malformed reply '{status}'.");
            if (code >= 300) throw new LslProtocolException($"{info.Name}: the outlet replied '{status}'.") { StatusCode = code };
            while (await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false) is { } line && line.Length > 0)
            {
                var colon = line.IndexOf(':');
                if (colon < 0) continue;
                var key = line[..colon].Trim().ToLowerInvariant();
                var value = line[(colon + 1)..].Split(';')[0].Trim();
                if (key == "byte-order" && value != "1234") throw new LslProtocolException($"{info.Name}: byte order {value} is not supported.");
                if (key == "data-protocol-version" && value != "110") throw new LslProtocolException($"{info.Name}: data protocol {value} is not supported.");
                if (key == "uid" && value != info.Uid) throw new LslProtocolException($"{info.Name}: the outlet's uid {value} is not the resolved {info.Uid}.") { StatusCode = 404 };
            }
            foreach (var offset in (int[])[4, 2])
            {
                var sample = await ReadSampleAsync(reader, info, 0.0, timeout.Token).ConfigureAwait(false);
                if (!IsTestPattern(sample, info, offset))
                    throw new LslProtocolException($"{info.Name}: the test-pattern sample (offset {offset}) does not match; the protocol formats are incompatible.");
            }
            Volatile.Write(ref _socket, socket);
            return reader;
        }
        catch
        {
            NetUtil.CloseQuietly(socket);
            throw;
        }
    }

    private static bool IsTestPattern(InletSample sample, StreamInfo info, int offset)
    {
        if (sample.Timestamp != SampleCodec.TestPatternTimestamp) return false;
        if (info.ChannelFormat == ChannelFormat.String)
            return sample.Strings!.AsSpan().SequenceEqual(SampleCodec.TestPatternStrings(info.ChannelCount));
        return sample.Data.AsSpan().SequenceEqual(SampleCodec.TestPatternValues(info.ChannelFormat, info.ChannelCount, offset));
    }

    private static async ValueTask<InletSample> ReadSampleAsync(SocketReader reader, StreamInfo info, double lastTimestamp, CancellationToken ct)
    {
        var tag = await reader.ReadByteAsync(ct).ConfigureAwait(false);
        double timestamp;
        if (tag == SampleCodec.TagDeduced)
        {
            timestamp = lastTimestamp + (info.NominalSrate != StreamInfo.IrregularRate ? 1.0 / info.NominalSrate : 0.0);
        }
        else if (tag == SampleCodec.TagTimestamp)
        {
            var ts = new byte[8];
            await reader.ReadExactAsync(ts, ct).ConfigureAwait(false);
            timestamp = BinaryPrimitives.ReadDoubleLittleEndian(ts);
        }
        else
        {
            throw new LslProtocolException($"{info.Name}: invalid sample tag {tag}; the stream is corrupted.");
        }
        if (info.ChannelFormat != ChannelFormat.String)
        {
            var data = new byte[info.ChannelFormat.ValueSize() * info.ChannelCount];
            await reader.ReadExactAsync(data, ct).ConfigureAwait(false);
            return new InletSample(timestamp, data, null);
        }
        var strings = new string[info.ChannelCount];
        var lengthBytes = new byte[8];
        for (var k = 0; k < strings.Length; k++)
        {
            var width = await reader.ReadByteAsync(ct).ConfigureAwait(false);
            if (width is not (1 or 2 or 4 or 8)) throw new LslProtocolException($"{info.Name}: invalid string length width {width}; the stream is corrupted.");
            await reader.ReadExactAsync(lengthBytes.AsMemory(0, width), ct).ConfigureAwait(false);
            var length = width switch
            {
                1 => lengthBytes[0],
                2 => BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes),
                4 => BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes),
                _ => BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes),
            };
            if (length > MaxStringBytes)
                throw new LslProtocolException($"{info.Name}: a string value of {length} bytes, more than the {MaxStringBytes}-byte limit; the stream is corrupted.");
            var text = new byte[(int)length];
            await reader.ReadExactAsync(text, ct).ConfigureAwait(false);
            strings[k] = Encoding.UTF8.GetString(text);
        }
        return new InletSample(timestamp, [], strings);
    }

    private async Task RunAsync(SocketReader reader)
    {
        var ct = _cts.Token;
        Exception? failure = null;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var info = Info;
                var last = 0.0;
                while (true)
                {
                    var sample = await ReadSampleAsync(reader, info, last, ct).ConfigureAwait(false);
                    last = sample.Timestamp;
                    await _queue.Writer.WriteAsync(sample, ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Any failure of the connection (closed, reset, corrupted) ends it; recovery decides what follows.
                failure = e;
            }
            NetUtil.CloseQuietly(Interlocked.Exchange(ref _socket, null));
            if (!_recover || ct.IsCancellationRequested) break;
            var recovered = await RecoverAsync(ct).ConfigureAwait(false);
            if (recovered is null) break;
            reader = recovered;
            Interlocked.Increment(ref _reconnects);
        }
        _queue.Writer.TryComplete(ct.IsCancellationRequested ? null : failure);
    }

    /// <summary>The query that finds this stream again after its outlet restarted (new uid, new ports).</summary>
    internal string RecoveryQuery()
    {
        var info = Info;
        var q = new StringBuilder()
            .Append("name=").Append(NetUtil.XPathLiteral(info.Name))
            .Append(" and type=").Append(NetUtil.XPathLiteral(info.Type));
        if (info.SourceId.Length > 0) q.Append(" and source_id=").Append(NetUtil.XPathLiteral(info.SourceId));
        else q.Append(" and hostname=").Append(NetUtil.XPathLiteral(info.Hostname));
        q.Append(" and channel_count=").Append(info.ChannelCount.ToString(CultureInfo.InvariantCulture))
            .Append(" and channel_format=").Append(NetUtil.XPathLiteral(info.ChannelFormat.XmlName()));
        return q.ToString();
    }

    private async Task<SocketReader?> RecoverAsync(CancellationToken ct)
    {
        var query = RecoveryQuery();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var found = await StreamResolver.ResolveAsync(query, 1, TimeSpan.FromSeconds(2), _config, _time, ct).ConfigureAwait(false);
                foreach (var candidate in found)
                {
                    try
                    {
                        var reader = await ConnectAsync(candidate, ct).ConfigureAwait(false);
                        Info = candidate;
                        return reader;
                    }
                    catch (Exception e) when (e is IOException or SocketException or OperationCanceledException && !ct.IsCancellationRequested)
                    {
                    }
                }
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>Closes the connection and stops recovery; pending pulls fail.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _cts.Cancel();
        NetUtil.CloseQuietly(Interlocked.Exchange(ref _socket, null));
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }
        _queue.Writer.TryComplete();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _cts.Cancel();
        NetUtil.CloseQuietly(Interlocked.Exchange(ref _socket, null));
        if (_loop is not null) await _loop.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _queue.Writer.TryComplete();
    }

    private sealed record InletSample(double Timestamp, byte[] Data, string[]? Strings);
}
