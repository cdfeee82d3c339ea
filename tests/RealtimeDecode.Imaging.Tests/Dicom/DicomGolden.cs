using System.Text.Json;
using RealtimeDecode.Imaging.Dicom;

namespace RealtimeDecode.Imaging.Tests.Dicom;

/// <summary>Reads Golden/dicom_golden.json (written by Golden/make_dicom_golden.py from dcm2niix, pydicom and nibabel).</summary>
internal static class DicomGolden
{
    private static readonly Lazy<JsonDocument> Doc = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Golden", "dicom_golden.json");
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} is missing: run /usr/bin/python3 tests/RealtimeDecode.Imaging.Tests/Golden/make_dicom_golden.py");
        return JsonDocument.Parse(File.ReadAllText(path));
    });

    public static string Dir => Path.Combine(AppContext.BaseDirectory, "Golden", "dicom");

    public static string File_(string relative) => Path.Combine(Dir, relative);

    public static JsonElement Case(string name) => Doc.Value.RootElement.GetProperty("cases").GetProperty(name);

    public static IEnumerable<string> CaseNames => Doc.Value.RootElement.GetProperty("cases").EnumerateObject().Select(p => p.Name);

    /// <summary>Cases for which the reference produced voxels.</summary>
    public static TheoryData<string> VolumeCases()
    {
        var data = new TheoryData<string>();
        foreach (var name in CaseNames)
            if (Case(name).TryGetProperty("data", out _)) data.Add(name);
        return data;
    }

    /// <summary>Checks a volume against one reference volume: shape, affine (1e-3 mm), checksums and sampled voxels.</summary>
    public static void AssertMatches(JsonElement c, int volumeIndex, Volume v)
    {
        var shape = c.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(shape, new[] { v.Nx, v.Ny, v.Nz });
        var affine = new Affine(c.GetProperty("affine").EnumerateArray().Select(e => e.GetDouble()).ToArray());
        Assert.True(v.Affine.ApproximatelyEquals(affine, 1e-3), $"affine {v.Affine} differs from the reference {affine} by {v.Affine.MaxAbsDifference(affine):G4}");

        var d = c.GetProperty("data")[volumeIndex];
        double sum = 0, weighted = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < v.Data.Length; i++)
        {
            double x = v.Data[i];
            sum += x;
            weighted += x * ((long)i * 7919 % 1000 + 1);
            min = Math.Min(min, x);
            max = Math.Max(max, x);
        }
        foreach (var s in d.GetProperty("samples").EnumerateArray())
        {
            int index = s[0].GetInt32();
            double expected = s[1].GetDouble();
            Assert.True(Math.Abs(v.Data[index] - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)),
                $"voxel {index}: {v.Data[index]} vs reference {expected}");
        }
        AssertClose(d.GetProperty("min").GetDouble(), min, "min");
        AssertClose(d.GetProperty("max").GetDouble(), max, "max");
        AssertClose(d.GetProperty("sum").GetDouble(), sum, "sum");
        AssertClose(d.GetProperty("weighted_sum").GetDouble(), weighted, "position-weighted sum");
    }

    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{what}: {actual} vs reference {expected}");
}
