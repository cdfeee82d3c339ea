using System.IO.Compression;
using RealtimeDecode.Engine.Ingest;
using RealtimeDecode.Engine.Tests.Support;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Dicom;
using RealtimeDecode.Imaging.Nifti;
using RealtimeDecode.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Ingest;

/// <summary>
/// The export folder's completeness check on hostile files: refused (the watcher records them corrupt)
/// from the header or the parse, and a .nii.gz counted through a small buffer, never held whole.
/// </summary>
public sealed class ExportFileCompletenessTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Save(string name, byte[] bytes)
    {
        var path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Check_GzipBombDeclaringAnAbsurdVolume_RefusedFromTheHeader()
    {
        var path = Save("vol_0001.nii.gz", CraftedFiles.GzipBomb(32767, 32767, 32767, 64L << 20));
        var ex = Assert.Throws<InputDataException>(() => ExportFileCompleteness.Check(path));
        Assert.Equal("dims 32767×32767×32767 are 35181150961663 voxels per volume, more than the limit of 268435456", ex.Problem);
    }

    [Fact]
    public void Check_GzipWithMoreDataThanDeclared_CompleteAfterOnlyTheDeclaredBytesWithoutHoldingThem()
    {
        // header declares 256×256×256 int16 = 32 MiB; the stream holds 64 MiB of zeros after it
        var path = Save("vol_0002.nii.gz", CraftedFiles.GzipBomb(256, 256, 256, 64L << 20));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(FileCompleteness.Complete, ExportFileCompleteness.Check(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1 << 20, $"the check allocated {allocated} bytes for a 32 MiB volume");
    }

    [Fact]
    public void Check_GzipShorterThanDeclared_Incomplete()
    {
        var path = Save("vol_0003.nii.gz", CraftedFiles.GzipBomb(256, 256, 256, 1 << 20));
        Assert.Equal(FileCompleteness.Incomplete, ExportFileCompleteness.Check(path));
    }

    [Fact]
    public void Check_NiiGzBeingWritten_IncompleteUntilItsDataAreThere()
    {
        var v = new Volume(16, 16, 8, Enumerable.Range(0, 2048).Select(i => (float)Math.Sin(i)).ToArray(), Affine.Identity);
        var gz = NiftiWriter.EncodeVolume(v, new NiftiWriteOptions { Compress = true });
        for (int n = 0; n < gz.Length - 64; n += 97)
            Assert.Equal(FileCompleteness.Incomplete, ExportFileCompleteness.Check(Save("vol_0004.nii.gz", gz[..n])));
        Assert.Equal(FileCompleteness.Complete, ExportFileCompleteness.Check(Save("vol_0004.nii.gz", gz)));
    }

    [Fact]
    public void Check_Nifti2DimsThatOverflow_Refused()
    {
        var path = Save("vol_0005.nii", CraftedFiles.OverflowingNifti2(1024, 1024, 1000, int.MaxValue));
        var ex = Assert.Throws<InputDataException>(() => ExportFileCompleteness.Check(path));
        Assert.Equal("dims 1024×1024×1000×2147483647 are 1048576000 voxels per volume, more than the limit of 268435456", ex.Problem);
    }

    [Fact]
    public void Check_NestedSequenceDicom_Refused()
    {
        var path = Save("001_000001_000006.dcm", CraftedFiles.NestedSequenceDicom(200_000));
        Assert.Throws<InputDataException>(() => ExportFileCompleteness.Check(path));
        Assert.Equal(DicomCompleteness.Invalid, DicomFile.CheckCompleteness(path));
    }

    [Fact]
    public void Check_DamagedDeflateData_RefusedNotWaitedFor()
    {
        var v = new Volume(8, 8, 8, Enumerable.Range(0, 512).Select(i => (float)(i % 13)).ToArray(), Affine.Identity);
        var gz = NiftiWriter.EncodeVolume(v, new NiftiWriteOptions { Compress = true });
        for (int i = 10; i < 30; i++) gz[i] ^= 0x5A;
        var path = Save("vol_0007.nii.gz", gz);
        var ex = Assert.Throws<InputDataException>(() => ExportFileCompleteness.Check(path));
        Assert.StartsWith("bad gzip data", ex.Problem, StringComparison.Ordinal);
    }
}
