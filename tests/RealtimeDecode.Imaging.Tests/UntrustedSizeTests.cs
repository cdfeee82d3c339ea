using System.Buffers.Binary;
using System.IO.Compression;
using RealtimeDecode.Imaging.Dicom;
using RealtimeDecode.Imaging.Nifti;
using RealtimeDecode.Imaging.Tests.Support;

namespace RealtimeDecode.Imaging.Tests;

/// <summary>
/// Headers and lines that claim gigabytes are refused before the gigabytes are allocated: NIfTI-1 and -2
/// (.nii and .nii.gz) dims 32767⁴ and a gigabyte volume claimed by a file of a few hundred bytes, a DICOM
/// element of 4 GB in an implicit-VR dataset, a table line without end. Allocation is measured on the test's
/// own thread (GC.GetAllocatedBytesForCurrentThread), where the readers run.
/// </summary>
public sealed class UntrustedSizeTests : IDisposable
{
    /// <summary>Far above what refusing a small crafted file needs, far below what the headers claim.</summary>
    private const long AllocationBound = 64L << 20;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static long Allocated(Action read)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        read();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>A valid header (int16, 1 mm grid) with its dims replaced, then <paramref name="dataBytes"/> zero bytes.</summary>
    private static byte[] Header(NiftiVersion version, long nx, long ny, long nz, long nt, int dataBytes = 64)
    {
        var header = NiftiWriter.EncodeHeader(2, 2, 2, 2, Affine.Identity, new NiftiWriteOptions { Version = version, DataType = NiftiDataType.Int16, Compress = false });
        long[] dim = [4, nx, ny, nz, nt, 1, 1, 1];
        for (int i = 0; i < 8; i++)
        {
            if (version == NiftiVersion.Nifti1) BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(40 + 2 * i), checked((short)dim[i]));
            else BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16 + 8 * i), dim[i]);
        }
        return [.. header, .. new byte[dataBytes]];
    }

    private static byte[] Gzip(byte[] bytes)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(bytes);
        return ms.ToArray();
    }

    private string Save(string name, byte[] bytes)
    {
        var path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(NiftiVersion.Nifti1, false)]
    [InlineData(NiftiVersion.Nifti1, true)]
    [InlineData(NiftiVersion.Nifti2, false)]
    [InlineData(NiftiVersion.Nifti2, true)]
    public void Open_Dims32767To4_RefusedFromTheHeaderWithoutAllocating(NiftiVersion version, bool gzip)
    {
        var raw = Header(version, 32767, 32767, 32767, 32767);
        var path = Save($"huge-{version}.nii{(gzip ? ".gz" : "")}", gzip ? Gzip(raw) : raw);
        InputDataException? ex = null;
        long allocated = Allocated(() => ex = Assert.Throws<InputDataException>(() => NiftiReader.ReadAllVolumes(path).ToList()));
        Assert.Equal($"{path}: dims 32767×32767×32767×32767 are 35181150961663 voxels per volume, more than the limit of 268435456", ex!.Message);
        Assert.True(allocated < AllocationBound, $"{allocated} bytes allocated");
    }

    [Theory]
    [InlineData(NiftiVersion.Nifti1)]
    [InlineData(NiftiVersion.Nifti2)]
    public void ReadVolume_GzipClaimingAGigabyteVolume_TruncatedWithoutAllocatingIt(NiftiVersion version)
    {
        // 512×512×1024 int16: 2^28 voxels (the limit), 512 MiB stored and 1 GiB as floats, in a file of a few hundred bytes.
        var path = Save($"claim-{version}.nii.gz", Gzip(Header(version, 512, 512, 1024, 1)));
        InputDataException? ex = null;
        long allocated = Allocated(() => ex = Assert.Throws<InputDataException>(() => NiftiReader.ReadVolume(path)));
        Assert.True(ex!.Message.StartsWith($"{path}: truncated data: dims 512×512×1024", StringComparison.Ordinal), ex.Message);
        Assert.True(allocated < AllocationBound, $"{allocated} bytes allocated for a claim of 1.5 GiB");
    }

    [Fact]
    public void ReadVolume_PlainFileClaimingAGigabyteVolume_RefusedAtOpenWithoutAllocating()
    {
        var path = Save("claim.nii", Header(NiftiVersion.Nifti1, 512, 512, 1024, 1));
        InputDataException? ex = null;
        long allocated = Allocated(() => ex = Assert.Throws<InputDataException>(() => NiftiReader.ReadVolume(path)));
        Assert.Contains("truncated file or dims that do not match the file size", ex!.Message, StringComparison.Ordinal);
        Assert.True(allocated < AllocationBound, $"{allocated} bytes allocated");
    }

    [Fact]
    public void ReadVolume_GzipWithItsData_StillReadsEveryVoxel()
    {
        // The growing buffer must not change what a real file gives: a volume bigger than its first 1 MiB.
        var data = Enumerable.Range(0, 96 * 96 * 64).Select(i => (float)(i % 30011)).ToArray();
        var v = new Volume(96, 96, 64, data, Affine.Identity);
        var path = Save("real.nii.gz", NiftiWriter.EncodeVolume(v, new NiftiWriteOptions { DataType = NiftiDataType.Int16, Compress = true }));
        Assert.Equal(data, NiftiReader.ReadVolume(path).Data);
    }

    [Fact]
    public void Parse_ImplicitVrElementClaiming4GB_RefusedWithTheLimit()
    {
        // A raw implicit-VR little-endian dataset (no preamble): (0008,0016) then (0010,0010) whose 4-byte length is 0xFFFFFFF0.
        var ds = new byte[8 + 26 + 8];
        BinaryPrimitives.WriteUInt16LittleEndian(ds.AsSpan(0), 0x0008);
        BinaryPrimitives.WriteUInt16LittleEndian(ds.AsSpan(2), 0x0016);
        BinaryPrimitives.WriteUInt32LittleEndian(ds.AsSpan(4), 26);
        "1.2.840.10008.5.1.4.1.1.4\0"u8.CopyTo(ds.AsSpan(8));
        BinaryPrimitives.WriteUInt16LittleEndian(ds.AsSpan(34), 0x0010);
        BinaryPrimitives.WriteUInt16LittleEndian(ds.AsSpan(36), 0x0010);
        BinaryPrimitives.WriteUInt32LittleEndian(ds.AsSpan(38), 0xFFFFFFF0);
        InputDataException? ex = null;
        long allocated = Allocated(() => ex = Assert.Throws<InputDataException>(() => DicomFile.Parse(ds, "implicit.dcm")));
        Assert.Contains("declares 4294967280 bytes, more than the 1073741824-byte limit", ex!.Message, StringComparison.Ordinal);
        Assert.True(allocated < AllocationBound, $"{allocated} bytes allocated");
    }

    /// <summary>Endless text without a line end.</summary>
    private sealed class EndlessLine : TextReader
    {
        public long Served { get; private set; }

        public override int Read(char[] buffer, int index, int count)
        {
            buffer.AsSpan(index, count).Fill('7');
            Served += count;
            return count;
        }
    }

    [Fact]
    public void ReadLine_EndlessLine_RefusedAtTheLimitNamingFileAndLine()
    {
        var endless = new EndlessLine();
        var reader = new BoundedLineReader(new ConcatReader(new StringReader("volume\ta\n"), endless), "roi.tsv");
        Assert.Equal("volume\ta", reader.ReadLine());
        var ex = Assert.Throws<InputDataException>(() => reader.ReadLine());
        Assert.Equal($"roi.tsv: line 2 is longer than {BoundedLineReader.MaxLineChars} characters, the limit for a line of a table", ex.Message);
        Assert.True(endless.Served < BoundedLineReader.MaxLineChars + (1 << 17), $"{endless.Served} characters read");
    }

    private sealed class ConcatReader(TextReader first, TextReader second) : TextReader
    {
        public override int Read(char[] buffer, int index, int count)
        {
            int n = first.Read(buffer, index, count);
            return n > 0 ? n : second.Read(buffer, index, count);
        }
    }

    [Theory]
    [InlineData("a\nb\n", new[] { "a", "b" })]
    [InlineData("a\r\nb", new[] { "a", "b" })]
    [InlineData("a\rb\r\n\r\nc", new[] { "a", "b", "", "c" })]
    [InlineData("", new string[0])]
    [InlineData("\n", new[] { "" })]
    public void ReadLine_LineEnds_AsTextReader(string text, string[] expected)
    {
        var reader = new BoundedLineReader(new StringReader(text), "t.tsv");
        var got = new List<string>();
        while (reader.ReadLine() is { } l) got.Add(l);
        Assert.Equal(expected, got);
        var reference = new StringReader(text);
        var want = new List<string>();
        while (reference.ReadLine() is { } l) want.Add(l);
        Assert.Equal(want, got);
    }

    [Fact]
    public void ReadLine_CrLfSplitAcrossReads_OneLineEnd()
    {
        // 65,535 characters then CR LF: the CR ends the first buffer, the LF starts the next.
        string text = new string('x', (1 << 16) - 1) + "\r\nnext";
        var reader = new BoundedLineReader(new StringReader(text), "t.tsv");
        Assert.Equal((1 << 16) - 1, reader.ReadLine()!.Length);
        Assert.Equal("next", reader.ReadLine());
        Assert.Null(reader.ReadLine());
    }

    [Fact]
    public void ReadLine_OverASmallLimit_Refused()
    {
        var reader = new BoundedLineReader(new StringReader("short\n" + new string('x', 101) + "\n"), "labels.tsv", maxLineChars: 100);
        Assert.Equal("short", reader.ReadLine());
        var ex = Assert.Throws<InputDataException>(() => reader.ReadLine());
        Assert.Equal("labels.tsv: line 2 is longer than 100 characters, the limit for a line of a table", ex.Message);
    }
}
