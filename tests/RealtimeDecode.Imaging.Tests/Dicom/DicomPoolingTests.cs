using System.IO.Compression;
using RealtimeDecode.Imaging.Dicom;
using RealtimeDecode.Imaging.Tests.Support;

namespace RealtimeDecode.Imaging.Tests.Dicom;

/// <summary>A DICOM file's bytes are read into pooled arrays, all given back; the volume is the same as parsed from the plain bytes.</summary>
public class DicomPoolingTests
{
    private static Volume Mosaic(int nx, int ny, int nz)
    {
        var rng = new Random(3);
        return new Volume(nx, ny, nz, Enumerable.Range(0, nx * ny * nz).Select(_ => (float)rng.Next(-2000, 2000)).ToArray(),
            Affine.Diagonal(3, 3, 3.5, -90, -90, -60));
    }

    [Theory]
    [InlineData(false, 8, 6, 5)]
    [InlineData(true, 8, 6, 5)]
    // 64×64×36 int16 in a mosaic: 295 KB of pixels; the gzip variant grows its buffer while it inflates
    [InlineData(false, 64, 64, 36)]
    [InlineData(true, 64, 64, 36)]
    public void ReadVolume_WithCountingPool_EveryRentedArrayGoesBackAndVoxelsAreUnchanged(bool gzip, int nx, int ny, int nz)
    {
        using var dir = new TempDir();
        var v = Mosaic(nx, ny, nz);
        var encoded = DicomWriter.EncodeMosaic(v);
        string path = dir.File(gzip ? "vol.dcm.gz" : "vol.dcm");
        if (gzip)
        {
            using var fs = File.Create(path);
            using var gz = new GZipStream(fs, CompressionLevel.Fastest);
            gz.Write(encoded);
        }
        else File.WriteAllBytes(path, encoded);

        var pool = new CountingBytePool();
        var back = DicomReader.ReadVolume(path, pool, index: 4, onsetSeconds: 8);
        Assert.True(pool.Rents >= 1);
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(pool.Rents, pool.Returns);

        var expected = DicomReader.ReadVolume(DicomFile.Parse(encoded), path);
        Assert.Equal(v.Data, back.Data);
        Assert.Equal(expected.Data, back.Data);
        Assert.Equal(expected.Affine.ToString(), back.Affine.ToString());
        Assert.Equal((4, 8.0), (back.Index, back.OnsetSeconds));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadVolume_TruncatedFile_RefusedAndEveryRentedArrayGoesBack(bool gzip)
    {
        using var dir = new TempDir();
        var encoded = DicomWriter.EncodeMosaic(Mosaic(16, 16, 9));
        byte[] bytes = encoded;
        if (gzip)
        {
            using var ms = new MemoryStream();
            using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(encoded);
            bytes = ms.ToArray();
        }
        string path = dir.File(gzip ? "cut.dcm.gz" : "cut.dcm");
        File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);

        var pool = new CountingBytePool();
        var e = Assert.Throws<InputDataException>(() => DicomReader.ReadVolume(path, pool));
        Assert.Contains("truncated", e.Message);
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(pool.Rents, pool.Returns);
        // the completeness check of a file still being written reads it the same way
        Assert.NotEqual(DicomCompleteness.Complete, DicomFile.CheckCompleteness(path));
    }
}
