using System.Buffers.Binary;
using System.IO.Compression;
using RealtimeDecode.Imaging.Nifti;
using RealtimeDecode.Imaging.Tests.Support;

namespace RealtimeDecode.Imaging.Tests.Nifti;

/// <summary>Every bad input gives an <see cref="InputDataException"/> with one line naming the file and the problem.</summary>
public sealed class NiftiReaderErrorTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A valid little-endian NIfTI-1 int16 file, 4×3×2×2.</summary>
    private static byte[] ValidNifti1()
    {
        var ms = new MemoryStream();
        using (var w = new NiftiWriter(ms, 4, 3, 2, 2, Affine.Identity, new NiftiWriteOptions { DataType = NiftiDataType.Int16 }, leaveOpen: true))
        {
            w.WriteVolume(TestData.Values(NiftiDataType.Int16, 24, 1));
            w.WriteVolume(TestData.Values(NiftiDataType.Int16, 24, 2));
            w.Complete();
        }
        return ms.ToArray();
    }

    private static byte[] Gzip(byte[] raw)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(raw);
        return ms.ToArray();
    }

    private string Save(string name, byte[] bytes)
    {
        var path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static InputDataException AssertInputError(string path, string expectedFragment, Action act)
    {
        var ex = Assert.Throws<InputDataException>(act);
        Assert.Equal(path, ex.Path);
        Assert.Contains(expectedFragment, ex.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.StartsWith(path, ex.Message, StringComparison.Ordinal);
        return ex;
    }

    private static void ReadAll(string path) => _ = NiftiReader.ReadAllVolumes(path).ToList();

    [Fact]
    public void Open_MissingFile_FileNotFound()
    {
        var path = _dir.File("absent.nii.gz");
        AssertInputError(path, "file not found", () => NiftiReader.Open(path));
    }

    [Fact]
    public void Open_Folder_SaysFolder()
    {
        AssertInputError(_dir.Root, "is a folder", () => NiftiReader.Open(_dir.Root));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(200)]
    [InlineData(347)]
    public void Open_Nifti1HeaderTruncated_Truncated(int length)
    {
        var path = Save("short.nii", ValidNifti1()[..length]);
        AssertInputError(path, "truncated file", () => NiftiReader.Open(path));
    }

    [Fact]
    public void Open_Nifti2HeaderTruncated_SaysHeaderNeeds540()
    {
        var bytes = new byte[400];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, 540);
        var path = Save("short2.nii", bytes);
        AssertInputError(path, "NIfTI-2 header needs 540 bytes, the file has 400", () => NiftiReader.Open(path));
    }

    [Fact]
    public void Open_GzipHeaderTruncated_Truncated()
    {
        var path = Save("short.nii.gz", Gzip(ValidNifti1()[..300]));
        AssertInputError(path, "truncated file", () => NiftiReader.Open(path));
    }

    [Fact]
    public void Open_DataShorterThanDims_TruncatedWithSizes()
    {
        var bytes = ValidNifti1();
        var path = Save("cut.nii", bytes[..^10]);
        var ex = AssertInputError(path, "truncated file or dims that do not match the file size", () => NiftiReader.Open(path));
        Assert.Contains("4×3×2×2", ex.Problem, StringComparison.Ordinal);
        Assert.Contains($"need {bytes.Length}", ex.Problem, StringComparison.Ordinal);
        Assert.Contains($"the file has {bytes.Length - 10}", ex.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_DimsLargerThanFile_DimsDoNotMatch()
    {
        var bytes = ValidNifti1();
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(48), 5); // dim[4]: 2 -> 5 volumes
        var path = Save("dims.nii", bytes);
        AssertInputError(path, "dims that do not match the file size: dims 4×3×2×5", () => NiftiReader.Open(path));
    }

    [Fact]
    public void ReadVolume_GzipDataShorterThanDims_TruncatedData()
    {
        var path = Save("cut.nii.gz", Gzip(ValidNifti1()[..^10]));
        using var r = NiftiReader.Open(path);
        _ = r.ReadVolume(0);
        AssertInputError(path, "truncated data", () => r.ReadVolume(1));
    }

    [Fact]
    public void ReadVolume_GzipStreamCutShort_InputDataException()
    {
        var gz = Gzip(ValidNifti1());
        var path = Save("cutgz.nii.gz", gz[..(gz.Length - 30)]);
        var ex = Assert.Throws<InputDataException>(() => ReadAll(path));
        Assert.Equal(path, ex.Path);
        Assert.Matches("truncated|bad gzip", ex.Problem);
    }

    [Fact]
    public void Open_WrongMagic_NamesMagic()
    {
        var bytes = ValidNifti1();
        "abc\0"u8.CopyTo(bytes.AsSpan(344));
        var path = Save("magic.nii", bytes);
        AssertInputError(path, "wrong magic \"abc\" for a NIfTI-1 header (expected \"n+1\" or \"ni1\")", () => NiftiReader.Open(path));
    }

    [Fact]
    public void Open_Nifti2WrongMagic_NamesMagic()
    {
        var bytes = new byte[600];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, 540);
        "n+1\0"u8.CopyTo(bytes.AsSpan(4));
        var path = Save("magic2.nii", bytes);
        AssertInputError(path, "wrong magic \"n+1\" for a NIfTI-2 header", () => NiftiReader.Open(path));
    }

    [Fact]
    public void Open_PairMagicInSingleFile_SaysSeparateImg()
    {
        var bytes = ValidNifti1();
        "ni1\0"u8.CopyTo(bytes.AsSpan(344));
        var path = Save("pair.nii", bytes);
        AssertInputError(path, "separate .img file", () => NiftiReader.Open(path));
    }

    [Fact]
    public void Open_PairWithoutImg_SaysImgNotFound()
    {
        var hdr = Save("lonely.hdr", File.ReadAllBytes(GoldenFiles.Path("Nifti", "n1_pair_int16.hdr")));
        AssertInputError(hdr, "the image file of the pair (lonely.img) was not found", () => NiftiReader.Open(hdr));
    }

    [Fact]
    public void Open_PairWithShortImg_TruncatedNamesImg()
    {
        var hdr = Save("short.hdr", File.ReadAllBytes(GoldenFiles.Path("Nifti", "n1_pair_int16.hdr")));
        var img = Save("short.img", File.ReadAllBytes(GoldenFiles.Path("Nifti", "n1_pair_int16.img"))[..^2]);
        var ex = Assert.Throws<InputDataException>(() => NiftiReader.Open(hdr));
        Assert.Equal(img, ex.Path);
        Assert.Contains("truncated file", ex.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(32, "complex64 (32)")]
    [InlineData(128, "rgb24 (128)")]
    [InlineData(1, "binary (1)")]
    [InlineData(99, "code 99")]
    public void Open_UnsupportedDatatype_NamesCode(short code, string described)
    {
        var bytes = ValidNifti1();
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(70), code);
        var path = Save("dtype.nii", bytes);
        AssertInputError(path, $"unsupported datatype {described}", () => NiftiReader.Open(path));
    }

    [Fact]
    public void Open_NotNifti_SaysSizeofHdr()
    {
        var path = Save("text.nii", "this is not an image, just some text that is long enough"u8.ToArray());
        AssertInputError(path, "not a NIfTI file: sizeof_hdr", () => NiftiReader.Open(path));
    }

    [Fact]
    public void Open_GzNameWithoutSignature_BadGzip()
    {
        var path = Save("plain.nii.gz", ValidNifti1());
        AssertInputError(path, "bad gzip", () => NiftiReader.Open(path));
    }

    [Fact]
    public void Open_CorruptDeflateData_BadGzip()
    {
        var gz = Gzip(ValidNifti1());
        for (int i = 10; i < 40; i++) gz[i] ^= 0x5A;
        var path = Save("corrupt.nii.gz", gz);
        AssertInputError(path, "bad gzip", () => ReadAll(path));
    }

    [Theory]
    [InlineData(40, 0, "invalid dim[0] = 0")]
    [InlineData(40, 8, "invalid dim[0] = 8")]
    [InlineData(44, 0, "invalid dim[2] = 0")]
    [InlineData(44, -3, "invalid dim[2] = -3")]
    public void Open_InvalidDims_NamesDim(int offset, short value, string fragment)
    {
        var bytes = ValidNifti1();
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(offset), value);
        var path = Save("baddim.nii", bytes);
        AssertInputError(path, fragment, () => NiftiReader.Open(path));
    }

    [Fact]
    public void Open_FiveDimensional_Unsupported()
    {
        var bytes = ValidNifti1();
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(40), 5);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(50), 2);
        var path = Save("5d.nii", bytes);
        AssertInputError(path, "unsupported 5D image", () => NiftiReader.Open(path));
    }

    [Fact]
    public void Open_BytesWithWrongMagic_NamesGivenName()
    {
        var bytes = ValidNifti1();
        "xyz\0"u8.CopyTo(bytes.AsSpan(344));
        AssertInputError("scanner/vol_0003.nii", "wrong magic", () => NiftiReader.Open(bytes, "scanner/vol_0003.nii"));
    }
}
