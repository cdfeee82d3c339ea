using System.Globalization;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Tables;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary>
/// A connectivity table carries its settings in a sidecar: train takes them for the model, refuses options that
/// contradict them, and checks a table without a sidecar by its first window; evaluate and predict refuse a table
/// made otherwise than their model.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class TrainFromConnectivityTableTests : IDisposable
{
    private const int Volumes = 60;
    private readonly TempFolder _dir = new();

    public TrainFromConnectivityTableTests()
    {
        var rng = new Random(11);
        var x = new double[Volumes * 4];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble();
        new NumericTable(["A", "B", "C", "D"], Enumerable.Range(0, Volumes).ToArray(), x).Write(_dir.File("roi.tsv"));
        var lines = new List<string> { "volume\tjoy\tfear" };
        for (int v = 0; v < Volumes; v++) lines.Add(string.Create(CultureInfo.InvariantCulture, $"{v}\t{rng.NextDouble():R}\t{rng.NextDouble():R}"));
        File.WriteAllLines(_dir.File("targets.tsv"), lines);
    }

    public void Dispose() => _dir.Dispose();

    private string Connectivity(string name, params string[] options)
    {
        var r = CliRunner.Run(["connectivity", "--roi", _dir.File("roi.tsv"), "--out", _dir.File(name), .. options]);
        Assert.True(r.ExitCode == 0, r.Error);
        return _dir.File(name);
    }

    private CliRunner.Result Train(string table, string model, params string[] options) =>
        CliRunner.Run(["train", "--features", "dfc", "--table", table, "--targets", _dir.File("targets.tsv"), "--alpha", "1", "--cv", "none", "--out", _dir.File(model), .. options]);

    private JsonNode Features(string model) => JsonNode.Parse(File.ReadAllText(Path.Combine(_dir.File(model), "model.json")))!["features"]!;

    private static void AssertRefused(CliRunner.Result r, params string[] expected)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Out} {r.Error}");
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        foreach (var e in expected) Assert.Contains(e, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Error);
    }

    [Fact]
    public void Train_TableWithDetrendOrZScore_WarnsThatTheTablesCannotShowIt_AndRecordsThem()
    {
        string table = Connectivity("dfc.tsv");

        var plain = Train(table, "plain");
        var asked = Train(table, "detrended", "--detrend", "1", "--zscore");

        Assert.True(plain.ExitCode == 0, plain.Error);
        Assert.DoesNotContain("warning:", plain.Error, StringComparison.Ordinal);
        Assert.True(asked.ExitCode == 0, asked.Error);
        var warning = Assert.Single(asked.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("warning: ", StringComparison.Ordinal));
        Assert.Contains("--detrend 1 and --zscore with --table", warning, StringComparison.Ordinal);
        Assert.Contains("extract and connectivity do not", warning, StringComparison.Ordinal);
        var preprocessing = Features("detrended")["preprocessing"]!;
        Assert.Equal(1, (int)preprocessing["detrend_order"]!);
        Assert.True((bool)preprocessing["zscore"]!);
    }

    [Theory]
    [InlineData("--window|1", "error: --window 1: The window must hold at least 2 volumes.")]
    [InlineData("--taper|exp|--half-life|1e-9", "error: --half-life 1E-09: The half-life must be 0 (= window/2) or at least 1 volume.")]
    [InlineData("--taper|gaussian|--sigma|0", "error: --sigma 0: The Gaussian σ must be a positive number of volumes.")]
    public void Connectivity_WindowSettingOutOfRange_OneLineNamingTheOption(string options, string expected)
    {
        var r = CliRunner.Run(["connectivity", "--roi", _dir.File("roi.tsv"), "--out", _dir.File("dfc.tsv"), .. options.Split('|')]);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal(expected, Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.False(File.Exists(_dir.File("dfc.tsv")));
    }

    [Theory]
    [InlineData("--sigma|5", "warning: --sigma applies to the gaussian taper; the rectangular taper ignores it")]
    [InlineData("--taper|gaussian|--half-life|4", "warning: --half-life applies to the exp taper; the gaussian taper ignores it")]
    public void Connectivity_ParameterOfAnotherTaper_Warned(string options, string expected)
    {
        var r = CliRunner.Run(["connectivity", "--roi", _dir.File("roi.tsv"), "--out", _dir.File("dfc.tsv"), .. options.Split('|')]);

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(expected, Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public void Connectivity_WritesASidecarWithItsSettingsRoisAndSource()
    {
        Connectivity("dfc.tsv", "--window", "7", "--taper", "gaussian", "--sigma", "2.5");

        var json = JsonNode.Parse(File.ReadAllText(_dir.File("dfc.json")))!;
        Assert.Equal("rtdecode-connectivity-table", (string)json["format"]!);
        Assert.Equal(1, (int)json["version"]!);
        Assert.Equal(7, (int)json["window"]!);
        Assert.Equal("gaussian", (string)json["taper"]!);
        Assert.Equal(2.5, (double)json["sigma_volumes"]!);
        Assert.False((bool)json["fisher_z"]!);
        Assert.Equal(4, (int)json["roi_count"]!);
        Assert.Equal(["A", "B", "C", "D"], json["roi_names"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(Path.GetFullPath(_dir.File("roi.tsv")), (string)json["source_roi_table"]!);
        Assert.Equal(6, NumericTable.Read(_dir.File("dfc.tsv")).Volumes[0]);
    }

    [Fact]
    public void Connectivity_OutAJsonFile_RefusedWithoutWritingAnything()
    {
        var r = CliRunner.Run("connectivity", "--roi", _dir.File("roi.tsv"), "--out", _dir.File("dfc.json"));

        AssertRefused(r, "dfc.json: --out is a .json file");
        Assert.False(File.Exists(_dir.File("dfc.json")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Train_TableWithSidecar_ModelRecordsTheTablesSettings(bool windowGiven)
    {
        // The user's case: a Gaussian window of 7 without Fisher z, train's defaults being 13, rectangular, Fisher z.
        string table = Connectivity("raw.tsv", "--window", "7", "--taper", "gaussian");

        var r = Train(table, "model", windowGiven ? ["--window", "7"] : []);

        Assert.True(r.ExitCode == 0, r.Error);
        var features = Features("model");
        Assert.Equal(7, (int)features["window"]!);
        Assert.Equal("gaussian", (string)features["taper"]!);
        Assert.False((bool)features["fisher_z"]!);
        Assert.Contains("features: DFC W=7 gaussian (σ 3), Pearson r (no Fisher z), as " + _dir.File("raw.json") + " says the table was made; the model records these", r.Out);
    }

    [Theory]
    [InlineData("--window", "13", "was made with window 7; --window 13 contradicts it")]
    [InlineData("--taper", "rect", "was made with the gaussian taper; --taper rect contradicts it")]
    [InlineData("--fisher", "true", "was made with Pearson r (no Fisher z); --fisher true contradicts it")]
    public void Train_OptionContradictingTheSidecar_RefusedNamingBothValues(string option, string value, string expected)
    {
        string table = Connectivity("raw.tsv", "--window", "7", "--taper", "gaussian");

        var r = Train(table, "model", option, value);

        AssertRefused(r, _dir.File("raw.json") + ": " + table + " " + expected);
        Assert.False(Directory.Exists(_dir.File("model")));
    }

    [Fact]
    public void Train_TableWithoutSidecar_CheckedByItsFirstWindowAndSaysWhereTheSettingsComeFrom()
    {
        string table = Connectivity("raw.tsv", "--window", "7", "--fisher");
        File.Delete(_dir.File("raw.json"));

        AssertRefused(Train(table, "model"), "raw.tsv: its first window ends at volume 6, so its window is 7 volumes, not 13 (train's default --window): give --window 7");
        AssertRefused(Train(table, "model", "--window", "9"), "so its window is 7 volumes, not 9 (--window)");
        Assert.False(Directory.Exists(_dir.File("model")));

        var r = Train(table, "model", "--window", "7");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("features: DFC W=7 rectangular, Fisher z, from the options: " + table + " has no sidecar", r.Out);
        Assert.Equal(7, (int)Features("model")["window"]!);
    }

    [Fact]
    public void Train_SidecarWithAGaussianSigmaNoModelRecords_Refused()
    {
        string table = Connectivity("raw.tsv", "--window", "7", "--taper", "gaussian", "--sigma", "2");

        AssertRefused(Train(table, "model"), "raw.json: the table was made with a Gaussian taper of σ 2 volumes", "a session computes σ 3");
        Assert.False(Directory.Exists(_dir.File("model")));
    }

    [Fact]
    public void Train_TablesWhoseSidecarsDisagree_Refused()
    {
        string seven = Connectivity("w7.tsv", "--window", "7"), nine = Connectivity("w9.tsv", "--window", "9");
        File.Copy(_dir.File("targets.tsv"), _dir.File("targets2.tsv"));

        var r = CliRunner.Run("train", "--features", "dfc", "--table", seven, "--table", nine, "--targets", _dir.File("targets.tsv"),
            "--targets", _dir.File("targets2.tsv"), "--cv", "none", "--out", _dir.File("model"));

        AssertRefused(r, "w9.json: " + nine + " was made with W=9 rectangular, Pearson r (no Fisher z), " + seven + " with W=7 rectangular, Pearson r (no Fisher z)");
    }

    [Fact]
    public void Train_SidecarOfAnotherTable_Refused()
    {
        string table = Connectivity("raw.tsv", "--window", "7");
        new NumericTable(["P", "Q", "R", "S"], Enumerable.Range(0, Volumes).ToArray(), NumericTable.Read(_dir.File("roi.tsv")).Values).Write(_dir.File("roi2.tsv"));
        Assert.Equal(0, CliRunner.Run("connectivity", "--roi", _dir.File("roi2.tsv"), "--window", "7", "--out", _dir.File("other.tsv")).ExitCode);
        File.Copy(_dir.File("other.json"), _dir.File("raw.json"), overwrite: true);

        AssertRefused(Train(table, "model"), "raw.tsv: its columns are not the edges of the 4 ROIs its sidecar");
    }

    [Fact]
    public void PredictEvaluate_TableMadeOtherwiseThanTheModel_Refused()
    {
        string seven = Connectivity("w7.tsv", "--window", "7", "--taper", "gaussian");
        Assert.Equal(0, Train(seven, "model").ExitCode);
        string model = _dir.File("model");
        string thirteen = Connectivity("w13.tsv", "--fisher");

        var ok = CliRunner.Run("predict", "--model", model, "--features", seven, "--out", _dir.File("p.tsv"));
        Assert.True(ok.ExitCode == 0, ok.Error);
        AssertRefused(CliRunner.Run("predict", "--model", model, "--features", thirteen, "--out", _dir.File("p13.tsv")),
            "w13.json: " + thirteen + " was made with W=13 rectangular, Fisher z, but the model " + model + " takes W=7 gaussian (σ 3), Pearson r (no Fisher z)");
        Assert.False(File.Exists(_dir.File("p13.tsv")));

        File.Delete(_dir.File("w13.json"));
        AssertRefused(CliRunner.Run("evaluate", "--model", model, "--table", thirteen, "--targets", _dir.File("targets.tsv"), "--report", _dir.File("eval")),
            "w13.tsv: its first window ends at volume 12, so its window is 13 volumes, not 7 (the window of the model " + model + ")");
        Assert.False(Directory.Exists(_dir.File("eval")));
    }
}
