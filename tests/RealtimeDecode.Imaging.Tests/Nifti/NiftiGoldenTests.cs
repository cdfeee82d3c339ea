using System.Text.Json;
using RealtimeDecode.Imaging.Nifti;
using RealtimeDecode.Imaging.Tests.Support;

namespace RealtimeDecode.Imaging.Tests.Nifti;

/// <summary>
/// Compares the reader with nibabel on the fixtures of Golden/make_nifti_golden.py: every datatype,
/// both byte orders, NIfTI-1 and NIfTI-2, .nii and .nii.gz, scaling variants and sform / qform / no
/// transform. Values must be identical to nibabel's get_fdata() cast to float32; affines within 1e-6.
/// </summary>
public sealed class NiftiGoldenTests
{
    private sealed record Fixture(string Name, int Version, string Dtype, string Scaling, string AffineKind, bool Compressed,
        string File, string Expected, int[] Shape, int Ndim, double[] Affine, double Tr, bool BigEndian, long DataOffset);

    private static readonly Lazy<Dictionary<string, Fixture>> Fixtures = new(() =>
    {
        var json = File.ReadAllText(GoldenFiles.Path("Nifti", "manifest.json"));
        var list = JsonSerializer.Deserialize<List<Fixture>>(json, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!;
        return list.ToDictionary(f => f.Name);
    });

    public static IEnumerable<object[]> Names() => Fixtures.Value.Keys.Order(StringComparer.Ordinal).Select(n => new object[] { n });

    private static float[] ExpectedFloat32(Fixture f)
    {
        var bytes = File.ReadAllBytes(GoldenFiles.Path("Nifti", f.Expected));
        var d = new double[bytes.Length / 8];
        Buffer.BlockCopy(bytes, 0, d, 0, bytes.Length);
        return d.Select(v => (float)v).ToArray();
    }

    private static void AssertSameValues(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = expected[i].Equals(actual[i]) || (float.IsNaN(expected[i]) && float.IsNaN(actual[i]));
            if (!same) Assert.Fail($"{what}: voxel {i} expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    [Fact]
    public void Manifest_CoversEveryDatatypeByteOrderVersionAndCompression_True()
    {
        var all = Fixtures.Value.Values.ToList();
        foreach (var dt in new[] { "uint8", "int8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64" })
            foreach (var v in new[] { 1, 2 })
                foreach (var be in new[] { false, true })
                    foreach (var gz in new[] { false, true })
                        Assert.Contains(all, f => f.Dtype == dt && f.Version == v && f.BigEndian == be && f.Compressed == gz);
        foreach (var kind in new[] { "sform", "qform", "qform_noflip", "none" }) Assert.Contains(all, f => f.AffineKind == kind);
        foreach (var s in new[] { "none", "slope_inter", "slope_nan", "slope_zero", "slope_only", "inter_only" }) Assert.Contains(all, f => f.Scaling == s);
        Assert.Contains(all, f => f.Ndim == 3);
        Assert.Contains(all, f => f.File.EndsWith(".hdr", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ReadVolume_GoldenFixture_MatchesNibabel(string name)
    {
        var f = Fixtures.Value[name];
        var expected = ExpectedFloat32(f);
        using var reader = NiftiReader.Open(GoldenFiles.Path("Nifti", f.File));
        var h = reader.Header;

        Assert.Equal(f.Version, (int)h.Version);
        Assert.Equal(f.BigEndian, h.IsBigEndian);
        Assert.Equal(f.DataOffset, h.DataOffset);
        Assert.Equal(f.Ndim, h.DimensionCount);
        Assert.Equal(f.Shape, new[] { h.Nx, h.Ny, h.Nz, h.VolumeCount });
        Assert.Equal(f.Tr, h.RepetitionTimeSeconds, 1e-12);
        double affineError = h.Affine.MaxAbsDifference(new Affine(f.Affine));
        Assert.True(affineError <= 1e-6, $"affine differs from nibabel's by {affineError}: {h.Affine} vs {new Affine(f.Affine)}");

        int n = h.Nx * h.Ny * h.Nz;
        // Backwards first: exercises the reopen path of gzip files.
        for (int t = h.VolumeCount - 1; t >= 0; t--)
        {
            var v = reader.ReadVolume(t);
            Assert.Equal(t, v.Index);
            Assert.Equal(t * f.Tr, v.OnsetSeconds, 1e-9);
            Assert.Same(h.Affine, v.Affine);
            AssertSameValues(expected.AsSpan(t * n, n), v.Data, $"{name} volume {t}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ReadAllVolumes_GoldenFixture_MatchesNibabelInOrder(string name)
    {
        var f = Fixtures.Value[name];
        var expected = ExpectedFloat32(f);
        var volumes = NiftiReader.ReadAllVolumes(GoldenFiles.Path("Nifti", f.File)).ToList();
        Assert.Equal(f.Shape[3], volumes.Count);
        var all = volumes.SelectMany(v => v.Data).ToArray();
        AssertSameValues(expected, all, name);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void OpenBytes_GoldenFixture_SameAsFile(string name)
    {
        var f = Fixtures.Value[name];
        var path = GoldenFiles.Path("Nifti", f.File);
        using var fromFile = NiftiReader.Open(path);
        if (fromFile.Header.IsPair)
        {
            // A pair's voxels live in the .img file: bytes of the .hdr alone cannot be read.
            var ex = Assert.Throws<InputDataException>(() => NiftiReader.Open(File.ReadAllBytes(path), f.File));
            Assert.Contains("separate .img file", ex.Problem, StringComparison.Ordinal);
            return;
        }
        using var fromBytes = NiftiReader.Open(File.ReadAllBytes(path), f.File);
        Assert.True(fromFile.Header.RawBytes.SequenceEqual(fromBytes.Header.RawBytes));
        for (int t = 0; t < fromFile.VolumeCount; t++)
            AssertSameValues(fromFile.ReadVolume(t).Data, fromBytes.ReadVolume(t).Data, name);
    }
}
