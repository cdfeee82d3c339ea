using System.Net;
using System.Net.Sockets;
using System.Text;
using RealtimeDecode.Fuzz.Targets;
using RealtimeDecode.Lsl;

namespace RealtimeDecode.Fuzz;

/// <summary>
/// Seeds for the LSL targets taken from the real protocol implementation: discovery replies and stream
/// feeds as a running <see cref="StreamOutlet"/> sends them, and the queries an inlet and common tools make.
/// </summary>
internal static class LslSeeds
{
    public static void Write(string corpus)
    {
        var config = new LslConfig { ListenAddress = IPAddress.Loopback, AddressesOverride = [IPAddress.Loopback] };
        var numeric = StreamInfo.Create("RealtimeDecode", "Emotion", 3, 0.5, ChannelFormat.Float32, "rtdecode-seed");
        numeric.SetChannelLabels(["joy", "fear", "anger"], channelType: "Emotion");
        var markers = StreamInfo.Create("RealtimeDecode-Markers", "Markers", 1, StreamInfo.IrregularRate, ChannelFormat.String, "rtdecode-seed-markers");
        using var floatOutlet = new StreamOutlet(numeric, config);
        using var stringOutlet = new StreamOutlet(markers, config);

        var discovery = Directory.CreateDirectory(Path.Combine(corpus, "lsl-discovery")).FullName;
        foreach (var (name, outlet) in new[] { ("emotion", floatOutlet), ("markers", stringOutlet) })
        {
            File.WriteAllText(Path.Combine(discovery, $"{name}-shortinfo.bin"), LslDiscoveryTarget.QueryId + "\r\n" + outlet.Info.ToShortInfoXml());
            File.WriteAllText(Path.Combine(discovery, $"{name}-fullinfo.bin"), LslDiscoveryTarget.QueryId + "\r\n" + outlet.Info.ToFullInfoXml());
        }

        var query = Directory.CreateDirectory(Path.Combine(corpus, "lsl-query")).FullName;
        using var inlet = new StreamInlet(floatOutlet.Info, config, recover: false);
        string[] queries =
        [
            "", "session_id='default'", "name='RealtimeDecode' and type='Emotion'",
            "channel_count>=2 and starts-with(name,'Real') and nominal_srate<1",
            "desc/channels/channel[label='joy']/type='Emotion'", inlet.RecoveryQuery(),
        ];
        for (var i = 0; i < queries.Length; i++)
            File.WriteAllText(Path.Combine(query, $"query-{i}.bin"), $"LSL:shortinfo\r\n{queries[i]}\r\n16573 {LslDiscoveryTarget.QueryId}\r\n");

        var feed = Directory.CreateDirectory(Path.Combine(corpus, "lsl-feed")).FullName;
        File.WriteAllBytes(Path.Combine(feed, "float32x3.bin"), [0, 2, .. Capture(floatOutlet, o => o.PushSample<float>([0.25f, -1f, 3.5f], 10.0), o => o.PushSample<float>([1f, 2f, 3f]))]);
        File.WriteAllBytes(Path.Combine(feed, "strings.bin"), [2, 0, .. Capture(stringOutlet, o => o.PushSample(["start"], 11.0), o => o.PushSample([new string('x', 300)]))]);
        Console.WriteLine($"LSL seeds written under {corpus}");
    }

    // Connects as an inlet does, pushes the samples once the outlet counts the consumer, and returns
    // every byte the outlet sent: status line, headers, test patterns and the samples.
    private static byte[] Capture(StreamOutlet outlet, params Action<StreamOutlet>[] pushes)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect(new IPEndPoint(IPAddress.Loopback, outlet.Info.V4DataPort));
        var info = outlet.Info;
        var request = $"LSL:streamfeed/110 {info.Uid}\r\nNative-Byte-Order: 1234\r\nEndian-Performance: 0\r\nHas-IEEE754-Floats: 1\r\n"
            + $"Supports-Subnormals: 1\r\nValue-Size: {info.ChannelFormat.HeaderValueSize()}\r\nData-Protocol-Version: 110\r\n"
            + $"Max-Buffer-Length: 360000\r\nMax-Chunk-Length: 0\r\nHostname: {info.Hostname}\r\nSource-Id: {info.SourceId}\r\nSession-Id: {info.SessionId}\r\n\r\n";
        socket.Send(Encoding.UTF8.GetBytes(request));
        if (!outlet.WaitForConsumersAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult())
            throw new InvalidOperationException("the outlet did not count the consumer");
        foreach (var push in pushes) push(outlet);
        var received = new List<byte>();
        var buffer = new byte[4096];
        socket.ReceiveTimeout = 1000;
        try
        {
            while (true)
            {
                var n = socket.Receive(buffer);
                if (n == 0) break;
                received.AddRange(buffer.AsSpan(0, n));
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            // everything pushed has arrived
        }
        // The target's inlet resolved a stream of uid LslFeedTarget.Uid: the outlet's UID header must say so.
        var bytes = received.ToArray();
        var uid = Encoding.ASCII.GetBytes(info.Uid);
        var at = bytes.AsSpan().IndexOf(uid);
        if (at < 0 || uid.Length != LslFeedTarget.Uid.Length) throw new InvalidOperationException("the feed does not repeat the uid");
        Encoding.ASCII.GetBytes(LslFeedTarget.Uid).CopyTo(bytes, at);
        return bytes;
    }
}
