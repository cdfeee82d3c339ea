using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace RealtimeDecode.Lsl.Tests.Support;

/// <summary>Settings and helpers that keep every test's traffic on loopback and in its own session.</summary>
internal static class LoopbackLsl
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Loopback only: sockets bind 127.0.0.1, queries go to 127.0.0.1 and the two LSL multicast groups
    /// joined on the loopback interface with TTL 0, never to broadcast; a fresh session per test.
    /// </summary>
    public static LslConfig Config() => new()
    {
        SessionId = "rtd-test-" + Guid.NewGuid().ToString("N"),
        ListenAddress = IPAddress.Loopback,
        AddressesOverride = [IPAddress.Loopback, IPAddress.Parse("224.0.0.183"), IPAddress.Parse("239.255.172.215")],
        TtlOverride = 0,
        ResolveWaveInterval = TimeSpan.FromMilliseconds(200),
        TimeProbeCount = 20,
        TimeProbeInterval = TimeSpan.FromMilliseconds(10),
        TimeProbeMaxRtt = TimeSpan.FromMilliseconds(100),
    };

    public static string UniqueName(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The outlet's info as a resolver would return it (address filled in).</summary>
    public static StreamInfo Resolved(StreamOutlet outlet)
    {
        var info = StreamInfo.FromXml(outlet.Info.ToShortInfoXml());
        info.V4Address = "127.0.0.1";
        return info;
    }

    public static CancellationToken Timeout(TimeSpan? t = null) => new CancellationTokenSource(t ?? Bound).Token;

    /// <summary>Sends a raw request to the outlet's data port and reads until the outlet closes or <paramref name="max"/> bytes arrived.</summary>
    public static async Task<byte[]> RawRequestAsync(StreamOutlet outlet, string request, int max = int.MaxValue, CancellationToken ct = default)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, outlet.Info.V4DataPort), ct);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, ct);
        var ms = new MemoryStream();
        var buffer = new byte[8192];
        while (ms.Length < max)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
            if (n == 0) break;
            ms.Write(buffer, 0, n);
        }
        return ms.ToArray();
    }

    private static JsonDocument? _golden;

    public static JsonElement Golden(string section, string key)
    {
        _golden ??= JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "lsl_golden.json")));
        return _golden.RootElement.GetProperty(section).GetProperty(key);
    }

    public static string GoldenText(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", file));
}

/// <summary>A clock running a fixed offset ahead of the system's monotonic clock.</summary>
internal sealed class ShiftedTimeProvider(double offsetSeconds) : TimeProvider
{
    private readonly long _shift = (long)(offsetSeconds * global::System.Diagnostics.Stopwatch.Frequency);

    public override long GetTimestamp() => global::System.Diagnostics.Stopwatch.GetTimestamp() + _shift;

    public override long TimestampFrequency => global::System.Diagnostics.Stopwatch.Frequency;
}
