namespace RealtimeDecode.Lsl;

/// <summary>Value type of every channel of a stream; the numbers are liblsl's <c>lsl_channel_format_t</c>.</summary>
public enum ChannelFormat
{
    /// <summary>Not a valid format for a stream.</summary>
    Undefined = 0,
    /// <summary>IEEE-754 single precision, 4 bytes.</summary>
    Float32 = 1,
    /// <summary>IEEE-754 double precision, 8 bytes.</summary>
    Double64 = 2,
    /// <summary>Variable-length byte strings (UTF-8 by convention).</summary>
    String = 3,
    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 4,
    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 5,
    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 6,
    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 7,
}

/// <summary>Names and sizes of <see cref="ChannelFormat"/> values as they appear on the wire.</summary>
public static class ChannelFormatExtensions
{
    /// <summary>Bytes per value on the wire (0 for strings and undefined).</summary>
    public static int ValueSize(this ChannelFormat format) => format switch
    {
        ChannelFormat.Float32 => 4,
        ChannelFormat.Double64 => 8,
        ChannelFormat.Int32 => 4,
        ChannelFormat.Int16 => 2,
        ChannelFormat.Int8 => 1,
        ChannelFormat.Int64 => 8,
        _ => 0,
    };

    /// <summary>The name used in the stream info XML (<c>float32</c>, <c>double64</c>, ...).</summary>
    public static string XmlName(this ChannelFormat format) => format switch
    {
        ChannelFormat.Float32 => "float32",
        ChannelFormat.Double64 => "double64",
        ChannelFormat.String => "string",
        ChannelFormat.Int32 => "int32",
        ChannelFormat.Int16 => "int16",
        ChannelFormat.Int8 => "int8",
        ChannelFormat.Int64 => "int64",
        _ => "undefined",
    };

    /// <summary>Parses an XML channel format name; returns false for an unknown name.</summary>
    public static bool TryParse(string? name, out ChannelFormat format)
    {
        format = name switch
        {
            "float32" => ChannelFormat.Float32,
            "double64" => ChannelFormat.Double64,
            "string" => ChannelFormat.String,
            "int32" => ChannelFormat.Int32,
            "int16" => ChannelFormat.Int16,
            "int8" => ChannelFormat.Int8,
            "int64" => ChannelFormat.Int64,
            _ => ChannelFormat.Undefined,
        };
        return format != ChannelFormat.Undefined;
    }

    /// <summary>
    /// The size liblsl announces in the <c>Value-Size</c> header: the C++ size of the value type,
    /// which for strings is <c>sizeof(std::string)</c> (32 on 64-bit libstdc++; servers ignore it for strings).
    /// </summary>
    internal static int HeaderValueSize(this ChannelFormat format) =>
        format == ChannelFormat.String ? 32 : format.ValueSize();

    internal static void CheckElementType<T>(this ChannelFormat format)
    {
        var ok = format switch
        {
            ChannelFormat.Float32 => typeof(T) == typeof(float),
            ChannelFormat.Double64 => typeof(T) == typeof(double),
            ChannelFormat.Int32 => typeof(T) == typeof(int),
            ChannelFormat.Int16 => typeof(T) == typeof(short),
            ChannelFormat.Int8 => typeof(T) == typeof(sbyte),
            ChannelFormat.Int64 => typeof(T) == typeof(long),
            _ => false,
        };
        if (!ok)
        {
            throw new ArgumentException(
                $"The stream's channel format is {format.XmlName()}, which does not hold {typeof(T).Name} values.");
        }
    }
}
