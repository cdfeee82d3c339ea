using System.Globalization;
using System.Text.Json;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Training.Annotation;
using RealtimeDecode.Training.Targets;

namespace RealtimeDecode.Training.Tests.Targets;

/// <summary>Targets against numpy/scipy (Golden/make_targets_golden.py).</summary>
public sealed class TargetBuilderGoldenTests
{
    private static string Dir => Path.Combine(AppContext.BaseDirectory, "Golden", "targets");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "cases.json")));
        foreach (var p in doc.RootElement.EnumerateObject()) data.Add(p.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Build_GoldenCase_MatchesNumpyReference(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "cases.json")));
        var c = doc.RootElement.GetProperty(name);
        double Num(string k, double d) => c.TryGetProperty(k, out var v) ? v.GetDouble() : d;
        string Str(string k, string d) => c.TryGetProperty(k, out var v) ? v.GetString()! : d;
        var options = new TargetOptions
        {
            Tr = Num("tr", 0),
            Volumes = (int)Num("n", 0),
            LagSeconds = Num("lag", 0),
            Hrf = c.TryGetProperty("hrf", out var h) && h.GetBoolean() ? HrfModel.Spm : HrfModel.None,
            Smooth = (int)Num("smooth", 1),
            SmoothWindow = Str("window", "centered") == "trailing" ? SmoothWindow.Trailing : SmoothWindow.Centered,
            ZScore = c.TryGetProperty("zscore", out var z) && z.GetBoolean(),
            Fill = Str("fill", "hold") switch { "zero" => FillPolicy.Zero, "missing" => FillPolicy.Missing, _ => FillPolicy.Hold },
            Acquisition = c.TryGetProperty("acq", out var q) && q.ValueKind == JsonValueKind.String && q.GetString() == "middle" ? AcquisitionTime.Middle : AcquisitionTime.Start,
            SliceTimeReference = c.TryGetProperty("acq", out var f) && f.ValueKind == JsonValueKind.Number ? f.GetDouble() : null,
        };
        var annotations = AnnotationTable.Read(Path.Combine(Dir, "annotations.tsv"));
        var expected = NumericTable.Read(Path.Combine(Dir, name + ".tsv"));

        var actual = TargetBuilder.Build(annotations, options).Table;

        Assert.Equal(expected.Columns, actual.Columns);
        Assert.Equal(expected.Volumes, actual.Volumes);
        for (int i = 0; i < expected.Values.Length; i++)
        {
            double e = expected.Values[i], a = actual.Values[i];
            if (double.IsNaN(e)) Assert.True(double.IsNaN(a), $"{name}: value {i} should be NaN, got {a}");
            else Assert.True(Math.Abs(e - a) <= 1e-12 * Math.Max(1, Math.Abs(e)), $"{name}: row {i / expected.ColumnCount}, column {expected.Columns[i % expected.ColumnCount]}: expected {e}, got {a}");
        }
    }

    public static TheoryData<string> ContinuousCases()
    {
        var data = new TheoryData<string>();
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "continuous", "continuous.json")));
        foreach (var p in doc.RootElement.EnumerateObject()) data.Add(p.Name);
        return data;
    }

    /// <summary>
    /// Against a brute-force 0.01 s convolution in numpy (TR 0.72, 1.5, 2 s; boundaries on and off the
    /// TR grid; acquisition at the start and the middle of the TR): the accuracy a methods section can claim.
    /// </summary>
    [Theory]
    [MemberData(nameof(ContinuousCases))]
    public void Build_Hrf_MatchesFineGridConvolution(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "continuous", "continuous.json")));
        var c = doc.RootElement.GetProperty(name);
        var options = new TargetOptions
        {
            Tr = c.GetProperty("tr").GetDouble(),
            Volumes = c.GetProperty("n").GetInt32(),
            Hrf = HrfModel.Spm,
            Fill = FillPolicy.Zero,
            Acquisition = c.GetProperty("acq").GetString() == "middle" ? AcquisitionTime.Middle : AcquisitionTime.Start,
        };
        var annotations = AnnotationTable.Read(Path.Combine(Dir, "continuous", name + "_annotations.tsv"));
        var expected = NumericTable.Read(Path.Combine(Dir, "continuous", name + ".tsv"));

        var actual = TargetBuilder.Build(annotations, options).Table;

        Assert.Equal(expected.Volumes, actual.Volumes);
        for (int col = 0; col < expected.ColumnCount; col++)
        {
            double[] e = expected.Column(col), a = actual.Column(col);
            double range = e.Max() - e.Min(), maxDiff = e.Zip(a, (x, y) => Math.Abs(x - y)).Max();
            double r = MathNet.Numerics.Statistics.Correlation.Pearson(e, a);
            Assert.True(r >= 0.999, $"{name} {expected.Columns[col]}: r = {r}");
            Assert.True(maxDiff < 0.01 * range, $"{name} {expected.Columns[col]}: max |difference| {maxDiff} is not below 1% of the range {range}");
        }
    }

    [Theory]
    [InlineData(0.8)]
    [InlineData(1.5)]
    [InlineData(2.0)]
    [InlineData(2.5)]
    public void Kernel_SpmDefaults_MatchesScipyGammaReference(double tr)
    {
        var expected = NumericTable.Read(Path.Combine(Dir, $"hrf_{tr.ToString("0.0##", CultureInfo.InvariantCulture)}.tsv")).Column(0);

        var kernel = CanonicalHrf.Kernel(tr);

        Assert.Equal(expected.Length, kernel.Length);
        for (int k = 0; k < kernel.Length; k++) Assert.Equal(expected[k], kernel[k], 1e-13);
        Assert.Equal(1.0, kernel.Sum(), 1e-12);
    }
}
