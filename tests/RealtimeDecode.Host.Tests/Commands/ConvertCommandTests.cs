using System.Text.Json;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Host.Tests.Commands;

[Collection(ConsoleCollection.Name)]
public sealed class ConvertCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Golden(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Golden", .. parts]);

    private static JsonElement Case(string name)
    {
        var path = Golden("dicom_golden.json");
        Assert.True(File.Exists(path), $"{path} is missing: run /usr/bin/python3 tests/RealtimeDecode.Imaging.Tests/Golden/make_dicom_golden.py");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").GetProperty(name).Clone();
    }

    /// <summary>The Siemens mosaics of python3-nibabel's test data, as dcm2niix converted them.</summary>
    [Theory]
    [InlineData("nibabel/0.dcm")]
    [InlineData("nibabel/1.dcm")]
    [InlineData("nibabel/siemens_dwi_0.dcm.gz")]
    [InlineData("nibabel/siemens_dwi_1000.dcm.gz")]
    public void Convert_NibabelMosaic_SameVoxelsAndOrientationAsDcm2Niix(string name)
    {
        var output = _dir.File("out.nii.gz");
        var r = CliRunner.Run("convert", Golden("dicom", name), "--out", output);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Error}");

        var c = Case(name);
        using var reader = NiftiReader.Open(output);
        Assert.Equal(NiftiDataType.Int16, reader.Header.DataType);
        Assert.Equal(c.GetProperty("volumes").GetInt32(), reader.VolumeCount);
        var v = reader.ReadVolume(0);
        Assert.Equal(c.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()), new[] { v.Nx, v.Ny, v.Nz });
        var affine = new Affine(c.GetProperty("affine").EnumerateArray().Select(e => e.GetDouble()).ToArray());
        Assert.True(v.Affine.ApproximatelyEquals(affine, 1e-3), $"affine {v.Affine} vs dcm2niix {affine}");

        var d = c.GetProperty("data")[0];
        foreach (var s in d.GetProperty("samples").EnumerateArray())
            Assert.Equal(s[1].GetDouble(), v.Data[s[0].GetInt32()]);
        double sum = 0, weighted = 0;
        for (int i = 0; i < v.Data.Length; i++)
        {
            sum += v.Data[i];
            weighted += v.Data[i] * ((long)i * 7919 % 1000 + 1);
        }
        Assert.Equal(d.GetProperty("sum").GetDouble(), sum);
        Assert.Equal(d.GetProperty("weighted_sum").GetDouble(), weighted);
        Assert.Contains("int16", r.Out);
    }

    /// <summary>Other layouts from the same golden set: a slice series folder, a reversed mosaic, enhanced files (one and two time points).</summary>
    [Theory]
    [InlineData("synth/series", "int16")]
    [InlineData("synth/mosaic_csa2_reversed", "int16")]
    [InlineData("synth/enhanced_volume", "float32")]
    [InlineData("synth/enhanced_4d", "float32")]
    [InlineData("synth/implicit_s16_rescale", "float32")]
    public void Convert_SyntheticLayouts_MatchDcm2Niix(string name, string dtype)
    {
        var input = Golden("dicom", name);
        if (!Directory.Exists(input)) input += ".dcm";
        var output = _dir.File("out.nii");
        var r = CliRunner.Run("convert", input, "--out", output);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Error}");
        var c = Case(name);
        using var reader = NiftiReader.Open(output);
        Assert.Equal(dtype, NiftiDataTypes.Name(reader.Header.DataType));
        Assert.Equal(2.0, reader.Header.RepetitionTimeSeconds, 6); // the synthetic files say TR 2000 ms
        Assert.Equal(c.GetProperty("volumes").GetInt32(), reader.VolumeCount);
        var affine = new Affine(c.GetProperty("affine").EnumerateArray().Select(e => e.GetDouble()).ToArray());
        for (int t = 0; t < reader.VolumeCount; t++)
        {
            var v = reader.ReadVolume(t);
            Assert.Equal(c.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()), new[] { v.Nx, v.Ny, v.Nz });
            Assert.True(v.Affine.ApproximatelyEquals(affine, 1e-3), $"affine {v.Affine} vs dcm2niix {affine}");
            foreach (var s in c.GetProperty("data")[t].GetProperty("samples").EnumerateArray())
                Assert.Equal(s[1].GetDouble(), v.Data[s[0].GetInt32()], 4);
        }
    }

    [Fact]
    public void Convert_Nifti_RewritesWithTrAndFloatWhenNeeded()
    {
        var input = _dir.File("in.nii");
        var vols = Enumerable.Range(0, 3).Select(t => new Volume(3, 2, 2, Enumerable.Range(0, 12).Select(i => i * 0.5f + t).ToArray(), Affine.Diagonal(2, 2, 3), t)).ToList();
        NiftiWriter.Write(input, vols, new NiftiWriteOptions { RepetitionTimeSeconds = 1.5 });
        var output = _dir.File("sub/out.nii");
        var r = CliRunner.Run("convert", input, "--out", output);
        Assert.Equal(0, r.ExitCode);
        using var reader = NiftiReader.Open(output);
        Assert.Equal(NiftiDataType.Float32, reader.Header.DataType);
        Assert.Equal(1.5, reader.Header.RepetitionTimeSeconds, 6);
        Assert.Equal(3, reader.VolumeCount);
        Assert.Equal(vols[2].Data, reader.ReadVolume(2).Data);
    }

    [Fact]
    public void Convert_MissingInput_OneLineExit2()
    {
        var missing = _dir.File("nope.dcm");
        var r = CliRunner.Run("convert", missing, "--out", _dir.File("o.nii"));
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"error: {missing}: file not found", r.Error.TrimEnd('\n', '\r'));
    }

    [Fact]
    public void Convert_NotDicom_OneLineExit2()
    {
        var text = _dir.File("notes.txt");
        File.WriteAllText(text, string.Concat(Enumerable.Repeat("not an image at all\n", 20)));
        var r = CliRunner.Run("convert", text, "--out", _dir.File("o.nii"));
        Assert.Equal(2, r.ExitCode);
        var line = r.Error.TrimEnd('\n', '\r');
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith($"error: {text}: ", line);
        Assert.Contains("DICOM", line);
        Assert.False(File.Exists(_dir.File("o.nii")));
    }
}
