using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Decoding;

/// <summary>Element type of an <see cref="NpyArray"/>: the two NumPy float types a model package may hold.</summary>
public enum NpyElementType
{
    /// <summary>Little-endian IEEE 754 single precision (<c>&lt;f4</c>).</summary>
    Float32,

    /// <summary>Little-endian IEEE 754 double precision (<c>&lt;f8</c>).</summary>
    Float64,
}

/// <summary>
/// A dense floating-point array in NumPy's .npy format (versions 1.0, 2.0 and 3.0 headers).
/// Data is held in C (row-major) order; a Fortran-ordered file is transposed on reading.
/// Exactly one of <see cref="Float64"/> and <see cref="Float32"/> is non-null, according to
/// <see cref="ElementType"/>.
/// </summary>
public sealed partial class NpyArray
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private NpyArray(int[] shape, double[]? f64, float[]? f32)
    {
        Shape = shape;
        Float64 = f64;
        Float32 = f32;
    }

    /// <summary>Dimensions, outermost first (C order). An empty shape is a scalar.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>Element type.</summary>
    public NpyElementType ElementType => Float64 is not null ? NpyElementType.Float64 : NpyElementType.Float32;

    /// <summary>The elements when <see cref="ElementType"/> is Float64, else null.</summary>
    public double[]? Float64 { get; }

    /// <summary>The elements when <see cref="ElementType"/> is Float32, else null.</summary>
    public float[]? Float32 { get; }

    /// <summary>Number of elements (product of the shape).</summary>
    public long Length => Float64?.LongLength ?? Float32!.LongLength;

    /// <summary>Wraps float64 data (not copied) with the given shape.</summary>
    public static NpyArray FromFloat64(double[] data, params int[] shape)
    {
        CheckLength(data.LongLength, shape);
        return new NpyArray(shape, data, null);
    }

    /// <summary>Wraps float32 data (not copied) with the given shape.</summary>
    public static NpyArray FromFloat32(float[] data, params int[] shape)
    {
        CheckLength(data.LongLength, shape);
        return new NpyArray(shape, null, data);
    }

    /// <summary>The elements as float64 (a copy when stored as float32, the array itself otherwise).</summary>
    public double[] ToFloat64()
    {
        if (Float64 is not null)
        {
            return Float64;
        }

        var d = new double[Float32!.Length];
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = Float32[i];
        }

        return d;
    }

    /// <summary>True when any element is NaN.</summary>
    public bool ContainsNaN()
    {
        if (Float64 is not null)
        {
            foreach (var v in Float64)
            {
                if (double.IsNaN(v))
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var v in Float32!)
        {
            if (float.IsNaN(v))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads a .npy file. Refuses (InputDataException naming the file) anything but little-endian f4/f8.</summary>
    public static NpyArray Read(string path)
    {
        try
        {
            using var s = File.OpenRead(path);
            return Read(s, path);
        }
        catch (IOException e)
        {
            throw new InputDataException(path, $"cannot read the array: {e.Message}", e);
        }
    }

    /// <summary>Reads a .npy stream; <paramref name="name"/> names it in error messages.</summary>
    public static NpyArray Read(Stream stream, string name)
    {
        Span<byte> pre = stackalloc byte[8];
        ReadExactly(stream, pre, name);
        if (!pre[..6].SequenceEqual(Magic))
        {
            throw new InputDataException(name, "not a NumPy .npy file (bad magic)");
        }

        int major = pre[6];
        int headerLen;
        Encoding enc = Encoding.Latin1;
        if (major == 1)
        {
            Span<byte> l = stackalloc byte[2];
            ReadExactly(stream, l, name);
            headerLen = BinaryPrimitives.ReadUInt16LittleEndian(l);
        }
        else if (major is 2 or 3)
        {
            Span<byte> l = stackalloc byte[4];
            ReadExactly(stream, l, name);
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(l);
            if (len > 1 << 24)
            {
                throw new InputDataException(name, $".npy header length {len} is implausible");
            }

            headerLen = (int)len;
            if (major == 3)
            {
                enc = Encoding.UTF8;
            }
        }
        else
        {
            throw new InputDataException(name, $".npy format version {major}.{pre[7]} is not supported (1.0, 2.0, 3.0 are)");
        }

        var hb = new byte[headerLen];
        ReadExactly(stream, hb, name);
        string header = enc.GetString(hb);
        var (descr, fortran, shape) = ParseHeader(header, name);
        NpyElementType type = descr switch
        {
            "<f8" => NpyElementType.Float64,
            "<f4" => NpyElementType.Float32,
            _ => throw new InputDataException(name, $"array dtype '{descr}' is not supported (little-endian '<f4' or '<f8' expected)"),
        };

        // Sizes from the header are checked before anything is allocated: the element count in checked
        // arithmetic against the largest array, the byte count against the data that really follow.
        long count = 1;
        foreach (int d in shape)
        {
            if (d != 0 && count > Array.MaxLength / d)
            {
                throw new InputDataException(name, $".npy shape ({string.Join(", ", shape)}) is more than {Array.MaxLength} elements, the limit of one array");
            }

            count *= d;
        }

        int size = type == NpyElementType.Float64 ? sizeof(double) : sizeof(float);
        byte[]? collected = null;
        if (stream.CanSeek)
        {
            long left = stream.Length - stream.Position;
            if (count * size > left)
            {
                throw new InputDataException(name, $"the .npy file is truncated: shape ({string.Join(", ", shape)}) needs {count * size} bytes of data, {left} follow the header");
            }
        }
        else
        {
            collected = Collect(stream, count * size, shape, name);
        }

        NpyArray result;
        if (type == NpyElementType.Float64)
        {
            var data = new double[count];
            Fill(stream, collected, MemoryMarshal.AsBytes(data.AsSpan()), name);
            result = new NpyArray(shape, data, null);
        }
        else
        {
            var data = new float[count];
            Fill(stream, collected, MemoryMarshal.AsBytes(data.AsSpan()), name);
            result = new NpyArray(shape, null, data);
        }

        if (stream.CanSeek && stream.Position != stream.Length)
        {
            throw new InputDataException(name, $"{stream.Length - stream.Position} bytes after the array data of shape ({string.Join(", ", shape)})");
        }

        return fortran && shape.Length > 1 ? result.FromFortran() : result;
    }

    private NpyArray FromFortran()
    {
        // Fortran order: the first index varies fastest. Reverse the axes to get C order.
        int[] shape = [.. Shape];
        int nd = shape.Length;
        long n = Length;
        var stridesF = new long[nd];
        long st = 1;
        for (int k = 0; k < nd; k++)
        {
            stridesF[k] = st;
            st *= shape[k];
        }

        var idx = new int[nd];
        double[]? d64 = Float64 is null ? null : new double[n];
        float[]? d32 = Float32 is null ? null : new float[n];
        for (long c = 0; c < n; c++)
        {
            long f = 0;
            for (int k = 0; k < nd; k++)
            {
                f += idx[k] * stridesF[k];
            }

            if (d64 is not null)
            {
                d64[c] = Float64![f];
            }
            else
            {
                d32![c] = Float32![f];
            }

            for (int k = nd - 1; k >= 0; k--)
            {
                if (++idx[k] < shape[k])
                {
                    break;
                }

                idx[k] = 0;
            }
        }

        return new NpyArray(shape, d64, d32);
    }

    /// <summary>Writes a version 1.0 .npy file (version 2.0 when the header needs it), C order, little endian.</summary>
    public void Write(string path)
    {
        using var s = File.Create(path);
        Write(s);
    }

    /// <summary>Writes the array to a stream in .npy format.</summary>
    public void Write(Stream stream)
    {
        string descr = ElementType == NpyElementType.Float64 ? "<f8" : "<f4";
        string shape = Shape.Count switch
        {
            0 => "()",
            1 => $"({Shape[0]},)",
            _ => "(" + string.Join(", ", Shape) + ")",
        };
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        int major = dict.Length + 11 > ushort.MaxValue ? 2 : 1;
        int prefix = major == 1 ? 10 : 12;
        int total = prefix + dict.Length + 1;
        int pad = (64 - (total % 64)) % 64;
        string header = dict + new string(' ', pad) + "\n";
        var hb = Encoding.Latin1.GetBytes(header);
        stream.Write(Magic);
        stream.WriteByte((byte)major);
        stream.WriteByte(0);
        Span<byte> l = stackalloc byte[4];
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(l, (ushort)hb.Length);
            stream.Write(l[..2]);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(l, (uint)hb.Length);
            stream.Write(l);
        }

        stream.Write(hb);
        if (Float64 is not null)
        {
            stream.Write(MemoryMarshal.AsBytes(Float64.AsSpan()));
        }
        else
        {
            stream.Write(MemoryMarshal.AsBytes(Float32!.AsSpan()));
        }
    }

    private static (string Descr, bool Fortran, int[] Shape) ParseHeader(string header, string name)
    {
        var descr = DescrRegex().Match(header);
        var fortran = FortranRegex().Match(header);
        var shape = ShapeRegex().Match(header);
        if (!descr.Success || !fortran.Success || !shape.Success)
        {
            throw new InputDataException(name, $".npy header is malformed: {header.Trim()}");
        }

        var dims = new List<int>();
        foreach (var part in shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out int d))
            {
                throw new InputDataException(name, $".npy header has a bad shape: ({shape.Groups[1].Value})");
            }

            dims.Add(d);
        }

        return (descr.Groups[1].Value, fortran.Groups[1].Value == "True", [.. dims]);
    }

    private static void Fill(Stream s, byte[]? collected, Span<byte> destination, string name)
    {
        if (collected is null)
        {
            ReadExactly(s, destination, name);
        }
        else
        {
            collected.AsSpan(0, destination.Length).CopyTo(destination);
        }
    }

    /// <summary>
    /// The data bytes of a stream whose length is unknown (a zip entry), gathered as they arrive: a header that
    /// claims more than the stream holds is refused after allocating no more than what the stream held.
    /// </summary>
    private static byte[] Collect(Stream s, long bytes, int[] shape, string name)
    {
        if (bytes > Array.MaxLength)
        {
            throw new InputDataException(name, $".npy shape ({string.Join(", ", shape)}) is {bytes} bytes, more than {Array.MaxLength}, the limit of one array");
        }

        var ms = new MemoryStream();
        var chunk = new byte[(int)Math.Min(bytes, 1 << 20)];
        while (ms.Length < bytes)
        {
            int got = s.Read(chunk, 0, (int)Math.Min(chunk.Length, bytes - ms.Length));
            if (got == 0)
            {
                throw new InputDataException(name, $"the .npy file is truncated: shape ({string.Join(", ", shape)}) needs {bytes} bytes of data, {ms.Length} follow the header");
            }

            ms.Write(chunk, 0, got);
        }

        return ms.GetBuffer();
    }

    private static void ReadExactly(Stream s, Span<byte> buffer, string name)
    {
        try
        {
            s.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new InputDataException(name, "the .npy file is truncated", e);
        }
    }

    private static void CheckLength(long length, int[] shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(shape));
            n *= d;
        }

        if (n != length)
        {
            throw new ArgumentException($"data has {length} elements but shape ({string.Join(", ", shape)}) needs {n}", nameof(shape));
        }
    }

    [GeneratedRegex(@"['""]descr['""]\s*:\s*['""]([^'""]+)['""]")]
    private static partial Regex DescrRegex();

    [GeneratedRegex(@"['""]fortran_order['""]\s*:\s*(True|False)")]
    private static partial Regex FortranRegex();

    [GeneratedRegex(@"['""]shape['""]\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapeRegex();
}
