using RealtimeDecode.Imaging.Nifti;
using RealtimeDecode.Imaging.Tests.Support;

namespace RealtimeDecode.Imaging.Tests.Nifti;

/// <summary>The reader's file bytes come from a pool and all go back; pooled voxel arrays give the same values.</summary>
public class NiftiReaderPoolingTests
{
    private static Volume[] Volumes(int nx, int ny, int nz, int count)
    {
        var rng = new Random(17);
        var affine = TestData.Oblique(flip: false);
        return Enumerable.Range(0, count).Select(t =>
            new Volume(nx, ny, nz, Enumerable.Range(0, nx * ny * nz).Select(_ => (float)rng.Next(-3000, 3000)).ToArray(), affine, t)).ToArray();
    }

    [Theory]
    [InlineData(false, 10, 12, 9)]
    [InlineData(true, 10, 12, 9)]
    // 2.4 MB of int16 per volume: a .nii.gz buffer grows from 1 MiB twice while the volume arrives.
    [InlineData(true, 128, 96, 100)]
    [InlineData(false, 128, 96, 100)]
    public void ReadVolume_WithCountingPool_EveryRentedByteArrayGoesBackAndValuesAreUnchanged(bool gzip, int nx, int ny, int nz)
    {
        using var dir = new TempDir();
        string path = dir.File(gzip ? "run.nii.gz" : "run.nii");
        var written = Volumes(nx, ny, nz, 3);
        NiftiWriter.Write(path, written, new NiftiWriteOptions { DataType = NiftiDataType.Int16, Compress = gzip });

        var pool = new CountingBytePool();
        var voxels = new VoxelBufferPool();
        var read = new List<float[]>();
        using (var reader = NiftiReader.Open(path, pool))
        {
            for (int t = 0; t < written.Length; t++)
            {
                var v = reader.ReadVolume(t, voxels);
                read.Add((float[])v.Data.Clone());
                Assert.True(voxels.Return(v.Data));
            }
            Assert.True(pool.Outstanding >= 1);   // the reader holds its buffer while open
        }
        Assert.True(pool.Rents >= 1);
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(pool.Rents, pool.Returns);
        // voxel arrays: the first allocated, the rest reused
        Assert.Equal((3, 2), (voxels.Rented, voxels.Reused));

        var plain = NiftiReader.ReadAllVolumes(path).ToArray();
        for (int t = 0; t < written.Length; t++)
        {
            Assert.Equal(written[t].Data, read[t]);
            Assert.Equal(plain[t].Data, read[t]);
        }
    }

    [Fact]
    public void ReadVolume_TruncatedGzip_ErrorStillReturnsTheBufferOnDispose()
    {
        using var dir = new TempDir();
        string path = dir.File("cut.nii.gz");
        NiftiWriter.Write(path, Volumes(40, 40, 30, 2), new NiftiWriteOptions { DataType = NiftiDataType.Int16, Compress = true });
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);

        var pool = new CountingBytePool();
        using (var reader = NiftiReader.Open(path, pool))
        {
            reader.ReadVolume(0, new VoxelBufferPool());
            Assert.Throws<InputDataException>(() => reader.ReadVolume(1));
        }
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(pool.Rents, pool.Returns);
    }

    [Fact]
    public void BoldRun_VolumeReadersWithPool_RentTheVoxelsAndGiveTheSameVolumes()
    {
        using var dir = new TempDir();
        var written = Volumes(8, 7, 6, 4);
        string folder = dir.File("vols");
        Directory.CreateDirectory(folder);
        foreach (var v in written)
            NiftiWriter.Write(Path.Combine(folder, $"vol{v.Index:D3}.nii"), [v], new NiftiWriteOptions { DataType = NiftiDataType.Int16, RepetitionTimeSeconds = 2 });
        NiftiWriter.Write(dir.File("run4d.nii.gz"), written, new NiftiWriteOptions { DataType = NiftiDataType.Int16, RepetitionTimeSeconds = 2, Compress = true });

        foreach (var run in new[] { BoldRun.Open(folder), BoldRun.Open(dir.File("run4d.nii.gz")) })
        {
            var pool = new VoxelBufferPool();
            var readers = run.VolumeReaders(pool);
            Assert.Equal(written.Length, readers.Count);
            for (int t = 0; t < readers.Count; t++)
            {
                var v = readers[t]();
                Assert.Equal(written[t].Data, v.Data);
                Assert.Equal(t, v.Index);
                Assert.True(pool.Return(v.Data));
            }
            Assert.Equal((4L, 3L, 4L), (pool.Rented, pool.Reused, pool.Returned));
        }
    }
}
