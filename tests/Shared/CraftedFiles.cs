using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Tests.Support;

/// <summary>Hostile files from fuzzing reports, built byte by byte so each test makes its own.</summary>
internal static class CraftedFiles
{
    /// <summary>
    /// A DICOM Part 10 file (explicit VR little endian) whose dataset is one sequence nested
    /// <paramref name="depth"/> times: SQ of undefined length, item of undefined length, SQ, ...;
    /// every item and sequence properly delimited. 36 bytes per level (200,000 levels: 7.2 MB).
    /// </summary>
    public static byte[] NestedSequenceDicom(int depth)
    {
        var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write(new byte[128]);
        w.Write("DICM"u8);
        byte[] ts = Encoding.ASCII.GetBytes("1.2.840.10008.1.2.1\0");
        Tag(w, 0x0002, 0x0010); w.Write("UI"u8); w.Write((ushort)ts.Length); w.Write(ts);
        for (int i = 0; i < depth; i++)
        {
            Tag(w, 0x0040, 0x0275); w.Write("SQ"u8); w.Write((ushort)0); w.Write(0xFFFFFFFFu);
            Tag(w, 0xFFFE, 0xE000); w.Write(0xFFFFFFFFu);
        }
        for (int i = 0; i < depth; i++)
        {
            Tag(w, 0xFFFE, 0xE00D); w.Write(0u);
            Tag(w, 0xFFFE, 0xE0DD); w.Write(0u);
        }
        w.Flush();
        return ms.ToArray();
    }

    private static void Tag(BinaryWriter w, ushort group, ushort element)
    {
        w.Write(group);
        w.Write(element);
    }

    /// <summary>
    /// A NIfTI-2 file of <paramref name="totalBytes"/> bytes whose valid header declares
    /// <paramref name="nx"/>×<paramref name="ny"/>×<paramref name="nz"/>×<paramref name="nt"/> float64 voxels:
    /// with int64 dims the declared data size overflows 64-bit arithmetic.
    /// </summary>
    public static byte[] OverflowingNifti2(long nx, long ny, long nz, long nt, int totalBytes = 1536)
    {
        var header = NiftiWriter.EncodeHeader(2, 2, 2, 2, Affine.Identity,
            new NiftiWriteOptions { Version = NiftiVersion.Nifti2, DataType = NiftiDataType.Float64 });
        var bytes = new byte[totalBytes];
        header.AsSpan(0, Math.Min(header.Length, totalBytes)).CopyTo(bytes);
        long[] dim = [4, nx, ny, nz, nt, 1, 1, 1];
        for (int i = 0; i < 8; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16 + 8 * i), dim[i]);
        return bytes;
    }

    /// <summary>
    /// A small .nii.gz: a valid NIfTI-1 int16 header declaring <paramref name="nx"/>×<paramref name="ny"/>×<paramref name="nz"/>
    /// voxels, then <paramref name="zeroBytes"/> zero bytes, gzip-compressed (64 MiB of zeros compress to about 64 KiB).
    /// </summary>
    public static byte[] GzipBomb(short nx, short ny, short nz, long zeroBytes)
    {
        var header = NiftiWriter.EncodeHeader(2, 2, 2, 1, Affine.Identity, new NiftiWriteOptions { DataType = NiftiDataType.Int16, Compress = false });
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(42), nx);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(44), ny);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(46), nz);
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            gz.Write(header);
            var zeros = new byte[1 << 20];
            for (long left = zeroBytes; left > 0; left -= zeros.Length) gz.Write(zeros, 0, (int)Math.Min(zeros.Length, left));
        }
        return ms.ToArray();
    }

    /// <summary>
    /// <paramref name="gz"/> (one gzip member) with one byte of its deflate data flipped such that the
    /// data still decompress, to the same length, but to other bytes: only the CRC-32 can tell.
    /// </summary>
    public static byte[] FlipInsideDeflate(byte[] gz)
    {
        var original = Inflate(gz, 10);
        for (int pos = gz.Length / 2; pos < gz.Length - 8; pos++)
            foreach (byte bit in new byte[] { 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80 })
            {
                var copy = (byte[])gz.Clone();
                copy[pos] ^= bit;
                byte[]? data;
                try { data = Inflate(copy, 10); }
                catch (InvalidDataException) { continue; }
                if (data.Length == original.Length && !data.AsSpan().SequenceEqual(original)) return copy;
            }
        throw new InvalidOperationException("no single-bit flip keeps the deflate data decodable");
    }

    private static byte[] Inflate(byte[] gz, int headerBytes)
    {
        using var d = new DeflateStream(new MemoryStream(gz, headerBytes, gz.Length - headerBytes), CompressionMode.Decompress);
        var o = new MemoryStream();
        d.CopyTo(o);
        return o.ToArray();
    }
}
