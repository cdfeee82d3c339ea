using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace RealtimeDecode.Lsl.Internal;

/// <summary>
/// Sample encoding of LSL data protocol 1.10 (little endian): a tag byte, 1 = timestamp deduced from
/// the previous one, 2 = an 8-byte double timestamp follows; then the channel values. A string value is
/// a width byte (1, 2, 4 or 8), its length in that many bytes, then its bytes. liblsl writes widths 1, 4, 8.
/// </summary>
internal static class SampleCodec
{
    public const byte TagDeduced = 1;
    public const byte TagTimestamp = 2;

    /// <summary>Timestamp liblsl uses for the two test-pattern samples.</summary>
    public const double TestPatternTimestamp = 123456.789;

    /// <summary>Marker for a sample whose timestamp is deduced (liblsl's <c>DEDUCED_TIMESTAMP</c>).</summary>
    public const double DeducedTimestamp = -1.0;

    public static int NumericSampleSize(ChannelFormat format, int channels) => 9 + format.ValueSize() * channels;

    /// <summary>Writes the header of a sample and returns the bytes written (1 or 9).</summary>
    public static int WriteHeader(Span<byte> destination, double timestamp)
    {
        if (timestamp == DeducedTimestamp)
        {
            destination[0] = TagDeduced;
            return 1;
        }
        destination[0] = TagTimestamp;
        BinaryPrimitives.WriteDoubleLittleEndian(destination[1..], timestamp);
        return 9;
    }

    /// <summary>Encodes a numeric sample; <paramref name="values"/> are in the channel format's type.</summary>
    public static int WriteNumeric<T>(Span<byte> destination, double timestamp, ReadOnlySpan<T> values) where T : unmanaged
    {
        var n = WriteHeader(destination, timestamp);
        var bytes = MemoryMarshal.AsBytes(values);
        if (BitConverter.IsLittleEndian)
        {
            bytes.CopyTo(destination[n..]);
        }
        else
        {
            throw new PlatformNotSupportedException("LSL data protocol 1.10 is implemented for little-endian machines only.");
        }
        return n + bytes.Length;
    }

    /// <summary>Upper bound of the encoded size of a string sample.</summary>
    public static int MaxStringSampleSize(ReadOnlySpan<string> values)
    {
        var size = 9;
        foreach (var v in values) size += 9 + Encoding.UTF8.GetMaxByteCount(v.Length);
        return size;
    }

    public static int WriteStrings(Span<byte> destination, double timestamp, ReadOnlySpan<string> values)
    {
        var n = WriteHeader(destination, timestamp);
        foreach (var value in values)
        {
            var length = Encoding.UTF8.GetByteCount(value);
            if (length <= 0xFF)
            {
                destination[n++] = 1;
                destination[n++] = (byte)length;
            }
            else
            {
                destination[n++] = 4;
                BinaryPrimitives.WriteUInt32LittleEndian(destination[n..], (uint)length);
                n += 4;
            }
            n += Encoding.UTF8.GetBytes(value, destination[n..]);
        }
        return n;
    }

    /// <summary>The values of liblsl's <c>assign_test_pattern(offset)</c> for a numeric format, as little-endian bytes.</summary>
    public static byte[] TestPatternValues(ChannelFormat format, int channels, int offset)
    {
        var size = format.ValueSize();
        var bytes = new byte[size * channels];
        for (var k = 0; k < channels; k++)
        {
            var span = bytes.AsSpan(k * size, size);
            var odd = k % 2 == 1;
            switch (format)
            {
                case ChannelFormat.Float32:
                    BinaryPrimitives.WriteSingleLittleEndian(span, odd ? -(float)(k + offset) : k + offset);
                    break;
                case ChannelFormat.Double64:
                    {
                        double v = k + offset + 16777217L;
                        BinaryPrimitives.WriteDoubleLittleEndian(span, odd ? -v : v);
                        break;
                    }
                case ChannelFormat.Int32:
                    {
                        var v = (int)((k + offset + 65537L) % int.MaxValue);
                        BinaryPrimitives.WriteInt32LittleEndian(span, odd ? -v : v);
                        break;
                    }
                case ChannelFormat.Int16:
                    {
                        var v = (short)((k + offset + 257L) % short.MaxValue);
                        BinaryPrimitives.WriteInt16LittleEndian(span, (short)(odd ? -v : v));
                        break;
                    }
                case ChannelFormat.Int8:
                    {
                        var v = (sbyte)((k + offset + 1L) % sbyte.MaxValue);
                        span[0] = (byte)(sbyte)(odd ? -v : v);
                        break;
                    }
                case ChannelFormat.Int64:
                    {
                        var v = k + 2147483649L + offset;
                        BinaryPrimitives.WriteInt64LittleEndian(span, odd ? -v : v);
                        break;
                    }
                default:
                    throw new ArgumentOutOfRangeException(nameof(format), format, "Not a numeric channel format.");
            }
        }
        return bytes;
    }

    /// <summary>liblsl's string test pattern: channel k holds the decimal text of (k + 10), negated for odd k (independent of the offset).</summary>
    public static string[] TestPatternStrings(int channels)
    {
        var values = new string[channels];
        for (var k = 0; k < channels; k++) values[k] = ((k + 10) * (k % 2 == 0 ? 1 : -1)).ToString(CultureInfo.InvariantCulture);
        return values;
    }

    /// <summary>The complete encoded test-pattern sample liblsl sends after the feed header.</summary>
    public static byte[] EncodeTestPattern(ChannelFormat format, int channels, int offset)
    {
        if (format == ChannelFormat.String)
        {
            var strings = TestPatternStrings(channels);
            var buffer = new byte[MaxStringSampleSize(strings)];
            return buffer.AsSpan(0, WriteStrings(buffer, TestPatternTimestamp, strings)).ToArray();
        }
        var values = TestPatternValues(format, channels, offset);
        var result = new byte[9 + values.Length];
        var n = WriteHeader(result, TestPatternTimestamp);
        values.CopyTo(result, n);
        return result;
    }
}
