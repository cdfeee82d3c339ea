using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RealtimeDecode.Lsl.Internal;

internal static class NetUtil
{
    /// <summary>Binds to the first free port of the configured range (liblsl's bind_port_in_range), else an OS-assigned one if allowed.</summary>
    public static int BindInRange(Socket socket, LslConfig config)
    {
        var address = config.ListenAddress ?? IPAddress.Any;
        for (var port = config.BasePort; port < config.BasePort + config.PortRange; port++)
        {
            try
            {
                socket.Bind(new IPEndPoint(address, port));
                return port;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
            {
            }
        }
        if (!config.AllowRandomPorts)
            throw new IOException($"All ports {config.BasePort}–{config.BasePort + config.PortRange - 1} are in use.");
        socket.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public static void CloseQuietly(Socket? socket)
    {
        if (socket is null) return;
        try
        {
            if (socket.Connected) socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        socket.Dispose();
    }

    /// <summary>An XPath string literal for <paramref name="value"/> (single quotes unless it contains one).</summary>
    public static string XPathLiteral(string value) =>
        !value.Contains('\'') ? "'" + value + "'"
        : !value.Contains('"') ? "\"" + value + "\""
        : "concat('" + value.Replace("'", "',\"'\",'") + "')";
}

/// <summary>Buffered reads of lines and exact byte counts from a connected socket.</summary>
internal sealed class SocketReader(Socket socket, int bufferSize = 65536)
{
    private readonly byte[] _buffer = new byte[bufferSize];
    private int _start;
    private int _end;

    public Socket Socket => socket;

    private async ValueTask<bool> FillAsync(CancellationToken ct)
    {
        if (_start > 0 && _start == _end) _start = _end = 0;
        if (_end == _buffer.Length)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
            if (_end == _buffer.Length) throw new IOException("A line of the LSL stream exceeds the read buffer.");
        }
        var n = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct).ConfigureAwait(false);
        if (n == 0) return false;
        _end += n;
        return true;
    }

    /// <summary>Reads a line ending in LF (a preceding CR is removed); null at end of stream.</summary>
    public async ValueTask<string?> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            var idx = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (idx >= 0)
            {
                var len = idx - _start;
                if (len > 0 && _buffer[idx - 1] == '\r') len--;
                var line = Encoding.UTF8.GetString(_buffer, _start, len);
                _start = idx + 1;
                return line;
            }
            if (!await FillAsync(ct).ConfigureAwait(false)) return null;
        }
    }

    public async ValueTask ReadExactAsync(Memory<byte> destination, CancellationToken ct)
    {
        var done = 0;
        while (done < destination.Length)
        {
            if (_start == _end && !await FillAsync(ct).ConfigureAwait(false)) throw new EndOfStreamException("The LSL connection was closed.");
            var n = Math.Min(_end - _start, destination.Length - done);
            _buffer.AsMemory(_start, n).CopyTo(destination[done..]);
            _start += n;
            done += n;
        }
    }

    public async ValueTask<byte> ReadByteAsync(CancellationToken ct)
    {
        if (_start == _end && !await FillAsync(ct).ConfigureAwait(false)) throw new EndOfStreamException("The LSL connection was closed.");
        return _buffer[_start++];
    }

    /// <summary>Reads everything until the peer closes the connection; null once more than <paramref name="maxBytes"/> arrived.</summary>
    public async Task<byte[]?> ReadToEndAsync(int maxBytes, CancellationToken ct)
    {
        var ms = new MemoryStream();
        ms.Write(_buffer, _start, _end - _start);
        _start = _end = 0;
        while (ms.Length <= maxBytes)
        {
            var n = await socket.ReceiveAsync(_buffer.AsMemory(), SocketFlags.None, ct).ConfigureAwait(false);
            if (n == 0) return ms.ToArray();
            ms.Write(_buffer, 0, n);
        }
        return null;
    }
}
