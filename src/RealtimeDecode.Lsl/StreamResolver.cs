using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RealtimeDecode.Lsl.Internal;

namespace RealtimeDecode.Lsl;

/// <summary>
/// Finds streams as liblsl's resolver does: waves of <c>LSL:shortinfo</c> queries every
/// <see cref="LslConfig.ResolveWaveInterval"/> to the configured addresses on the discovery port
/// (127.0.0.1 and the multicast groups of the scope) and to every port of the range on each known peer;
/// replies are collected by uid. Every query is restricted to the configured session.
/// </summary>
public static class StreamResolver
{
    /// <summary>
    /// Resolves streams matching an XPath 1.0 predicate over the info document
    /// (e.g. <c>type='EEG' and channel_count&gt;=8</c>; empty for all streams).
    /// Returns as soon as <paramref name="minimum"/> streams were found (when &gt; 0), else after <paramref name="timeout"/>.
    /// </summary>
    /// <returns>The streams found, each with <see cref="StreamInfo.V4Address"/> set to the address that answered.</returns>
    public static async Task<IReadOnlyList<StreamInfo>> ResolveAsync(string query, int minimum, TimeSpan timeout,
        LslConfig? config = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(minimum);
        config ??= LslConfig.Default;
        time ??= TimeProvider.System;
        var fullQuery = "session_id=" + NetUtil.XPathLiteral(config.SessionId) + (string.IsNullOrWhiteSpace(query) ? "" : " and (" + query.Trim() + ")");
        var queryId = StableHash(fullQuery).ToString(CultureInfo.InvariantCulture);

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(config.ListenAddress ?? IPAddress.Any, 0));
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, config.MulticastTtl);
        if (config.ListenAddress is { } local)
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, local.GetAddressBytes());
        var targets = await TargetsAsync(config, cancellationToken).ConfigureAwait(false);
        if (targets.Any(t => t.Address.Equals(IPAddress.Broadcast))) socket.EnableBroadcast = true;
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        var message = Encoding.UTF8.GetBytes("LSL:shortinfo\r\n" + fullQuery + "\r\n" + port.ToString(CultureInfo.InvariantCulture) + " " + queryId + "\r\n");

        var results = new Dictionary<string, StreamInfo>(StringComparer.Ordinal);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var deadline = new CancellationTokenSource(timeout, time);
        using var _ = deadline.Token.Register(() => cts.Cancel());
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var receive = Task.Run(async () =>
        {
            var buffer = new byte[65536];
            while (!cts.IsCancellationRequested)
            {
                SocketReceiveFromResult r;
                try
                {
                    r = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cts.Token).ConfigureAwait(false);
                }
                catch (SocketException)
                {
                    continue;
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                var info = ParseReply(buffer.AsSpan(0, r.ReceivedBytes), queryId, (IPEndPoint)r.RemoteEndPoint);
                if (info is null) continue;
                lock (results)
                {
                    results.TryAdd(info.Uid, info);
                    if (minimum > 0 && results.Count >= minimum) enough.TrySetResult();
                }
            }
        });

        try
        {
            while (!cts.IsCancellationRequested && !enough.Task.IsCompleted)
            {
                foreach (var target in targets)
                {
                    try
                    {
                        await socket.SendToAsync(message, SocketFlags.None, target, cts.Token).ConfigureAwait(false);
                    }
                    catch (SocketException)
                    {
                        // An unreachable target (no route for a group, broadcast not permitted) is skipped.
                    }
                }
                await Task.WhenAny(enough.Task, Task.Delay(config.ResolveWaveInterval, time, cts.Token)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
        cts.Cancel();
        await receive.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        lock (results) return [.. results.Values];
    }

    /// <summary>Resolves streams whose property has the given value, e.g. <c>("type", "EEG")</c> (liblsl's resolve_stream(prop, value)).</summary>
    public static Task<IReadOnlyList<StreamInfo>> ResolveByPropertyAsync(string property, string value, int minimum, TimeSpan timeout,
        LslConfig? config = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(property);
        ArgumentNullException.ThrowIfNull(value);
        return ResolveAsync(property + "=" + NetUtil.XPathLiteral(value), minimum, timeout, config, time, cancellationToken);
    }

    /// <summary>All streams of the session visible within <paramref name="wait"/>.</summary>
    public static Task<IReadOnlyList<StreamInfo>> ResolveAllAsync(TimeSpan wait, LslConfig? config = null, TimeProvider? time = null,
        CancellationToken cancellationToken = default) =>
        ResolveAsync("", 0, wait, config, time, cancellationToken);

    internal static StreamInfo? ParseReply(ReadOnlySpan<byte> packet, string queryId, IPEndPoint remote)
    {
        var newline = packet.IndexOf((byte)'\n');
        if (newline < 0) return null;
        var id = Encoding.UTF8.GetString(packet[..newline]).Trim();
        if (id != queryId) return null;
        try
        {
            var info = StreamInfo.FromXml(Encoding.UTF8.GetString(packet[(newline + 1)..]));
            if (info.V4Address.Length == 0) info.V4Address = remote.Address.ToString();
            return info;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return null; // an invalid info is ignored, as liblsl discards it
        }
    }

    private static async Task<List<IPEndPoint>> TargetsAsync(LslConfig config, CancellationToken ct)
    {
        var targets = config.QueryAddresses.Where(a => a.AddressFamily == AddressFamily.InterNetwork)
            .Select(a => new IPEndPoint(a, config.MulticastPort)).ToList();
        foreach (var peer in config.KnownPeers)
        {
            IPAddress[] addresses;
            try
            {
                addresses = IPAddress.TryParse(peer, out var ip) ? [ip] : await Dns.GetHostAddressesAsync(peer, AddressFamily.InterNetwork, ct).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                continue; // an unknown peer name is skipped, as in liblsl
            }
            foreach (var address in addresses)
                for (var p = config.BasePort; p < config.BasePort + config.PortRange; p++)
                    targets.Add(new IPEndPoint(address, p));
        }
        return targets;
    }

    // Any id works (liblsl uses std::hash); a stable one keeps replies to an identical earlier query usable.
    private static ulong StableHash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
