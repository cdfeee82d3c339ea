using System.Text;
using RealtimeDecode.Imaging.Dicom;
using RealtimeDecode.Imaging.Nifti;
using RealtimeDecode.Imaging.Tests.Support;

namespace RealtimeDecode.Imaging.Tests;

public sealed class TextFileCheckTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Volume Small() => new(3, 2, 2, [.. Enumerable.Range(0, 12).Select(i => (float)i)], Affine.Identity);

    [Fact]
    public void DescribeBinary_ImagesWrittenByTheWriters_NamedByKind()
    {
        var gz = _dir.File("v.nii.gz");
        var nii = _dir.File("v.nii");
        NiftiWriter.Write(gz, [Small()]);
        NiftiWriter.Write(nii, [Small()]);
        var nifti2 = NiftiWriter.EncodeHeader(3, 2, 2, 1, Affine.Identity, new NiftiWriteOptions { Version = NiftiVersion.Nifti2 });
        Assert.Equal("gzip data", TextFileCheck.DescribeBinary(File.ReadAllBytes(gz)));
        Assert.Equal("a NIfTI-1 image", TextFileCheck.DescribeBinary(File.ReadAllBytes(nii)));
        Assert.Equal("a NIfTI-2 image", TextFileCheck.DescribeBinary(nifti2));
        Assert.Equal("a DICOM file", TextFileCheck.DescribeBinary(DicomWriter.EncodeMosaic(Small())));
        Assert.Equal("zip data", TextFileCheck.DescribeBinary("PK\u0003\u0004rest"u8));
        Assert.Equal("binary data", TextFileCheck.DescribeBinary("index\tname\n1\ta\0b\n"u8));
    }

    [Fact]
    public void DescribeBinary_Text_Null()
    {
        Assert.Null(TextFileCheck.DescribeBinary([]));
        Assert.Null(TextFileCheck.DescribeBinary("index\tname\tnetwork\n1\tV1\tVis\n"u8));
        Assert.Null(TextFileCheck.DescribeBinary([0xEF, 0xBB, 0xBF, .. "index\tname\n1\tÄ\n"u8]));
        Assert.Null(TextFileCheck.DescribeBinary([0x1B, .. "[31m index\tname\n"u8]));
        // UTF-16 text holds a NUL in every other byte; its byte order mark says it is text.
        Assert.Null(TextFileCheck.DescribeBinary(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("index\tname\n1\ta\n")).ToArray()));
        Assert.Null(TextFileCheck.DescribeBinary(Encoding.BigEndianUnicode.GetPreamble().Concat(Encoding.BigEndianUnicode.GetBytes("index\tname\n")).ToArray()));
    }

    [Fact]
    public void EnsureText_GzipFile_OneLineNamingFileKindAndHint()
    {
        var gz = _dir.File("atlas.nii.gz");
        NiftiWriter.Write(gz, [Small()]);
        var ex = Assert.Throws<InputDataException>(() => TextFileCheck.EnsureText(gz, "is this the atlas image?"));
        Assert.Equal($"{gz}: not a text table (it looks like gzip data; is this the atlas image?)", ex.Message);
        ex = Assert.Throws<InputDataException>(() => TextFileCheck.EnsureText(gz));
        Assert.Equal($"{gz}: not a text table (it looks like gzip data)", ex.Message);
    }

    [Fact]
    public void EnsureText_NulAfterTheProbedBytes_Passes()
    {
        var tsv = _dir.File("late-nul.tsv");
        File.WriteAllText(tsv, "index\tname\n" + new string('a', TextFileCheck.ProbeBytes) + "\0\n");
        TextFileCheck.EnsureText(tsv);
        File.WriteAllText(tsv, "index\tname\n\0\n");
        Assert.Throws<InputDataException>(() => TextFileCheck.EnsureText(tsv));
    }
}
