using System.Net;
using System.Net.Sockets;
using System.Text;
using RealtimeDecode.Lsl.Internal;
using RealtimeDecode.Lsl.Tests.Support;

namespace RealtimeDecode.Lsl.Tests;

/// <summary>
/// Sizes that come from the network are bounded before anything is allocated from them: a stream info
/// claiming 2³¹ channels (discovery reply or full info), a string sample claiming 2 GB, a full info
/// document that never ends. Each is refused with its limit.
/// </summary>
public class UntrustedSizeTests
{
    private static string Info(int channels, string format = "float32", string uid = "0a1b2c3d-0000-4000-8000-123456789abc") =>
        LoopbackLsl.GoldenText("shortinfo.xml")
            .Replace("<channel_count>3</channel_count>", $"<channel_count>{channels}</channel_count>", StringComparison.Ordinal)
            .Replace("<channel_format>float32</channel_format>", $"<channel_format>{format}</channel_format>", StringComparison.Ordinal)
            .Replace("0a1b2c3d-0000-4000-8000-123456789abc", uid, StringComparison.Ordinal);

    [Theory]
    [InlineData("2147483648")]
    [InlineData("2147483647")]
    [InlineData("1048577")]
    public void FromXml_AbsurdChannelCount_RefusedWithTheLimit(string channels)
    {
        var xml = LoopbackLsl.GoldenText("shortinfo.xml").Replace("<channel_count>3</channel_count>", $"<channel_count>{channels}</channel_count>", StringComparison.Ordinal);
        var e = Assert.Throws<FormatException>(() => StreamInfo.FromXml(xml));
        Assert.Equal($"The stream info field <channel_count> is '{channels}', not an integer in [0, 1048576].", e.Message);
    }

    [Fact]
    public void FromXml_ChannelCountAtTheLimit_Accepted()
    {
        Assert.Equal(StreamInfo.MaxChannelCount, StreamInfo.FromXml(Info(StreamInfo.MaxChannelCount)).ChannelCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => StreamInfo.Create("x", "y", StreamInfo.MaxChannelCount + 1, 1));
    }

    /// <summary>Accepts one connection, reads its request (up to a blank line or one line for <c>LSL:fullinfo</c>), sends <paramref name="reply"/>, and keeps the connection open.</summary>
    private static async Task<StreamInfo> ServeOnceAsync(TcpListener listener, string infoXml, Func<Socket, Task> reply)
    {
        var info = StreamInfo.FromXml(infoXml);
        info.V4Address = "127.0.0.1";
        info.V4DataPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        _ = Task.Run(async () =>
        {
            using var client = await listener.AcceptSocketAsync(LoopbackLsl.Timeout());
            var text = new StringBuilder();
            var buffer = new byte[4096];
            while (!text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && !text.ToString().StartsWith("LSL:fullinfo\r\n", StringComparison.Ordinal))
            {
                var n = await client.ReceiveAsync(buffer, SocketFlags.None, LoopbackLsl.Timeout());
                if (n == 0) break;
                text.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
            try
            {
                await reply(client);
                while (await client.ReceiveAsync(buffer, SocketFlags.None, LoopbackLsl.Timeout()) > 0)
                {
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        });
        await Task.Yield();
        return info;
    }

    [Fact]
    public async Task OpenAsync_StringSampleClaiming2GB_RefusedBeforeReadingIt()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var uid = Guid.NewGuid().ToString();
            var header = Encoding.ASCII.GetBytes($"LSL/110 200 OK\r\nUID: {uid}\r\nByte-Order: 1234\r\nData-Protocol-Version: 110\r\n\r\n");
            // The first test-pattern sample: timestamp tag, 8-byte timestamp, then a string value whose 4-byte length is 2^31 − 1.
            byte[] sample = [SampleCodec.TagTimestamp, .. BitConverter.GetBytes(SampleCodec.TestPatternTimestamp), 4, .. BitConverter.GetBytes(int.MaxValue)];
            var info = await ServeOnceAsync(listener, Info(1, "string", uid), c => c.SendAsync(header.Concat(sample).ToArray(), SocketFlags.None));
            await using var inlet = new StreamInlet(info, LoopbackLsl.Config(), recover: false);
            var e = await Assert.ThrowsAsync<LslProtocolException>(() => inlet.OpenAsync(LoopbackLsl.Timeout()));
            Assert.Contains($"a string value of {int.MaxValue} bytes, more than the {StreamInlet.MaxStringBytes}-byte limit", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task GetFullInfoAsync_EndlessDocument_RefusedAtTheLimit()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            // More than the limit, then the connection stays open: only the limit ends the read.
            var info = await ServeOnceAsync(listener, Info(3), async c =>
            {
                var chunk = Encoding.ASCII.GetBytes(new string(' ', 1 << 16));
                for (long sent = 0; sent <= StreamInlet.MaxFullInfoBytes + (1 << 16); sent += chunk.Length)
                    await c.SendAsync(chunk, SocketFlags.None);
            });
            await using var inlet = new StreamInlet(info, LoopbackLsl.Config(), recover: false);
            var e = await Assert.ThrowsAsync<LslProtocolException>(() => inlet.GetFullInfoAsync(LoopbackLsl.Timeout()));
            Assert.Contains($"the full info is more than {StreamInlet.MaxFullInfoBytes} bytes", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            listener.Stop();
        }
    }
}
