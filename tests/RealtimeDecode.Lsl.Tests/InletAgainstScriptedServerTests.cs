using System.Net;
using System.Net.Sockets;
using System.Text;
using RealtimeDecode.Lsl.Internal;
using RealtimeDecode.Lsl.Tests.Support;

namespace RealtimeDecode.Lsl.Tests;

/// <summary>Our inlet against a scripted server that sends the python golden bytes (not our outlet's encoder).</summary>
public class InletAgainstScriptedServerTests
{
    private static async Task<(StreamInfo Info, Task<string> Request)> ServeOnceAsync(TcpListener listener, byte[] reply, string uid,
        ChannelFormat format = ChannelFormat.Float32, int channels = 3)
    {
        var info = StreamInfo.FromXml(LoopbackLsl.GoldenText("shortinfo.xml").Replace("0a1b2c3d-0000-4000-8000-123456789abc", uid)
            .Replace("<channel_format>float32</channel_format>", $"<channel_format>{format.XmlName()}</channel_format>")
            .Replace("<channel_count>3</channel_count>", $"<channel_count>{channels}</channel_count>"));
        info.V4Address = "127.0.0.1";
        info.V4DataPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        var requestText = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(async () =>
        {
            using var client = await listener.AcceptSocketAsync(LoopbackLsl.Timeout());
            var text = new StringBuilder();
            var buffer = new byte[4096];
            while (!text.ToString().Contains("\r\n\r\n"))
            {
                var n = await client.ReceiveAsync(buffer, SocketFlags.None, LoopbackLsl.Timeout());
                if (n == 0) break;
                text.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
            requestText.TrySetResult(text.ToString());
            await client.SendAsync(reply, SocketFlags.None);
            // Keep the connection open until the inlet has read everything.
            try
            {
                while (await client.ReceiveAsync(buffer, SocketFlags.None, LoopbackLsl.Timeout()) > 0)
                {
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
            }
        });
        await Task.Yield();
        return (info, requestText.Task);
    }

    private static byte[] Reply(string uid, params byte[][] samples)
    {
        var header = Encoding.ASCII.GetBytes($"LSL/110 200 OK\r\nUID: {uid}\r\nByte-Order: 1234\r\nSuppress-Subnormals: 0\r\nData-Protocol-Version: 110\r\n\r\n");
        return header.Concat(samples.SelectMany(s => s)).ToArray();
    }

    private static byte[] Hex(string section, string key) => Convert.FromHexString(LoopbackLsl.Golden(section, key).GetString()!);

    [Fact]
    public async Task OpenAsync_GoldenPatternsThenSamples_DeliversValuesAndDeducedTimestamp()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var uid = Guid.NewGuid().ToString();
            var reply = Reply(uid, Hex("patterns", "float32/3/4"), Hex("patterns", "float32/3/2"),
                Hex("samples", "float32_ts"), Hex("samples", "float32_deduced"));
            var (info, request) = await ServeOnceAsync(listener, reply, uid);
            await using var inlet = new StreamInlet(info, LoopbackLsl.Config(), recover: false);
            await inlet.OpenAsync(LoopbackLsl.Timeout());

            var values = new float[3];
            Assert.Equal(1000.125, await inlet.PullSampleAsync(values, LoopbackLsl.Timeout()));
            Assert.Equal([1.5f, -2.25f, 3e-3f], values);
            // Deduced: previous timestamp + 1 / nominal rate (0.5 Hz in the golden info).
            Assert.Equal(1002.125, await inlet.PullSampleAsync(values, LoopbackLsl.Timeout()));

            var sent = await request.WaitAsync(LoopbackLsl.Bound);
            Assert.StartsWith($"LSL:streamfeed/110 {uid}\r\n", sent);
            Assert.Contains("Value-Size: 4\r\n", sent);
            Assert.Contains("Max-Buffer-Length: ", sent);
            Assert.EndsWith("\r\n\r\n", sent);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task PullSampleAsync_StringLengthOverTheLimit_FailsTheStreamWithoutAllocatingIt()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var uid = Guid.NewGuid().ToString();
            // A string sample claiming 2^30 bytes (4-byte length prefix), followed by nothing.
            byte[] huge = [SampleCodec.TagTimestamp, .. BitConverter.GetBytes(1.0), 4, .. BitConverter.GetBytes(1u << 30)];
            var reply = Reply(uid, SampleCodec.EncodeTestPattern(ChannelFormat.String, 1, 4), SampleCodec.EncodeTestPattern(ChannelFormat.String, 1, 2), huge);
            var (info, _) = await ServeOnceAsync(listener, reply, uid, ChannelFormat.String, 1);
            await using var inlet = new StreamInlet(info, LoopbackLsl.Config(), recover: false);
            await inlet.OpenAsync(LoopbackLsl.Timeout());
            var e = await Assert.ThrowsAsync<IOException>(async () => await inlet.PullSampleAsync(new string[1], LoopbackLsl.Timeout()));
            var protocol = Assert.IsType<LslProtocolException>(e.InnerException);
            Assert.Contains($"a string value of {1 << 30} bytes, more than the {StreamInlet.MaxStringBytes}-byte limit", protocol.Message);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task OpenAsync_WrongTestPattern_ThrowsProtocolException()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var uid = Guid.NewGuid().ToString();
            // The offset-2 pattern where offset 4 is due.
            var reply = Reply(uid, Hex("patterns", "float32/3/2"), Hex("patterns", "float32/3/2"));
            var (info, _) = await ServeOnceAsync(listener, reply, uid);
            await using var inlet = new StreamInlet(info, LoopbackLsl.Config(), recover: false);
            var e = await Assert.ThrowsAsync<LslProtocolException>(() => inlet.OpenAsync(LoopbackLsl.Timeout()));
            Assert.Contains("test-pattern", e.Message);
        }
        finally
        {
            listener.Stop();
        }
    }
}
