using System.Globalization;
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
public sealed class StreamOutlet : IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly LslConfig _config;
    private readonly TimeProvider _time;
    private readonly Socket _listener;
    private readonly Socket _service;
    private readonly Socket? _responder;
    private readonly CancellationTokenSource _cts = new();
    private readonly object _sendLock = new();
    private readonly List<Socket> _consumers = [];
    private readonly List<Task> _tasks = [];
    private readonly byte[] _shortInfoUtf8;
    private readonly byte[] _fullInfoUtf8;
    private readonly int _numericSampleSize;
    private byte[] _sendBuffer;
    private TaskCompletionSource _consumerArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
        _service = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // No ReuseAddress here: on Linux .NET also sets SO_REUSEPORT with it, which would let two outlets
            // listen on one port and split the connections between them.
            own.V4DataPort = NetUtil.BindInRange(_listener, _config);
            _listener.Listen(16);
            own.V4ServicePort = NetUtil.BindInRange(_service, _config);
            _responder = OpenResponder();
        }
        catch
        {
            _listener.Dispose();
            _service.Dispose();
            throw;
        }

        own.Freeze();
        Info = own;
        _shortInfoUtf8 = Encoding.UTF8.GetBytes(own.ToShortInfoXml());
        _fullInfoUtf8 = Encoding.UTF8.GetBytes(own.ToFullInfoXml());
        _numericSampleSize = own.ChannelFormat == ChannelFormat.String ? 0 : SampleCodec.NumericSampleSize(own.ChannelFormat, own.ChannelCount);
        _sendBuffer = new byte[Math.Max(4096, _numericSampleSize)];

        _tasks.Add(Task.Run(AcceptLoopAsync));
        _tasks.Add(StartUdpThread(_service, timeService: true));
        if (_responder is not null) _tasks.Add(StartUdpThread(_responder, timeService: false));
    }

    /// <summary>The outlet's own stream info (with uid, session, host name and ports).</summary>
    public StreamInfo Info { get; }

    /// <summary>Number of inlets currently receiving samples.</summary>
    public int ConsumerCount
    {
        get
        {
            lock (_sendLock) return _consumers.Count;
        }
    }

    /// <summary>Whether at least one inlet is connected.</summary>
    public bool HaveConsumers => ConsumerCount > 0;

    /// <summary>Waits until an inlet is connected; false when <paramref name="timeout"/> passes first.</summary>
    public async Task<bool> WaitForConsumersAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Task arrived;
        lock (_sendLock)
        {
            if (_consumers.Count > 0) return true;
            arrived = _consumerArrived.Task;
        }
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
        lock (_sendLock)
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
        lock (_sendLock)
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
        lock (_sendLock)
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
        lock (_sendLock)
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
        lock (_sendLock)
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

    // Caller holds _sendLock.
    private void SendToConsumers(int length)
    {
        for (var i = _consumers.Count - 1; i >= 0; i--)
        {
            var socket = _consumers[i];
            var sent = socket.Send(_sendBuffer, 0, length, SocketFlags.None, out var error);
            if (error != SocketError.Success || sent != length)
            {
                _consumers.RemoveAt(i);
                NetUtil.CloseQuietly(socket);
            }
        }
    }

    private Socket? OpenResponder()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Several outlets on one host share the discovery port; multicast queries reach them all.
            socket.ExclusiveAddressUse = false;
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(IPAddress.Any, _config.MulticastPort));
            foreach (var address in _config.QueryAddresses)
            {
                if (!IsMulticast(address)) continue;
                try
                {
                    var option = _config.ListenAddress is { } local ? new MulticastOption(address, local) : new MulticastOption(address);
                    socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, option);
                }
                catch (SocketException)
                {
                    // A group that cannot be joined (no route for it) only limits discovery.
                }
            }
            // Every outlet also joins the relay group on loopback (see RelayToLocalOutlets).
            try
            {
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(LoopbackRelayGroup, IPAddress.Loopback));
            }
            catch (SocketException)
            {
                // Already joined through the configuration, or loopback multicast unavailable.
            }
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, IPAddress.Loopback.GetAddressBytes());
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 0);
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.PacketInformation, true);
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null; // the outlet stays reachable through its service port and known peers
        }
    }

    /// <summary>Multicast group used on the loopback interface to relay unicast discovery queries between local outlets.</summary>
    internal static readonly IPAddress LoopbackRelayGroup = IPAddress.Parse("224.0.0.183");

    internal static bool IsMulticast(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork && (address.GetAddressBytes()[0] & 0xF0) == 0xE0;

    private Task StartUdpThread(Socket socket, bool timeService)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                UdpLoop(socket, timeService);
            }
            finally
            {
                done.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = "LSL UDP " + Info.Name,
        };
        thread.Start();
        return done.Task;
    }

    // A dedicated thread with blocking receives, so t1 is taken right when the packet arrives.
    private void UdpLoop(Socket socket, bool timeService)
    {
        var buffer = new byte[65536];
        EndPoint remote = new IPEndPoint(IPAddress.Any, 0);
        while (_disposed == 0)
        {
            int n;
            var relay = false;
            try
            {
                if (timeService)
                {
                    n = socket.ReceiveFrom(buffer, ref remote);
                }
                else
                {
                    var flags = SocketFlags.None;
                    n = socket.ReceiveMessageFrom(buffer, 0, buffer.Length, ref flags, ref remote, out var packetInfo);
                    // A unicast query from this machine reaches only one of the outlets sharing the discovery
                    // port (liblsl has the same limit). The one that gets it relays it to the others over
                    // multicast on loopback; replies still go to the original sender's return port.
                    relay = !IsMulticast(packetInfo.Address) && IPAddress.IsLoopback(((IPEndPoint)remote).Address);
                }
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
            {
                continue;
            }
            catch (Exception)
            {
                return; // closed by Dispose
            }
            var t1 = timeService ? LslClock.LocalClock(_time) : 0.0;
            try
            {
                if (relay && buffer.AsSpan(0, n).StartsWith("LSL:shortinfo"u8))
                    socket.SendTo(buffer, 0, n, SocketFlags.None, new IPEndPoint(LoopbackRelayGroup, _config.MulticastPort));
                HandleDatagram(socket, buffer.AsSpan(0, n), (IPEndPoint)remote, t1, timeService);
            }
            catch (Exception)
            {
                // A malformed or unanswerable request is ignored, as liblsl does; this thread must not die
                // (an exception escaping a thread ends the process).
                if (_disposed != 0) return;
            }
        }
    }

    private void HandleDatagram(Socket socket, ReadOnlySpan<byte> packet, IPEndPoint remote, double t1, bool timeService)
    {
        var text = Encoding.UTF8.GetString(packet);
        var lines = text.Split('\n');
        var method = lines[0].Trim();
        if (method == "LSL:shortinfo" && lines.Length >= 3)
        {
            var query = lines[1].Trim();
            var parts = lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length < 2 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var returnPort)) return;
            if (!Info.MatchesQuery(query)) return;
            var id = Encoding.UTF8.GetBytes(parts[1] + "\r\n");
            var reply = new byte[id.Length + _shortInfoUtf8.Length];
            id.CopyTo(reply, 0);
            _shortInfoUtf8.CopyTo(reply, id.Length);
            socket.SendTo(reply, new IPEndPoint(remote.Address, returnPort));
        }
        else if (timeService && method == "LSL:timedata" && lines.Length >= 2)
        {
            var parts = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length < 2 || !long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var waveId)
                || !LslNumberFormat.TryParseDouble(parts[1], out var t0)) return;
            var reply = " " + waveId.ToString(CultureInfo.InvariantCulture) + " " + LslNumberFormat.FormatG16(t0) + " "
                + LslNumberFormat.FormatG16(t1) + " " + LslNumberFormat.FormatG16(LslClock.LocalClock(_time));
            socket.SendTo(Encoding.ASCII.GetBytes(reply), remote);
        }
    }

    private async Task AcceptLoopAsync()
    {
        var ct = _cts.Token;
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                if (ct.IsCancellationRequested) return;
                continue;
            }
            _ = Task.Run(() => HandleClientAsync(client));
        }
    }

    private async Task HandleClientAsync(Socket client)
    {
        var keep = false;
        try
        {
            client.NoDelay = true;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
            timeout.CancelAfter(RequestTimeout);
            var reader = new SocketReader(client, 16384);
            var method = (await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false))?.Trim();
            if (method is null) return;
            if (method == "LSL:shortinfo")
            {
                var query = (await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false))?.Trim() ?? "";
                if (Info.MatchesQuery(query)) await SendAllAsync(client, _shortInfoUtf8, timeout.Token).ConfigureAwait(false);
            }
            else if (method == "LSL:fullinfo")
            {
                await SendAllAsync(client, _fullInfoUtf8, timeout.Token).ConfigureAwait(false);
            }
            else if (method == "LSL:streamfeed")
            {
                // Protocol 1.00 (Boost portable archives) is not implemented: refuse and close. Its parameter
                // line is read first so that closing does not reset the connection before the reply is read.
                await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false);
                await SendAllAsync(client, Encoding.ASCII.GetBytes("LSL/110 505 Version not supported\r\n"), timeout.Token).ConfigureAwait(false);
            }
            else if (method.StartsWith("LSL:streamfeed/", StringComparison.Ordinal))
            {
                keep = await HandleStreamFeedAsync(client, reader, method, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException or FormatException)
        {
        }
        finally
        {
            if (!keep) NetUtil.CloseQuietly(client);
        }
    }

    private async Task<bool> HandleStreamFeedAsync(Socket client, SocketReader reader, string method, CancellationToken ct)
    {
        var parts = method.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (!int.TryParse(parts[0].AsSpan("LSL:streamfeed/".Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out var requestVersion))
            return false;
        var uid = parts.Length > 1 ? parts[1] : "";
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line && line.Length > 0)
        {
            var semicolon = line.IndexOf(';');
            if (semicolon >= 0) line = line[..semicolon];
            var colon = line.IndexOf(':');
            if (colon < 0) continue;
            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim().ToLowerInvariant();
        }
        if (requestVersion / 100 > StreamInfo.ProtocolVersion / 100)
        {
            await SendAllAsync(client, Encoding.ASCII.GetBytes("LSL/110 505 Version not supported\r\n"), ct).ConfigureAwait(false);
            return false;
        }
        if (uid.Length > 0 && uid != Info.Uid)
        {
            await SendAllAsync(client, Encoding.ASCII.GetBytes("LSL/110 404 Not found\r\n"), ct).ConfigureAwait(false);
            return false;
        }
        var protocol = headers.TryGetValue("protocol-version", out var pv) && int.TryParse(pv, CultureInfo.InvariantCulture, out var p) ? p : requestVersion;
        var format = Info.ChannelFormat;
        var valueSizeOk = format == ChannelFormat.String || !headers.TryGetValue("value-size", out var vs)
            || (int.TryParse(vs, CultureInfo.InvariantCulture, out var size) && size == format.ValueSize());
        var ieeeOk = !headers.TryGetValue("has-ieee754-floats", out var ieee) || ieee is "1" or "true";
        if (requestVersion < 110 || Math.Min(StreamInfo.ProtocolVersion, protocol) < 110 || !valueSizeOk || !ieeeOk)
        {
            // liblsl would fall back to protocol 1.00 here, which this implementation does not speak.
            await SendAllAsync(client, Encoding.ASCII.GetBytes("LSL/110 505 Version not supported\r\n"), ct).ConfigureAwait(false);
            return false;
        }
        var maxBuffered = headers.TryGetValue("max-buffer-length", out var mb) && int.TryParse(mb, CultureInfo.InvariantCulture, out var m) ? m : 0;

        var header = new MemoryStream();
        var text = "LSL/110 200 OK\r\nUID: " + Info.Uid + "\r\nByte-Order: 1234\r\nSuppress-Subnormals: 0\r\nData-Protocol-Version: 110\r\n\r\n";
        header.Write(Encoding.ASCII.GetBytes(text));
        header.Write(SampleCodec.EncodeTestPattern(format, Info.ChannelCount, 4));
        header.Write(SampleCodec.EncodeTestPattern(format, Info.ChannelCount, 2));
        var bytes = header.ToArray();

        // liblsl streams nothing when Max-Buffer-Length is 0 or missing.
        if (maxBuffered <= 0)
        {
            await SendAllAsync(client, bytes, ct).ConfigureAwait(false);
            return false;
        }
        client.SendTimeout = 500;
        lock (_sendLock)
        {
            if (_disposed != 0) return false;
            // Sent under the lock so no sample can slip in between the header and the consumer registration.
            if (client.Send(bytes, SocketFlags.None, out var error) != bytes.Length || error != SocketError.Success) return false;
            _consumers.Add(client);
            _consumerArrived.TrySetResult();
            _consumerArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        _ = WatchConsumerAsync(client);
        return true;
    }

    // Inlets never send after the request: a completed receive means the peer closed.
    private async Task WatchConsumerAsync(Socket client)
    {
        var buffer = new byte[256];
        try
        {
            while (await client.ReceiveAsync(buffer, SocketFlags.None, _cts.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        lock (_sendLock)
        {
            _consumers.Remove(client);
        }
        NetUtil.CloseQuietly(client);
    }

    private static async Task SendAllAsync(Socket socket, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (data.Length > 0)
        {
            var n = await socket.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false);
            data = data[n..];
        }
    }

    /// <summary>Stops serving and closes every socket (listener, consumers, UDP).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _cts.Cancel();
        _listener.Dispose();
        _service.Dispose();
        _responder?.Dispose();
        lock (_sendLock)
        {
            foreach (var c in _consumers) NetUtil.CloseQuietly(c);
            _consumers.Clear();
        }
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
