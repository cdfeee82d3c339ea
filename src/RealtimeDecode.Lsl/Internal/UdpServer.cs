using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RealtimeDecode.Lsl.Internal;

/// <summary>
/// An outlet's UDP side (liblsl's <c>udp_server</c>): answers <c>LSL:shortinfo</c> discovery queries that match
/// the stream with its short info, and on the service port also <c>LSL:timedata</c> time-correction probes.
/// Runs on a dedicated thread with blocking receives, so a probe's arrival time t1 is taken as it arrives.
/// Malformed or unanswerable datagrams are ignored, as liblsl does.
/// </summary>
internal sealed class UdpServer
{
    /// <summary>Multicast group used on the loopback interface to relay unicast discovery queries between local outlets.</summary>
    internal static readonly IPAddress LoopbackRelayGroup = IPAddress.Parse("224.0.0.183");

    private readonly Socket _socket;
    private readonly bool _timeService;
    private readonly StreamInfo _info;
    private readonly byte[] _shortInfoUtf8;
    private readonly LslConfig _config;
    private readonly TimeProvider _time;
    private volatile bool _stopped;

    /// <param name="socket">A bound UDP socket: the outlet's service port, or the shared discovery port (<see cref="OpenResponder"/>).</param>
    /// <param name="timeService">Whether this is the service port, which also answers time probes.</param>
    /// <param name="info">The outlet's frozen info, against which queries are evaluated.</param>
    /// <param name="shortInfoUtf8">The reply to a matching query, after its query id line.</param>
    /// <param name="config">The discovery port to relay loopback queries to.</param>
    /// <param name="time">Clock of the time-correction replies.</param>
    public UdpServer(Socket socket, bool timeService, StreamInfo info, byte[] shortInfoUtf8, LslConfig config, TimeProvider time)
    {
        _socket = socket;
        _timeService = timeService;
        _info = info;
        _shortInfoUtf8 = shortInfoUtf8;
        _config = config;
        _time = time;
    }

    /// <summary>
    /// A socket on the discovery port (shared by every outlet of the host) that joins the configured multicast
    /// groups and the loopback relay group; null when the port cannot be bound, in which case the outlet stays
    /// reachable through its service port and known peers.
    /// </summary>
    public static Socket? OpenResponder(LslConfig config)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Several outlets on one host share the discovery port; multicast queries reach them all.
            socket.ExclusiveAddressUse = false;
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(IPAddress.Any, config.MulticastPort));
            foreach (var address in config.QueryAddresses)
            {
                if (!IsMulticast(address)) continue;
                try
                {
                    var option = config.ListenAddress is { } local ? new MulticastOption(address, local) : new MulticastOption(address);
                    socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, option);
                }
                catch (SocketException)
                {
                    // A group that cannot be joined (no route for it) only limits discovery.
                }
            }
            // Every outlet also joins the relay group on loopback (see the relay in ReceiveLoop).
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
            return null;
        }
    }

    internal static bool IsMulticast(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork && (address.GetAddressBytes()[0] & 0xF0) == 0xE0;

    /// <summary>Starts the receive thread; the task completes when it ends (after <see cref="Stop"/>).</summary>
    public Task Start()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                ReceiveLoop();
            }
            finally
            {
                done.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = "LSL UDP " + _info.Name,
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>Ends the receive thread by closing the socket.</summary>
    public void Stop()
    {
        _stopped = true;
        _socket.Dispose();
    }

    // A dedicated thread with blocking receives, so t1 is taken right when the packet arrives.
    private void ReceiveLoop()
    {
        var buffer = new byte[65536];
        EndPoint remote = new IPEndPoint(IPAddress.Any, 0);
        while (!_stopped)
        {
            int n;
            var relay = false;
            try
            {
                if (_timeService)
                {
                    n = _socket.ReceiveFrom(buffer, ref remote);
                }
                else
                {
                    var flags = SocketFlags.None;
                    n = _socket.ReceiveMessageFrom(buffer, 0, buffer.Length, ref flags, ref remote, out var packetInfo);
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
                return; // closed by Stop
            }
            var t1 = _timeService ? LslClock.LocalClock(_time) : 0.0;
            try
            {
                if (relay && buffer.AsSpan(0, n).StartsWith("LSL:shortinfo"u8))
                    _socket.SendTo(buffer, 0, n, SocketFlags.None, new IPEndPoint(LoopbackRelayGroup, _config.MulticastPort));
                HandleDatagram(buffer.AsSpan(0, n), (IPEndPoint)remote, t1);
            }
            catch (Exception)
            {
                // A malformed or unanswerable request is ignored, as liblsl does; this thread must not die
                // (an exception escaping a thread ends the process).
                if (_stopped) return;
            }
        }
    }

    private void HandleDatagram(ReadOnlySpan<byte> packet, IPEndPoint remote, double t1)
    {
        var text = Encoding.UTF8.GetString(packet);
        var lines = text.Split('\n');
        var method = lines[0].Trim();
        if (method == "LSL:shortinfo" && lines.Length >= 3)
        {
            var query = lines[1].Trim();
            var parts = lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length < 2 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var returnPort)) return;
            if (!_info.MatchesQuery(query)) return;
            var id = Encoding.UTF8.GetBytes(parts[1] + "\r\n");
            var reply = new byte[id.Length + _shortInfoUtf8.Length];
            id.CopyTo(reply, 0);
            _shortInfoUtf8.CopyTo(reply, id.Length);
            _socket.SendTo(reply, new IPEndPoint(remote.Address, returnPort));
        }
        else if (_timeService && method == "LSL:timedata" && lines.Length >= 2)
        {
            var parts = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length < 2 || !long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var waveId)
                || !LslNumberFormat.TryParseDouble(parts[1], out var t0)) return;
            var reply = " " + waveId.ToString(CultureInfo.InvariantCulture) + " " + LslNumberFormat.FormatG16(t0) + " "
                + LslNumberFormat.FormatG16(t1) + " " + LslNumberFormat.FormatG16(LslClock.LocalClock(_time));
            _socket.SendTo(Encoding.ASCII.GetBytes(reply), remote);
        }
    }
}
