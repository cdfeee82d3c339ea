using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace RealtimeDecode.Lsl.Internal;

/// <summary>
/// An outlet's TCP data server (liblsl's <c>tcp_server</c>): answers <c>LSL:shortinfo</c> and <c>LSL:fullinfo</c>
/// requests and negotiates <c>LSL:streamfeed/110</c> feeds, whose sockets it hands to the <see cref="ConsumerSet"/>
/// once the header and test patterns are sent. A request must arrive within 10 s; protocol 1.00 is refused
/// with 505, an unknown uid with 404.
/// </summary>
internal sealed class TcpServer
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _listener;
    private readonly StreamInfo _info;
    private readonly byte[] _shortInfoUtf8;
    private readonly byte[] _fullInfoUtf8;
    private readonly ConsumerSet _consumers;
    private readonly CancellationToken _stop;

    /// <param name="listener">A bound, listening TCP socket.</param>
    /// <param name="info">The outlet's frozen info.</param>
    /// <param name="shortInfoUtf8">Reply to a matching shortinfo query.</param>
    /// <param name="fullInfoUtf8">Reply to a fullinfo request.</param>
    /// <param name="consumers">Where accepted feeds are registered.</param>
    /// <param name="stop">Cancelled when the outlet closes.</param>
    public TcpServer(Socket listener, StreamInfo info, byte[] shortInfoUtf8, byte[] fullInfoUtf8, ConsumerSet consumers, CancellationToken stop)
    {
        _listener = listener;
        _info = info;
        _shortInfoUtf8 = shortInfoUtf8;
        _fullInfoUtf8 = fullInfoUtf8;
        _consumers = consumers;
        _stop = stop;
    }

    /// <summary>Accepts connections until <c>stop</c> is cancelled or the listener is closed.</summary>
    public async Task AcceptLoopAsync()
    {
        var ct = _stop;
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
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop);
            timeout.CancelAfter(RequestTimeout);
            var reader = new SocketReader(client, 16384);
            var method = (await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false))?.Trim();
            if (method is null) return;
            if (method == "LSL:shortinfo")
            {
                var query = (await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false))?.Trim() ?? "";
                if (_info.MatchesQuery(query)) await SendAllAsync(client, _shortInfoUtf8, timeout.Token).ConfigureAwait(false);
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
        if (uid.Length > 0 && uid != _info.Uid)
        {
            await SendAllAsync(client, Encoding.ASCII.GetBytes("LSL/110 404 Not found\r\n"), ct).ConfigureAwait(false);
            return false;
        }
        var protocol = headers.TryGetValue("protocol-version", out var pv) && int.TryParse(pv, CultureInfo.InvariantCulture, out var p) ? p : requestVersion;
        var format = _info.ChannelFormat;
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
        var text = "LSL/110 200 OK\r\nUID: " + _info.Uid + "\r\nByte-Order: 1234\r\nSuppress-Subnormals: 0\r\nData-Protocol-Version: 110\r\n\r\n";
        header.Write(Encoding.ASCII.GetBytes(text));
        header.Write(SampleCodec.EncodeTestPattern(format, _info.ChannelCount, 4));
        header.Write(SampleCodec.EncodeTestPattern(format, _info.ChannelCount, 2));
        var bytes = header.ToArray();

        // liblsl streams nothing when Max-Buffer-Length is 0 or missing.
        if (maxBuffered <= 0)
        {
            await SendAllAsync(client, bytes, ct).ConfigureAwait(false);
            return false;
        }
        client.SendTimeout = 500;
        // Sent under the consumer lock so no sample can slip in between the header and the registration.
        if (!_consumers.TryAdd(client, bytes)) return false;
        _ = WatchConsumerAsync(client);
        return true;
    }

    // Inlets never send after the request: a completed receive means the peer closed.
    private async Task WatchConsumerAsync(Socket client)
    {
        var buffer = new byte[256];
        try
        {
            while (await client.ReceiveAsync(buffer, SocketFlags.None, _stop).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        _consumers.Remove(client);
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
}
