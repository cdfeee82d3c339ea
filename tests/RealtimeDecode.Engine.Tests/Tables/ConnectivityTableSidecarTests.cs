using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tests.Tables;

public sealed class ConnectivityTableSidecarTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rtd-sidecar-" + Guid.NewGuid().ToString("N"));

    public ConnectivityTableSidecarTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Table => Path.Combine(_dir, "dfc.tsv");

    private void WriteSidecar(string text) => File.WriteAllText(Path.Combine(_dir, "dfc.json"), text);

    [Theory]
    [InlineData(WindowTaper.Rectangular, 0.0, 0.0, true)]
    [InlineData(WindowTaper.Gaussian, 2.5, 0.0, false)]
    [InlineData(WindowTaper.Exponential, 3.0, 4.0, false)]
    public void TryRead_WhatToJsonWrote_SameSettings(WindowTaper taper, double sigma, double halfLife, bool fisher)
    {
        var window = new SlidingWindowOptions { Window = 9, Taper = taper, GaussianSigma = sigma > 0 ? sigma : 3, HalfLife = halfLife, FisherZ = fisher };
        var written = new ConnectivityTableSidecar(window, ["a", "b~c", "d"], "/data/roi.tsv");
        WriteSidecar(written.ToJsonText());

        var read = ConnectivityTableSidecar.TryRead(Table)!;

        Assert.Empty(read.Differences(window));
        Assert.Equal(["a", "b~c", "d"], read.RoiNames);
        Assert.Equal("/data/roi.tsv", read.SourceRoiTable);
    }

    [Fact]
    public void TryRead_NoSidecarOrAnotherToolsJson_Null()
    {
        Assert.Null(ConnectivityTableSidecar.TryRead(Table));
        WriteSidecar("{\"atlas\": \"atlas.nii.gz\", \"roi_count\": 3, \"preprocessing\": {}}");
        Assert.Null(ConnectivityTableSidecar.TryRead(Table));
    }

    [Theory]
    [InlineData("{\"format\": \"rtdecode-connectivity-table\", \"version\": 1", "not valid JSON")]
    [InlineData("{\"format\": \"rtdecode-connectivity-table\", \"version\": 2}", "version 2")]
    [InlineData("{\"format\": \"rtdecode-connectivity-table\", \"version\": 1, \"window\": 1, \"taper\": \"rectangular\", \"fisher_z\": true, \"roi_count\": 2, \"roi_names\": [\"a\", \"b\"]}", "window is 1")]
    [InlineData("{\"format\": \"rtdecode-connectivity-table\", \"version\": 1, \"window\": 7, \"taper\": \"hann\", \"fisher_z\": true, \"roi_count\": 2, \"roi_names\": [\"a\", \"b\"]}", "unknown taper 'hann'")]
    [InlineData("{\"format\": \"rtdecode-connectivity-table\", \"version\": 1, \"window\": 7, \"taper\": \"gaussian\", \"fisher_z\": true, \"roi_count\": 2, \"roi_names\": [\"a\", \"b\"]}", "has no sigma_volumes")]
    [InlineData("{\"format\": \"rtdecode-connectivity-table\", \"version\": 1, \"window\": 7, \"taper\": \"rect\", \"fisher_z\": \"yes\", \"roi_count\": 2, \"roi_names\": [\"a\", \"b\"]}", "wrong type")]
    [InlineData("{\"format\": \"rtdecode-connectivity-table\", \"version\": 1, \"window\": 7, \"taper\": \"rect\", \"fisher_z\": true, \"roi_count\": 3, \"roi_names\": [\"a\", \"b\"]}", "roi_count is 3 and roi_names holds 2 names")]
    public void TryRead_BrokenSidecar_InputDataExceptionNamingIt(string text, string expected)
    {
        WriteSidecar(text);

        var e = Assert.Throws<InputDataException>(() => ConnectivityTableSidecar.TryRead(Table));

        Assert.Equal(Path.Combine(_dir, "dfc.json"), e.Path);
        Assert.Contains(expected, e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Differences_EachSettingNamedWithBothValues()
    {
        var made = new ConnectivityTableSidecar(new SlidingWindowOptions { Window = 7, Taper = WindowTaper.Gaussian, GaussianSigma = 2 }, ["a", "b"], null);

        Assert.Equal(["window 7 volumes, not 13", "gaussian taper, not rectangular", "Pearson r (no Fisher z), not Fisher z"],
            made.Differences(new SlidingWindowOptions { Window = 13, FisherZ = true }));
        Assert.Equal(["Gaussian σ 2 volumes, not 3"], made.Differences(new SlidingWindowOptions { Window = 7, Taper = WindowTaper.Gaussian }));
    }

    [Fact]
    public void ModelProblem_OnlyTaperParametersASessionDoesNotCompute()
    {
        ConnectivityTableSidecar Made(SlidingWindowOptions w) => new(w, ["a", "b"], null);

        Assert.Null(Made(new SlidingWindowOptions { Window = 7, Taper = WindowTaper.Gaussian }).ModelProblem());
        Assert.Null(Made(new SlidingWindowOptions { Window = 7, Taper = WindowTaper.Exponential, HalfLife = 3.5 }).ModelProblem());
        Assert.Contains("σ 2 volumes", Made(new SlidingWindowOptions { Window = 7, Taper = WindowTaper.Gaussian, GaussianSigma = 2 }).ModelProblem());
        Assert.Contains("half-life 2 volumes", Made(new SlidingWindowOptions { Window = 7, Taper = WindowTaper.Exponential, HalfLife = 2 }).ModelProblem());
    }
}
