using RealtimeDecode.Imaging.Nifti;
using RealtimeDecode.Imaging.Tests.Support;

namespace RealtimeDecode.Imaging.Tests.Nifti;

/// <summary>Writes one 4D file per datatype and compression, then has nibabel read them all in one call.</summary>
public sealed class WriterRoundTripFixture : IDisposable
{
    public const int Nx = 5, Ny = 4, Nz = 3, Nt = 3;
    private readonly TempDir _dir = new();

    public WriterRoundTripFixture()
    {
        var paths = new List<string>();
        foreach (var type in Enum.GetValues<NiftiDataType>())
            foreach (var gzip in new[] { false, true })
            {
                var path = PathOf(type, gzip);
                var affine = AffineOf(type);
                var vols = Enumerable.Range(0, Nt).Select(t => TestData.Values(type, Nx * Ny * Nz, 100 + t)).ToList();
                using var w = NiftiWriter.Create(path, Nx, Ny, Nz, Nt, affine,
                    new NiftiWriteOptions { DataType = type, RepetitionTimeSeconds = 2, XFormCode = 2, Description = "round trip" });
                foreach (var v in vols) w.WriteVolume(v);
                w.Complete();
                Written[path] = vols.SelectMany(v => v).ToArray();
                paths.Add(path);
            }
        foreach (var type in new[] { NiftiDataType.Float32, NiftiDataType.Int16 })
            foreach (var gzip in new[] { false, true })
            {
                var path = PathOfNifti2(type, gzip);
                var vols = Enumerable.Range(0, Nt).Select(t => TestData.Values(type, Nx * Ny * Nz, 200 + t)).ToList();
                using var w = NiftiWriter.Create(path, Nx, Ny, Nz, Nt, AffineOf(type),
                    new NiftiWriteOptions { Version = NiftiVersion.Nifti2, DataType = type, RepetitionTimeSeconds = 0.8, XFormCode = 1 });
                foreach (var v in vols) w.WriteVolume(v);
                w.Complete();
                Written[path] = vols.SelectMany(v => v).ToArray();
                paths.Add(path);
            }
        Dumps = Nibabel.Read([.. paths]).ToDictionary(d => d.Path);
    }

    public Dictionary<string, float[]> Written { get; } = [];
    public Dictionary<string, Nibabel.Dump> Dumps { get; }

    public string PathOf(NiftiDataType type, bool gzip) => _dir.File($"run_{NiftiDataTypes.Name(type)}.nii{(gzip ? ".gz" : "")}");

    public string PathOfNifti2(NiftiDataType type, bool gzip) => _dir.File($"run2_{NiftiDataTypes.Name(type)}.nii{(gzip ? ".gz" : "")}");

    public static Affine AffineOf(NiftiDataType type) => TestData.Oblique(flip: type is NiftiDataType.Int16 or NiftiDataType.UInt8 or NiftiDataType.Float64);

    public void Dispose() => _dir.Dispose();
}

public sealed class NiftiWriterTests(WriterRoundTripFixture fixture) : IClassFixture<WriterRoundTripFixture>
{
    private const int Nx = 5, Ny = 4, Nz = 3;

    public static IEnumerable<object[]> Types() =>
        Enum.GetValues<NiftiDataType>().SelectMany(t => new[] { new object[] { t, false }, new object[] { t, true } });

    [Theory]
    [MemberData(nameof(Types))]
    public void Create_EveryDatatype_NibabelReadsSameValuesAffineAndTr(NiftiDataType type, bool gzip)
    {
        var path = fixture.PathOf(type, gzip);
        var affine = WriterRoundTripFixture.AffineOf(type);
        var nib = fixture.Dumps[path];
        Assert.Equal(new[] { Nx, Ny, Nz, WriterRoundTripFixture.Nt }, nib.Shape);
        Assert.Equal(NiftiDataTypes.Name(type), nib.Dtype);
        Assert.Equal(348, nib.SizeofHdr);
        Assert.Equal(2, nib.SformCode);
        Assert.Equal(2, nib.QformCode);
        Assert.Equal(2.0, nib.Tr, 1e-12);
        Assert.Equal("mm", nib.SpaceUnits);
        Assert.Equal("sec", nib.TimeUnits);
        Assert.Equal("round trip", nib.Descrip);
        Assert.True(new Affine(nib.Sform).MaxAbsDifference(affine) < 1e-4, $"sform {new Affine(nib.Sform)} vs {affine}");
        Assert.True(new Affine(nib.Qform).MaxAbsDifference(affine) < 1e-4, $"qform {new Affine(nib.Qform)} vs {affine}");
        var data = nib.Data;
        var expected = fixture.Written[path];
        Assert.Equal(expected.Length, data.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], (float)data[i]);

        // Our reader agrees with nibabel on the same file.
        using var r = NiftiReader.Open(path);
        Assert.True(r.Header.Affine.MaxAbsDifference(new Affine(nib.Affine)) < 1e-6);
        Assert.Equal(expected, r.ReadVolumes().SelectMany(v => v.Data).ToArray());
    }

    [Theory]
    [InlineData(NiftiDataType.Float32, false)]
    [InlineData(NiftiDataType.Float32, true)]
    [InlineData(NiftiDataType.Int16, false)]
    [InlineData(NiftiDataType.Int16, true)]
    public void Create_Nifti2_NibabelReadsSameValuesAffineAndTr(NiftiDataType type, bool gzip)
    {
        var path = fixture.PathOfNifti2(type, gzip);
        var affine = WriterRoundTripFixture.AffineOf(type);
        var nib = fixture.Dumps[path];
        Assert.Equal(540, nib.SizeofHdr);
        Assert.Equal(new[] { Nx, Ny, Nz, WriterRoundTripFixture.Nt }, nib.Shape);
        Assert.Equal(NiftiDataTypes.Name(type), nib.Dtype);
        Assert.Equal(1, nib.SformCode);
        Assert.Equal(1, nib.QformCode);
        Assert.Equal(0.8, nib.Tr, 1e-15);
        Assert.True(new Affine(nib.Sform).MaxAbsDifference(affine) < 1e-12, $"sform {new Affine(nib.Sform)} vs {affine}");
        Assert.True(new Affine(nib.Qform).MaxAbsDifference(affine) < 1e-9, $"qform {new Affine(nib.Qform)} vs {affine}");
        var expected = fixture.Written[path];
        Assert.Equal(expected, nib.Data.Select(d => (float)d).ToArray());
        using var r = NiftiReader.Open(path);
        Assert.Equal(NiftiVersion.Nifti2, r.Header.Version);
        Assert.Equal(NiftiWriter.Nifti2DataOffset, r.Header.DataOffset);
        Assert.Equal(expected, r.ReadVolumes().SelectMany(v => v.Data).ToArray());
    }

    [Fact]
    public void Create_Int16WithScaling_NibabelAndReaderAgree()
    {
        using var dir = new TempDir();
        var path = dir.File("scaled.nii.gz");
        var src = Enumerable.Range(0, Nx * Ny * Nz).Select(i => 10f + 0.37f * i - 7.1f * (i % 3)).ToArray();
        using (var w = NiftiWriter.Create(path, Nx, Ny, Nz, 1, Affine.Diagonal(3, 3, 3.5, -1, 2, 3),
                   new NiftiWriteOptions { DataType = NiftiDataType.Int16, ScaleSlope = 0.01, ScaleIntercept = 10 }))
        {
            w.WriteVolume(src);
            w.Complete();
        }
        var nib = Nibabel.Read(path).Single();
        Assert.Equal(new[] { Nx, Ny, Nz }, nib.Shape);
        Assert.Equal((double)(float)0.01, nib.Slope);
        Assert.Equal(10.0, nib.Inter);
        var ours = NiftiReader.ReadVolume(path).Data;
        var theirs = nib.Data;
        for (int i = 0; i < ours.Length; i++)
        {
            Assert.Equal((float)theirs[i], ours[i]);
            Assert.Equal(src[i], ours[i], 0.006f); // quantised to the slope
        }
    }

    [Fact]
    public void EncodeVolume_SingleVolume_SameBytesAsFileAndReadable()
    {
        using var dir = new TempDir();
        var affine = TestData.Oblique(flip: false);
        var data = TestData.Values(NiftiDataType.Float32, Nx * Ny * Nz, 7);
        var vol = new Volume(Nx, Ny, Nz, data, affine, index: 4, onsetSeconds: 8);
        var options = new NiftiWriteOptions { RepetitionTimeSeconds = 2 };
        var bytes = NiftiWriter.EncodeVolume(vol, options);
        var path = dir.File("vol.nii");
        NiftiWriter.Write(path, [vol], options);
        Assert.Equal(File.ReadAllBytes(path), bytes);
        Assert.Equal(NiftiWriter.Nifti1DataOffset + 4 * Nx * Ny * Nz, bytes.Length);

        using var r = NiftiReader.Open(bytes, "vol.nii");
        Assert.Equal(3, r.Header.DimensionCount);
        Assert.Equal(bytes.Length, r.Header.ExpectedFileSize);
        Assert.Equal(2.0, r.Header.RepetitionTimeSeconds);
        Assert.True(r.Header.Affine.MaxAbsDifference(affine) < 1e-5);
        Assert.Equal(data, r.ReadVolume(0).Data);
        var nib = Nibabel.Read(path).Single();
        Assert.Equal(new[] { Nx, Ny, Nz }, nib.Shape);
    }

    [Fact]
    public void EncodeVolume_Compressed_GzipBytesNibabelReads()
    {
        using var dir = new TempDir();
        var data = TestData.Values(NiftiDataType.Int16, Nx * Ny * Nz, 9);
        var vol = new Volume(Nx, Ny, Nz, data, Affine.Diagonal(2, 2, 2));
        var bytes = NiftiWriter.EncodeVolume(vol, new NiftiWriteOptions { DataType = NiftiDataType.Int16, Compress = true });
        Assert.Equal(0x1F, bytes[0]);
        Assert.Equal(0x8B, bytes[1]);
        var path = dir.File("vol.nii.gz");
        File.WriteAllBytes(path, bytes);
        var nib = Nibabel.Read(path).Single();
        Assert.Equal("int16", nib.Dtype);
        Assert.Equal(data, nib.Data.Select(d => (float)d).ToArray());
    }

    [Fact]
    public void WriteVolume_IntegerTypeOutOfRange_SaturatesAndRoundsHalfToEven()
    {
        var vol = new Volume(4, 1, 1, [1e6f, -1e6f, 2.5f, float.NaN], Affine.Identity);
        var bytes = NiftiWriter.EncodeVolume(vol, new NiftiWriteOptions { DataType = NiftiDataType.Int16 });
        using var r = NiftiReader.Open(bytes, "sat.nii");
        Assert.Equal(new[] { 32767f, -32768f, 2f, 0f }, r.ReadVolume(0).Data);
    }

    [Fact]
    public void Complete_FewerVolumesThanAnnounced_Throws()
    {
        using var ms = new MemoryStream();
        using var w = new NiftiWriter(ms, 2, 2, 2, 3, Affine.Identity);
        w.WriteVolume(new float[8]);
        Assert.Throws<InvalidOperationException>(w.Complete);
        Assert.Throws<InvalidOperationException>(() => { w.WriteVolume(new float[8]); w.WriteVolume(new float[8]); w.WriteVolume(new float[8]); });
    }

    [Fact]
    public void WriteVolume_WrongVoxelCount_Throws()
    {
        using var ms = new MemoryStream();
        using var w = new NiftiWriter(ms, 2, 2, 2, 1, Affine.Identity);
        Assert.Throws<ArgumentException>(() => w.WriteVolume(new float[7]));
    }

    [Fact]
    public void EncodeHeader_ShearedAffine_SformExactQformOrthogonal()
    {
        var sheared = new Affine([2, 0.5, 0, 1, 0, 2, 0, 2, 0, 0, 2, 3, 0, 0, 0, 1]);
        var bytes = NiftiWriter.EncodeVolume(new Volume(2, 2, 2, new float[8], sheared));
        using var r = NiftiReader.Open(bytes, "shear.nii");
        Assert.Equal(sheared, r.Header.Affine);
        var q = r.Header.QForm!;
        // Columns of the qform's rotation part are orthogonal.
        double dot = q[0, 0] * q[0, 1] + q[1, 0] * q[1, 1] + q[2, 0] * q[2, 1];
        Assert.Equal(0, dot, 1e-6);
    }
}
