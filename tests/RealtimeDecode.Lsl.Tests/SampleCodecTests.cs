using RealtimeDecode.Lsl.Internal;
using RealtimeDecode.Lsl.Tests.Support;

namespace RealtimeDecode.Lsl.Tests;

public class SampleCodecTests
{
    [Fact]
    public void EncodeTestPattern_Float32EightChannels_MatchesIssueBytes()
    {
        // From the protocol description: tag 2, 123456.789 as LE double, then 4, -5, 6, -7, 8, -9, 10, -11.
        var expected = new List<byte> { 0x02, 0xc9, 0x76, 0xbe, 0x9f, 0x0c, 0x24, 0xfe, 0x40 };
        foreach (var v in new float[] { 4, -5, 6, -7, 8, -9, 10, -11 }) expected.AddRange(BitConverter.GetBytes(v));

        Assert.Equal(expected.ToArray(), SampleCodec.EncodeTestPattern(ChannelFormat.Float32, 8, 4));
    }

    [Fact]
    public void EncodeTestPattern_OneStringChannel_MatchesIssueBytes()
    {
        byte[] expected = [0x02, 0xc9, 0x76, 0xbe, 0x9f, 0x0c, 0x24, 0xfe, 0x40, 0x01, 0x02, 0x31, 0x30];
        Assert.Equal(expected, SampleCodec.EncodeTestPattern(ChannelFormat.String, 1, 4));
    }

    [Theory]
    [InlineData(ChannelFormat.Float32)]
    [InlineData(ChannelFormat.Double64)]
    [InlineData(ChannelFormat.Int32)]
    [InlineData(ChannelFormat.Int16)]
    [InlineData(ChannelFormat.Int8)]
    [InlineData(ChannelFormat.Int64)]
    [InlineData(ChannelFormat.String)]
    public void EncodeTestPattern_EveryFormat_MatchesPythonGolden(ChannelFormat format)
    {
        foreach (var channels in new[] { 1, 3, 8 })
        {
            foreach (var offset in new[] { 4, 2 })
            {
                var expected = LoopbackLsl.Golden("patterns", $"{format.XmlName()}/{channels}/{offset}").GetString();
                Assert.Equal(expected, Convert.ToHexStringLower(SampleCodec.EncodeTestPattern(format, channels, offset)));
            }
        }
    }

    [Fact]
    public void WriteNumeric_TimestampAndDeduced_MatchPythonGolden()
    {
        var buffer = new byte[64];
        float[] values = [1.5f, -2.25f, 3e-3f];
        var n = SampleCodec.WriteNumeric<float>(buffer, 1000.125, values);
        Assert.Equal(LoopbackLsl.Golden("samples", "float32_ts").GetString(), Convert.ToHexStringLower(buffer.AsSpan(0, n)));
        n = SampleCodec.WriteNumeric<float>(buffer, SampleCodec.DeducedTimestamp, values);
        Assert.Equal(LoopbackLsl.Golden("samples", "float32_deduced").GetString(), Convert.ToHexStringLower(buffer.AsSpan(0, n)));
    }

    [Fact]
    public void WriteStrings_EmptyUnicodeAndLong_MatchPythonGolden()
    {
        string[] values = ["", "héllo", new string('a', 300)];
        var buffer = new byte[SampleCodec.MaxStringSampleSize(values)];
        var n = SampleCodec.WriteStrings(buffer, 7.5, values);
        Assert.Equal(LoopbackLsl.Golden("samples", "strings_ts").GetString(), Convert.ToHexStringLower(buffer.AsSpan(0, n)));
    }
}
