using RealtimeDecode.Imaging.Dicom;
using RealtimeDecode.Imaging.Tests.Support;

namespace RealtimeDecode.Imaging.Tests.Dicom;

public sealed class DicomWriterTests
{
    private static Volume MakeVolume(int nx, int ny, int nz, Affine affine, Func<int, float> value) =>
        new(nx, ny, nz, Enumerable.Range(0, nx * ny * nz).Select(value).ToArray(), affine);

    public static TheoryData<string> Affines() => new() { "axial", "oblique", "oblique_flipped", "sagittal_neg" };

    private static Affine AffineNamed(string name) => name switch
    {
        "axial" => Affine.Diagonal(3, 3, 3.5, -94.5, -110.25, -30),
        "oblique" => TestData.Oblique(flip: false),
        "oblique_flipped" => TestData.Oblique(flip: true),
        // x along -y, y along +z, slices along -x: a left-handed sagittal layout
        "sagittal_neg" => new Affine([0, 0, -2.2, 60, -1.5, 0, 0, 40, 0, 2.5, 0, -20, 0, 0, 0, 1]),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Affines))]
    public void EncodeMosaic_Int16Values_ReaderReproducesVoxelsAndAffine(string affineName)
    {
        var affine = AffineNamed(affineName);
        var rng = new Random(7);
        var v = MakeVolume(7, 5, 6, affine, _ => rng.Next(-32768, 32768));
        using var dir = new TempDir();
        var path = dir.File("001_000005_000003.dcm");
        DicomWriter.WriteMosaic(path, v, new DicomWriteOptions { SeriesNumber = 5, InstanceNumber = 3 });

        var back = DicomReader.ReadVolume(path);
        Assert.Equal((7, 5, 6), (back.Nx, back.Ny, back.Nz));
        Assert.Equal(v.Data, back.Data);
        Assert.True(back.Affine.ApproximatelyEquals(affine, 1e-4), $"affine {back.Affine} vs {affine}: {back.Affine.MaxAbsDifference(affine):G3}");
    }

    [Fact]
    public void EncodeMosaic_IntegersBeyondInt16_ComeBackExactlyThroughAnIntercept()
    {
        var v = MakeVolume(4, 4, 4, Affine.Identity, i => 40000 + i * 300);
        Assert.True(v.Data.Max() - v.Data.Min() <= 65535);
        using var dir = new TempDir();
        var path = dir.File("a.dcm");
        DicomWriter.WriteMosaic(path, v);
        var ds = DicomFile.Read(path);
        Assert.Equal(1, ds.GetDouble(DicomTags.RescaleSlope));
        Assert.NotEqual(0, ds.GetDouble(DicomTags.RescaleIntercept));
        Assert.Equal(v.Data, DicomReader.ReadVolume(path).Data);
    }

    [Fact]
    public void EncodeMosaic_FractionalValues_RoundedWithinHalfTheSlope()
    {
        var rng = new Random(3);
        var v = MakeVolume(6, 6, 5, TestData.Oblique(false), _ => (float)(rng.NextDouble() * 1500 - 200));
        using var dir = new TempDir();
        var path = dir.File("a.dcm");
        DicomWriter.WriteMosaic(path, v);
        double slope = DicomFile.Read(path).GetDouble(DicomTags.RescaleSlope)!.Value;
        double range = v.Data.Max() - v.Data.Min();
        Assert.InRange(slope, range / 65535.0, range / 65534.0 * 1.001);
        var back = DicomReader.ReadVolume(path);
        double worst = v.Data.Zip(back.Data, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= slope / 2 + 1e-3, $"largest error {worst} exceeds half the slope {slope / 2}");
        Assert.True(worst > 0, "fractional values cannot all be stored exactly in int16");
    }

    [Fact]
    public void EncodeMosaic_Metadata_ReadBackByTheReader()
    {
        var v = MakeVolume(4, 3, 5, Affine.Diagonal(2, 2, 3), i => i);
        using var dir = new TempDir();
        var path = dir.File("001_000012_000009.dcm");
        var when = new DateTime(2026, 3, 4, 10, 15, 30, 250);
        DicomWriter.WriteMosaic(path, v, new DicomWriteOptions
        {
            SeriesNumber = 12, InstanceNumber = 9, SeriesInstanceUid = "1.2.3.4", AcquisitionDateTime = when, RepetitionTimeSeconds = 0.8,
        });
        var info = DicomReader.ReadInfo(path);
        Assert.Equal(DicomImageKind.Mosaic, info.Kind);
        Assert.Equal(5, info.ImagesInMosaic);
        Assert.Equal((12, 9), (info.Columns, info.Rows)); // a 3×3 grid of 4×3 tiles
        Assert.Equal((12, 9, 9), (info.SeriesNumber, info.InstanceNumber, info.AcquisitionNumber));
        Assert.Equal("1.2.3.4", info.SeriesInstanceUid);
        Assert.Equal("1.2.3.4.9", info.SopInstanceUid);
        Assert.Equal(0.8, info.RepetitionTimeSeconds!.Value, 12);
        Assert.Equal(when.TimeOfDay, info.AcquisitionTime);
        Assert.Equal(DicomFile.ExplicitVRLittleEndian, info.TransferSyntaxUid);
        var csa = CsaHeader.FromImageHeader(DicomFile.Read(path))!;
        Assert.True(csa.IsSv10);
        Assert.Equal(new[] { 5.0 }, csa.GetDoubles("NumberOfImagesInMosaic"));
        Assert.Equal(new[] { 0.0, 0.0, 1.0 }, csa.GetDoubles("SliceNormalVector"));
    }

    [Fact]
    public void CanRepresent_ShearedAffine_False()
    {
        var sheared = new Affine([2, 0, 0.5, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1]);
        Assert.False(DicomWriter.CanRepresent(sheared, out var why));
        Assert.Contains("shear", why);
        var v = new Volume(2, 2, 2, new float[8], sheared);
        Assert.Throws<ArgumentException>(() => DicomWriter.EncodeMosaic(v));
        Assert.True(DicomWriter.CanRepresent(TestData.Oblique(true), out _));
    }

    [Theory]
    [InlineData(1.0, "1")]
    [InlineData(-0.01570800505578518, "-0.0157080050558")]
    [InlineData(607.8571166992188, "607.857116699219")]
    [InlineData(1e-20, "1E-20")]
    public void FormatDecimal_LongValues_FitSixteenCharacters(double value, string expected)
    {
        var s = DicomElementWriter.FormatDecimal(value);
        Assert.Equal(expected, s);
        Assert.True(s.Length <= 16);
    }
}

/// <summary>The writer's mosaics converted by dcm2niix and read by nibabel give the source volume back.</summary>
public sealed class DicomWriterDcm2NiixTests
{
    [Theory]
    [InlineData(false, 5)]
    [InlineData(true, 5)]
    [InlineData(false, 9)]
    [InlineData(true, 10)]
    public void EncodeMosaic_ConvertedByDcm2Niix_SameVoxelsAndAffine(bool flip, int nz)
    {
        var affine = TestData.Oblique(flip, dx: 2.5, dy: 2.5, dz: 3.2);
        var rng = new Random(nz);
        var v = new Volume(8, 6, nz, Enumerable.Range(0, 8 * 6 * nz).Select(_ => (float)rng.Next(-2000, 30000)).ToArray(), affine);
        using var dir = new TempDir();
        var input = Directory.CreateDirectory(dir.File("in")).FullName;
        DicomWriter.WriteMosaic(Path.Combine(input, "001_000004_000001.dcm"), v,
            new DicomWriteOptions { SeriesNumber = 4, RepetitionTimeSeconds = 2, AcquisitionDateTime = new DateTime(2026, 1, 2, 9, 0, 0) });

        var outputs = Dcm2Niix.Convert(input, dir.File("out"));
        Assert.Single(outputs);
        var dump = Nibabel.Read(outputs[0])[0];
        Assert.Equal(new[] { 8, 6, nz }, dump.Shape);
        var reference = new Affine(dump.Affine);
        // dcm2niix computes in float32: ~1e-5 relative on positions of ~100 mm
        Assert.True(reference.ApproximatelyEquals(affine, 1e-3), $"dcm2niix affine {reference} vs source {affine}: {reference.MaxAbsDifference(affine):G3}");
        var data = dump.Data;
        Assert.Equal(v.Data.Length, data.Length);
        for (int i = 0; i < data.Length; i++)
            Assert.True(data[i] == v.Data[i], $"voxel {i}: dcm2niix {data[i]}, source {v.Data[i]}");
    }
}

public sealed class DicomWriterEdgeTests
{
    [Fact]
    public void EncodeMosaic_NonFiniteVoxels_StoredAsTheValueNearestZero()
    {
        var data = Enumerable.Range(0, 2 * 2 * 3).Select(i => (float)(i * 10)).ToArray();
        data[3] = float.NaN;
        data[5] = float.PositiveInfinity;
        var v = new Volume(2, 2, 3, data, Affine.Identity);
        using var dir = new TempDir();
        var path = dir.File("a.dcm");
        DicomWriter.WriteMosaic(path, v);
        var back = DicomReader.ReadVolume(path).Data;
        Assert.Equal(0f, back[3]);
        Assert.Equal(0f, back[5]);
        Assert.Equal(110f, back[11]);
    }

    [Fact]
    public void EncodeMosaic_UidsFromOptions_UsedAndValidated()
    {
        var v = new Volume(2, 2, 2, new float[8], Affine.Identity);
        Assert.Throws<ArgumentException>(() => DicomWriter.EncodeMosaic(v, new DicomWriteOptions { SeriesInstanceUid = "1.2.abc" }));
        var uid = DicomWriter.UidFromBytes(new byte[16]);
        Assert.Equal("2.25.0", uid);
        Assert.StartsWith("2.25.", DicomWriter.NewUid());
        Assert.NotEqual(DicomWriter.NewUid(), DicomWriter.NewUid());
    }
}

/// <summary>nibabel's own DICOM reader (pydicom + nibabel.nicom) sees the same voxels at the same places.</summary>
public sealed class DicomWriterNibabelTests
{
    private sealed record MosaicDump(string Path, string Wrapper, int[] Shape, double[] Affine);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EncodeMosaic_ReadByNibabelDicomWrappers_SameVoxelAtEveryPosition(bool flip)
    {
        var affine = TestData.Oblique(flip, dx: 2, dy: 2.5, dz: 3.5);
        int nx = 7, ny = 5, nz = 6;
        var v = new Volume(nx, ny, nz, Enumerable.Range(0, nx * ny * nz).Select(i => (float)(i * 3 - 200)).ToArray(), affine);
        using var dir = new TempDir();
        var path = dir.File("001_000001_000001.dcm");
        DicomWriter.WriteMosaic(path, v);

        var dump = Run(path);
        Assert.Equal("MosaicWrapper", dump.Wrapper);
        Assert.Equal(3, dump.Shape.Length);
        var bytes = File.ReadAllBytes(path + ".nibmosaic.f64");
        var data = new double[bytes.Length / 8];
        Buffer.BlockCopy(bytes, 0, data, 0, bytes.Length);
        var inv = Invert3x4(dump.Affine);
        // every voxel of ours, at its RAS position, turned to LPS and into nibabel's voxel indices
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    var ras = new double[3];
                    for (int r = 0; r < 3; r++) ras[r] = affine[r, 0] * x + affine[r, 1] * y + affine[r, 2] * z + affine[r, 3];
                    double[] lps = [-ras[0], -ras[1], ras[2]];
                    var idx = new int[3];
                    for (int r = 0; r < 3; r++)
                    {
                        double f = inv[r, 0] * lps[0] + inv[r, 1] * lps[1] + inv[r, 2] * lps[2] + inv[r, 3];
                        idx[r] = (int)Math.Round(f);
                        Assert.True(Math.Abs(f - idx[r]) < 1e-3, $"voxel ({x},{y},{z}) lands at nibabel index {f} on axis {r}");
                        Assert.InRange(idx[r], 0, dump.Shape[r] - 1);
                    }
                    double theirs = data[(idx[0] * dump.Shape[1] + idx[1]) * dump.Shape[2] + idx[2]];
                    Assert.Equal(v.Data[x + nx * (y + ny * z)], theirs);
                }
    }

    private static MosaicDump Run(string file)
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) Assert.Fail($"{python} is missing: install Debian's python3 with python3-nibabel and python3-pydicom.");
        var psi = new System.Diagnostics.ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(GoldenFiles.Path("nibabel_mosaic.py"));
        psi.ArgumentList.Add(file);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            var err = stderr.Result.Trim();
            if (err.Contains("ModuleNotFoundError", StringComparison.Ordinal))
                Assert.Fail($"{python} lacks a module (install python3-nibabel and python3-pydicom): {err}");
            Assert.Fail($"nibabel_mosaic.py failed with exit code {p.ExitCode}: {err}");
        }
        return System.Text.Json.JsonSerializer.Deserialize<List<MosaicDump>>(stdout.Result,
            new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower })![0];
    }

    /// <summary>Inverse of a row-major 4×4 affine (rows 0-2 returned).</summary>
    private static double[,] Invert3x4(double[] m)
    {
        double a = m[0], b = m[1], c = m[2], d = m[4], e = m[5], f = m[6], g = m[8], h = m[9], k = m[10];
        double det = a * (e * k - f * h) - b * (d * k - f * g) + c * (d * h - e * g);
        var r = new double[3, 3]
        {
            { (e * k - f * h) / det, (c * h - b * k) / det, (b * f - c * e) / det },
            { (f * g - d * k) / det, (a * k - c * g) / det, (c * d - a * f) / det },
            { (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det },
        };
        var inv = new double[3, 4];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++) inv[i, j] = r[i, j];
            inv[i, 3] = -(r[i, 0] * m[3] + r[i, 1] * m[7] + r[i, 2] * m[11]);
        }
        return inv;
    }
}
