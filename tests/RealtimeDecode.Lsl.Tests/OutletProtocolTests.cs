using RealtimeDecode.Tests.Support;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RealtimeDecode.Lsl.Internal;
using RealtimeDecode.Lsl.Tests.Support;

namespace RealtimeDecode.Lsl.Tests;

/// <summary>The outlet's wire behaviour, checked with raw sockets on loopback.</summary>
public class OutletProtocolTests
{
    private static StreamOutlet NewOutlet(ChannelFormat format = ChannelFormat.Float32, int channels = 8, LslConfig? cfg = null)
    {
        var info = StreamInfo.Create(LoopbackLsl.UniqueName("proto"), "EEG", channels, 100, format, "proto-src");
        info.SetChannelLabels(Enumerable.Range(0, channels).Select(i => "ch" + i).ToArray());
        return new StreamOutlet(info, cfg ?? LoopbackLsl.Config());
    }

    private static string FeedRequest(string uid, int maxBuffer = 360) =>
        $"LSL:streamfeed/110 {uid}\r\nNative-Byte-Order: 1234\r\nEndian-Performance: 0\r\nHas-IEEE754-Floats: 1\r\n" +
        $"Supports-Subnormals: 1\r\nValue-Size: 4\r\nData-Protocol-Version: 110\r\nMax-Buffer-Length: {maxBuffer}\r\nMax-Chunk-Length: 0\r\n\r\n";

    [Fact]
    public void Constructor_DefaultRange_TakesPortsInRangeAndWritesIntegerPorts()
    {
        using var outlet = NewOutlet();
        Assert.InRange(outlet.Info.V4DataPort, 16572, 16603);
        Assert.InRange(outlet.Info.V4ServicePort, 16572, 16603);
        var xml = outlet.Info.ToShortInfoXml();
        Assert.Contains($"<v4data_port>{outlet.Info.V4DataPort}</v4data_port>", xml);
        Assert.Contains("<v6data_port>0</v6data_port>", xml);
        Assert.Contains("<v6service_port>0</v6service_port>", xml);
        Assert.Contains("<version>1.100000000000000</version>", xml);
        Assert.Contains("<nominal_srate>100.0000000000000</nominal_srate>", xml);
        Assert.Equal(36, outlet.Info.Uid.Length);
    }

    [Fact]
    public async Task StreamFeed_RightUid_SendsHeaderThenBothTestPatterns()
    {
        using var outlet = NewOutlet();
        // Max-Buffer-Length 0: liblsl sends the header and the test patterns, then nothing.
        var reply = await LoopbackLsl.RawRequestAsync(outlet, FeedRequest(outlet.Info.Uid, maxBuffer: 0), ct: LoopbackLsl.Timeout());
        var header = $"LSL/110 200 OK\r\nUID: {outlet.Info.Uid}\r\nByte-Order: 1234\r\nSuppress-Subnormals: 0\r\nData-Protocol-Version: 110\r\n\r\n";
        var expected = Encoding.ASCII.GetBytes(header)
            .Concat(Convert.FromHexString(LoopbackLsl.Golden("patterns", "float32/8/4").GetString()!))
            .Concat(Convert.FromHexString(LoopbackLsl.Golden("patterns", "float32/8/2").GetString()!)).ToArray();
        Assert.Equal(expected, reply);
    }

    [Fact]
    public async Task StreamFeed_WrongUid_Replies404AndCloses()
    {
        using var outlet = NewOutlet();
        var reply = await LoopbackLsl.RawRequestAsync(outlet, FeedRequest("00000000-0000-0000-0000-000000000000"), ct: LoopbackLsl.Timeout());
        Assert.Equal("LSL/110 404 Not found\r\n", Encoding.ASCII.GetString(reply));
    }

    [Fact]
    public async Task StreamFeed_Protocol100_RefusedWith505AndClosed()
    {
        using var outlet = NewOutlet();
        var reply = await LoopbackLsl.RawRequestAsync(outlet, "LSL:streamfeed\r\n360 0\r\n", ct: LoopbackLsl.Timeout());
        Assert.Equal("LSL/110 505 Version not supported\r\n", Encoding.ASCII.GetString(reply));
    }

    [Fact]
    public async Task StreamFeed_Protocol200_RefusedWith505()
    {
        using var outlet = NewOutlet();
        var reply = await LoopbackLsl.RawRequestAsync(outlet, $"LSL:streamfeed/200 {outlet.Info.Uid}\r\n\r\n", ct: LoopbackLsl.Timeout());
        Assert.Equal("LSL/110 505 Version not supported\r\n", Encoding.ASCII.GetString(reply));
    }

    [Fact]
    public async Task FullInfo_Request_SendsFullXmlAndCloses()
    {
        using var outlet = NewOutlet();
        // RawRequestAsync returns only when the outlet closes the connection.
        var reply = await LoopbackLsl.RawRequestAsync(outlet, "LSL:fullinfo\r\n", ct: LoopbackLsl.Timeout());
        var text = Encoding.UTF8.GetString(reply);
        Assert.Equal(outlet.Info.ToFullInfoXml(), text);
        Assert.Contains("<label>ch7</label>", text);
    }

    [Fact]
    public async Task ShortInfo_TcpQuery_RepliesOnlyWhenMatching()
    {
        using var outlet = NewOutlet();
        var match = await LoopbackLsl.RawRequestAsync(outlet, "LSL:shortinfo\r\ntype='EEG'\r\n", ct: LoopbackLsl.Timeout());
        Assert.Equal(outlet.Info.ToShortInfoXml(), Encoding.UTF8.GetString(match));
        var miss = await LoopbackLsl.RawRequestAsync(outlet, "LSL:shortinfo\r\ntype='Markers'\r\n", ct: LoopbackLsl.Timeout());
        Assert.Empty(miss);
    }

    [Fact]
    public async Task ServicePort_UdpShortInfoQuery_RepliesIdThenShortInfo()
    {
        using var outlet = NewOutlet();
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
        var query = $"LSL:shortinfo\r\nname='{outlet.Info.Name}'\r\n{port} 4242\r\n";
        await udp.SendToAsync(Encoding.ASCII.GetBytes(query), new IPEndPoint(IPAddress.Loopback, outlet.Info.V4ServicePort));
        var reply = await ReceiveDatagramAsync(udp, "4242\r\n");
        Assert.Equal("4242\r\n" + outlet.Info.ToShortInfoXml(), reply);
    }

    [Fact]
    public async Task ServicePort_TimeData_EchoesWaveAndT0WithOutletTimes()
    {
        using var outlet = NewOutlet();
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var before = LslClock.LocalClock();
        await udp.SendToAsync(Encoding.ASCII.GetBytes("LSL:timedata\r\n77 12.5\r\n"), new IPEndPoint(IPAddress.Loopback, outlet.Info.V4ServicePort));
        var text = await ReceiveDatagramAsync(udp, " 77 ");
        var after = LslClock.LocalClock();
        Assert.StartsWith(" 77 12.5 ", text);
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var t1 = double.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
        var t2 = double.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(t1, before, after);
        Assert.InRange(t2, t1, after);
    }

    /// <summary>
    /// The first datagram on <paramref name="udp"/> that starts with <paramref name="prefix"/>. Other LSL
    /// traffic on this host may reach a test's socket too, and a UDP receive can report an earlier
    /// datagram's error: both are passed over, as the outlet's own receive loop does.
    /// </summary>
    private static async Task<string> ReceiveDatagramAsync(Socket udp, string prefix)
    {
        var buffer = new byte[65536];
        var ct = LoopbackLsl.Timeout();
        while (true)
        {
            int n;
            try
            {
                n = await udp.ReceiveAsync(buffer, SocketFlags.None, ct);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused or SocketError.MessageSize)
            {
                continue;
            }

            var text = Encoding.UTF8.GetString(buffer, 0, n);
            if (text.StartsWith(prefix, StringComparison.Ordinal)) return text;
        }
    }

    [Fact]
    public async Task Dispose_WithConsumer_ClosesListenerAndConsumerSockets()
    {
        var outlet = NewOutlet();
        var port = outlet.Info.V4DataPort;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        await socket.SendAsync(Encoding.ASCII.GetBytes(FeedRequest(outlet.Info.Uid)), SocketFlags.None);
        Assert.True(await outlet.WaitForConsumersAsync(LoopbackLsl.Bound));
        await outlet.DisposeAsync();

        // The consumer connection ends: reads drain the header and then see the close.
        var buffer = new byte[4096];
        var ct = LoopbackLsl.Timeout();
        int n;
        try
        {
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
            {
            }
        }
        catch (SocketException e)
        {
            Assert.Equal(SocketError.ConnectionReset, e.SocketErrorCode);
        }
        // The port is closed, or (another process's outlet took it since) serves a different stream.
        var uid = outlet.Info.Uid;
        using var again = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await again.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            await again.SendAsync(Encoding.ASCII.GetBytes("LSL:fullinfo\r\n"), SocketFlags.None);
            var reply = new MemoryStream();
            while ((n = await again.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0) reply.Write(buffer, 0, n);
            Assert.DoesNotContain(uid, Encoding.UTF8.GetString(reply.ToArray()));
        }
        catch (SocketException e)
        {
            Assert.Equal(SocketError.ConnectionRefused, e.SocketErrorCode);
        }
    }

    [Fact]
    public void PushSample_WrongTypeOrCount_Throws()
    {
        using var outlet = NewOutlet();
        Assert.Throws<ArgumentException>(() => outlet.PushSample<double>(new double[8]));
        Assert.Throws<ArgumentException>(() => outlet.PushSample<float>(new float[7]));
        Assert.Throws<ArgumentException>(() => outlet.PushSample(new[] { "a" }));
    }

    [Fact]
    public async Task PushSample_SteadyState_AllocatesNothing()
    {
        using var outlet = NewOutlet();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, outlet.Info.V4DataPort));
        await socket.SendAsync(Encoding.ASCII.GetBytes(FeedRequest(outlet.Info.Uid)), SocketFlags.None);
        Assert.True(await outlet.WaitForConsumersAsync(LoopbackLsl.Bound));
        using var drainCts = new CancellationTokenSource();
        var drain = Task.Run(async () =>
        {
            var buffer = new byte[65536];
            try
            {
                while (await socket.ReceiveAsync(buffer, SocketFlags.None, drainCts.Token) > 0)
                {
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        var values = new float[8];
        var t = 1.0;
        var allocated = Allocations.SteadyState(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                values[0] = i;
                outlet.PushSample<float>(values, t++);
            }
        });
        drainCts.Cancel();
        await drain;
        Assert.Equal(1, outlet.ConsumerCount);
        Assert.Equal(0, allocated);
    }
}
