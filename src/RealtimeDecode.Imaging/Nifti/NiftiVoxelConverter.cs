using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace RealtimeDecode.Imaging.Nifti;

/// <summary>
/// Turns raw voxel bytes into float32 and back. Reading matches nibabel's <c>get_fdata()</c> cast to
/// float32 exactly: each value goes to float64, is multiplied by the slope when the slope is not 1,
/// has the intercept added when it is not 0, and is then rounded once to float32.
/// </summary>
internal static class NiftiVoxelConverter
{
    /// <summary>
    /// Converts <paramref name="raw"/> (file byte order; swapped in place when <paramref name="swap"/>)
    /// to <paramref name="destination"/>. Scaling applies when <paramref name="scale"/> is true.
    /// </summary>
    public static void ToFloat(Span<byte> raw, NiftiDataType type, bool swap, bool scale, double slope, double inter, Span<float> destination)
    {
        switch (type)
        {
            case NiftiDataType.UInt8: Convert<byte>(raw, destination, false, scale, slope, inter); break;
            case NiftiDataType.Int8: Convert<sbyte>(raw, destination, false, scale, slope, inter); break;
            case NiftiDataType.Int16: Convert<short>(raw, destination, swap, scale, slope, inter); break;
            case NiftiDataType.UInt16: Convert<ushort>(raw, destination, swap, scale, slope, inter); break;
            case NiftiDataType.Int32: Convert<int>(raw, destination, swap, scale, slope, inter); break;
            case NiftiDataType.UInt32: Convert<uint>(raw, destination, swap, scale, slope, inter); break;
            case NiftiDataType.Int64: Convert<long>(raw, destination, swap, scale, slope, inter); break;
            case NiftiDataType.UInt64: Convert<ulong>(raw, destination, swap, scale, slope, inter); break;
            case NiftiDataType.Float32:
                if (swap) BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(raw), MemoryMarshal.Cast<byte, int>(raw));
                Convert<float>(raw, destination, false, scale, slope, inter);
                break;
            case NiftiDataType.Float64:
                if (swap) BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, long>(raw), MemoryMarshal.Cast<byte, long>(raw));
                Convert<double>(raw, destination, false, scale, slope, inter);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), $"Unsupported NIfTI datatype {(short)type}.");
        }
    }

    private static void Convert<T>(Span<byte> raw, Span<float> dst, bool swap, bool scale, double slope, double inter)
        where T : unmanaged, INumberBase<T>
    {
        var src = MemoryMarshal.Cast<byte, T>(raw);
        if (src.Length != dst.Length)
            throw new ArgumentException($"Raw data hold {src.Length} voxels, destination {dst.Length}.", nameof(raw));
        if (swap) Swap(src);
        if (!scale)
        {
            if (typeof(T) == typeof(float)) { MemoryMarshal.Cast<T, float>(src).CopyTo(dst); return; }
            if (typeof(T) == typeof(short)) { ShortToFloat(MemoryMarshal.Cast<T, short>(src), dst); return; }
            for (int i = 0; i < src.Length; i++) dst[i] = (float)double.CreateTruncating(src[i]);
            return;
        }
        bool mul = slope != 1.0, add = inter != 0.0;
        for (int i = 0; i < src.Length; i++)
        {
            double v = double.CreateTruncating(src[i]);
            if (mul) v *= slope;
            if (add) v += inter;
            dst[i] = (float)v;
        }
    }

    private static void ShortToFloat(ReadOnlySpan<short> src, Span<float> dst)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && src.Length >= Vector<short>.Count)
        {
            var srcV = MemoryMarshal.Cast<short, Vector<short>>(src);
            var dstV = MemoryMarshal.Cast<float, Vector<float>>(dst);
            int n = srcV.Length;
            for (int k = 0; k < n; k++)
            {
                Vector.Widen(srcV[k], out Vector<int> lo, out Vector<int> hi);
                dstV[2 * k] = Vector.ConvertToSingle(lo);
                dstV[2 * k + 1] = Vector.ConvertToSingle(hi);
            }
            i = n * Vector<short>.Count;
        }
        for (; i < src.Length; i++) dst[i] = src[i];
    }

    private static void Swap<T>(Span<T> s) where T : unmanaged
    {
        switch (System.Runtime.CompilerServices.Unsafe.SizeOf<T>())
        {
            case 2: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<T, short>(s), MemoryMarshal.Cast<T, short>(s)); break;
            case 4: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<T, int>(s), MemoryMarshal.Cast<T, int>(s)); break;
            case 8: BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<T, long>(s), MemoryMarshal.Cast<T, long>(s)); break;
        }
    }

    /// <summary>
    /// Stores float voxels as <paramref name="type"/> in little-endian order: value = (v − inter) / slope
    /// (skipped when slope is 1 and inter 0); integer types round half to even and clamp to their range,
    /// NaN becomes 0.
    /// </summary>
    public static void FromFloat(ReadOnlySpan<float> src, NiftiDataType type, double slope, double inter, Span<byte> destination)
    {
        bool identity = slope == 1.0 && inter == 0.0;
        switch (type)
        {
            case NiftiDataType.Float32:
                if (identity) { MemoryMarshal.AsBytes(src).CopyTo(destination); break; }
                Store<float>(src, destination, slope, inter);
                break;
            case NiftiDataType.Float64: Store<double>(src, destination, slope, inter); break;
            case NiftiDataType.UInt8: Store<byte>(src, destination, slope, inter); break;
            case NiftiDataType.Int8: Store<sbyte>(src, destination, slope, inter); break;
            case NiftiDataType.Int16: Store<short>(src, destination, slope, inter); break;
            case NiftiDataType.UInt16: Store<ushort>(src, destination, slope, inter); break;
            case NiftiDataType.Int32: Store<int>(src, destination, slope, inter); break;
            case NiftiDataType.UInt32: Store<uint>(src, destination, slope, inter); break;
            case NiftiDataType.Int64: Store<long>(src, destination, slope, inter); break;
            case NiftiDataType.UInt64: Store<ulong>(src, destination, slope, inter); break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), $"Unsupported NIfTI datatype {(short)type}.");
        }
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Writing NIfTI needs a little-endian machine.");
    }

    private static void Store<T>(ReadOnlySpan<float> src, Span<byte> destination, double slope, double inter)
        where T : unmanaged, INumberBase<T>
    {
        var dst = MemoryMarshal.Cast<byte, T>(destination);
        if (dst.Length != src.Length)
            throw new ArgumentException($"Destination holds {dst.Length} voxels, source {src.Length}.", nameof(destination));
        bool isFloat = typeof(T) == typeof(float) || typeof(T) == typeof(double);
        bool identity = slope == 1.0 && inter == 0.0;
        for (int i = 0; i < src.Length; i++)
        {
            double v = src[i];
            if (!identity) v = (v - inter) / slope;
            if (!isFloat)
            {
                if (double.IsNaN(v)) v = 0;
                v = Math.Round(v, MidpointRounding.ToEven);
            }
            dst[i] = T.CreateSaturating(v);
        }
    }
}
