using System.Buffers.Binary;
using System.IO.Compression;
using RealtimeDecode.Imaging.Compression;
using RealtimeDecode.Imaging.Nifti;
using RealtimeDecode.Imaging.Tests.Support;
using RealtimeDecode.Tests.Support;

namespace RealtimeDecode.Imaging.Tests.Nifti;

/// <summary>
/// Header size limits (checked before anything is allocated) and the gzip trailer check (CRC-32 and
/// length), with the exact messages. Trailer values come from the trailer .NET's GZipStream wrote.
/// </summary>
public sealed class NiftiLimitsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Save(string name, byte[] bytes)
    {
        var path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A 4×3×2 int16 volume, gzip-compressed by NiftiWriter (one member).</summary>
    private static byte[] SmallNiiGz()
    {
        var v = new Volume(4, 3, 2, Enumerable.Range(0, 24).Select(i => (float)(i * 7 % 11)).ToArray(), Affine.Identity);
        return NiftiWriter.EncodeVolume(v, new NiftiWriteOptions { DataType = NiftiDataType.Int16, Compress = true });
    }

    private static void ReadAll(string path) => _ = NiftiReader.ReadAllVolumes(path).ToList();

    [Fact]
    public void Crc32_CheckValue_Cbf43926()
    {
        var crc = new Crc32();
        crc.Append("123456789"u8);
        Assert.Equal(0xCBF43926u, crc.Value);
    }

    [Fact]
    public void ReadVolume_IntactGzip_Reads()
    {
        var path = Save("ok.nii.gz", SmallNiiGz());
        var v = NiftiReader.ReadVolume(path);
        Assert.Equal(10f, v.Data[3]);
    }

    [Fact]
    public void ReadVolume_CrcMismatch_ExactMessage()
    {
        var gz = SmallNiiGz();
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(gz.AsSpan(gz.Length - 8));
        gz[^8] ^= 0x01;
        var path = Save("crc.nii.gz", gz);
        var ex = Assert.Throws<InputDataException>(() => ReadAll(path));
        Assert.Equal($"{path}: bad gzip data: CRC-32 mismatch: the decompressed data give {stored:x8}, the gzip trailer says {stored ^ 1:x8} (the file is corrupt)", ex.Message);
    }

    [Fact]
    public void ReadVolume_FlippedByteInsideDeflateData_CrcMismatch()
    {
        var path = Save("flip.nii.gz", CraftedFiles.FlipInsideDeflate(SmallNiiGz()));
        var ex = Assert.Throws<InputDataException>(() => ReadAll(path));
        Assert.StartsWith($"{path}: bad gzip data: CRC-32 mismatch: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadVolume_LengthMismatch_ExactMessage()
    {
        var gz = SmallNiiGz();
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(gz.AsSpan(gz.Length - 4));
        BinaryPrimitives.WriteUInt32LittleEndian(gz.AsSpan(gz.Length - 4), size + 1000);
        var path = Save("isize.nii.gz", gz);
        var ex = Assert.Throws<InputDataException>(() => ReadAll(path));
        Assert.Equal($"{path}: bad gzip data: length mismatch: {size} bytes decompressed (mod 2^32), the gzip trailer says {size + 1000} (the file is corrupt)", ex.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(6)]
    public void ReadVolume_TrailerCut_ExactMessage(int cut)
    {
        var gz = SmallNiiGz();
        var path = Save("cut.nii.gz", gz[..^cut]);
        var ex = Assert.Throws<InputDataException>(() => ReadAll(path));
        Assert.Equal($"{path}: bad gzip data: the gzip trailer (CRC-32 and length) is cut short: the file ends {cut} bytes early", ex.Message);
    }

    [Fact]
    public void ReadVolume_MegabytesAfterTheLastVolume_Refused()
    {
        var raw = NiftiWriter.EncodeVolume(new Volume(2, 2, 2, new float[8], Affine.Identity), new NiftiWriteOptions { Compress = false });
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(raw);
            gz.Write(new byte[2 << 20]);
        }
        var path = Save("tail.nii.gz", ms.ToArray());
        var ex = Assert.Throws<InputDataException>(() => ReadAll(path));
        Assert.Equal($"{path}: more than 1048576 decompressed bytes follow the last volume (the header declares {raw.Length} bytes)", ex.Message);
    }

    [Fact]
    public void Open_Nifti2DimsThatOverflow64Bits_RefusedFromTheHeader()
    {
        var path = Save("overflow.nii", CraftedFiles.OverflowingNifti2(1024, 1024, 1000, int.MaxValue));
        var ex = Assert.Throws<InputDataException>(() => NiftiReader.Open(path));
        Assert.Equal($"{path}: dims 1024×1024×1000×2147483647 are 1048576000 voxels per volume, more than the limit of 268435456", ex.Message);
    }

    [Fact]
    public void Open_Nifti2Dims32767To4_Refused()
    {
        var path = Save("huge.nii", CraftedFiles.OverflowingNifti2(32767, 32767, 32767, 32767));
        var ex = Assert.Throws<InputDataException>(() => NiftiReader.Open(path));
        Assert.Equal($"{path}: dims 32767×32767×32767×32767 are 35181150961663 voxels per volume, more than the limit of 268435456", ex.Message);
    }

    [Fact]
    public void Open_Nifti2Int64MaxDims_NoOverflow()
    {
        var path = Save("max.nii", CraftedFiles.OverflowingNifti2(long.MaxValue, long.MaxValue, long.MaxValue, long.MaxValue));
        var ex = Assert.Throws<InputDataException>(() => NiftiReader.Open(path));
        Assert.Contains("voxels per volume, more than the limit of 268435456", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Nifti2DimsWhoseProductIsAMultipleOf2To128_RefusedNotReadAsEmpty()
    {
        // 2^34 · 2^50 · 3·2^48 = 3·2^132: 128-bit arithmetic wraps it to 0 voxels.
        var path = Save("wrap.nii", CraftedFiles.OverflowingNifti2(1L << 34, 1L << 50, 3L << 48, 1));
        var ex = Assert.Throws<InputDataException>(() => NiftiReader.Open(path));
        Assert.Equal($"{path}: dims 17179869184×1125899906842624×844424930131968×1 are 16333553612205046246241981156724874149888 voxels per volume, more than the limit of 268435456", ex.Message);
    }

    [Fact]
    public void Open_VolumeWithinVoxelLimitButOver1GiB_Refused()
    {
        // 2^27 float64 voxels = 1 GiB exactly is allowed; 2^27 + 512·512 voxels are not
        var path = Save("wide.nii", CraftedFiles.OverflowingNifti2(512, 512, 513, 1));
        var ex = Assert.Throws<InputDataException>(() => NiftiReader.Open(path));
        Assert.Equal($"{path}: dims 512×512×513×1 (float64) are 1075838976 bytes per volume, more than the limit of 1073741824", ex.Message);
    }

    [Fact]
    public void Open_TotalBeyond1TiB_Refused()
    {
        var path = Save("long.nii", CraftedFiles.OverflowingNifti2(512, 512, 256, 3000));
        var ex = Assert.Throws<InputDataException>(() => NiftiReader.Open(path));
        Assert.Equal($"{path}: dims 512×512×256×3000 (float64) from vox_offset 544 declare 1610612736544 bytes, more than the limit of 1099511627776", ex.Message);
    }
}
