using System.Globalization;
using RealtimeDecode.Engine.Tables;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary>
/// train, evaluate and explain pair targets with feature rows by one rule: a volume listed twice, or a
/// target a feature row needs that is missing (n/a), is refused with one line naming the file and row, exit 2.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class TargetPairingCommandTests : IDisposable
{
    private const int Rows = 80, Window = 13;
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// A DFC-shaped table of 4 ROIs (6 edges) for the windows ending at volumes 12 … 12 + Rows − 1, and
    /// targets for volumes 0 … 12 + Rows − 1 that are a linear map of the features. Returns the paths.
    /// </summary>
    private (string Features, string Targets, List<string> TargetLines) Write()
    {
        var rng = new Random(3);
        string[] edges = ["a~b", "a~c", "a~d", "b~c", "b~d", "c~d"];
        var volumes = Enumerable.Range(Window - 1, Rows).ToArray();
        var x = new double[Rows * edges.Length];
        for (int k = 0; k < x.Length; k++) x[k] = rng.NextDouble() * 2 - 1;
        string features = _dir.File("features.tsv");
        new NumericTable(edges, volumes, x).Write(features);
        var lines = new List<string> { "volume\tjoy\tfear" };
        for (int v = 0; v < Window - 1 + Rows; v++)
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{v}\t{rng.NextDouble():R}\t{rng.NextDouble():R}"));
        string targets = _dir.File("targets.tsv");
        File.WriteAllLines(targets, lines);
        return (features, targets, lines);
    }

    private string Train(string features, string targets, string model) =>
        RunOk("train", "--features", "dfc", "--table", features, "--targets", targets, "--estimator", "ridge", "--alpha", "1", "--cv", "none", "--out", model);

    private static string RunOk(params string[] args)
    {
        var r = CliRunner.Run(args);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Error}");
        return r.Out;
    }

    /// <summary>The same targets with one defect: data row 31 (volume 30) repeated, or volume 30's joy n/a.</summary>
    private string Defective(List<string> lines, string defect)
    {
        var copy = new List<string>(lines);
        if (defect == "duplicate") copy.Insert(32, copy[31]);
        else copy[31] = "30\tn/a\t" + copy[31].Split('\t')[2];
        string path = _dir.File($"targets-{defect}.tsv");
        File.WriteAllLines(path, copy);
        return path;
    }

    private string[] Command(string command, string features, string targets, string model) => command switch
    {
        "train" => ["train", "--features", "dfc", "--table", features, "--targets", targets, "--cv", "none", "--out", _dir.File("refused-model")],
        "evaluate" => ["evaluate", "--model", model, "--table", features, "--targets", targets, "--report", _dir.File("eval")],
        _ => ["explain", "--model", model, "--data", features, "--targets", targets, "--out", _dir.File("explain")],
    };

    [Theory]
    [InlineData("train", "duplicate")]
    [InlineData("train", "nan")]
    [InlineData("evaluate", "duplicate")]
    [InlineData("evaluate", "nan")]
    [InlineData("explain", "duplicate")]
    [InlineData("explain", "nan")]
    public void DefectiveTargets_RefusedInOneLineNamingFileAndRow_Exit2(string command, string defect)
    {
        var (features, targets, lines) = Write();
        string model = _dir.File("model");
        Train(features, targets, model);
        // The intact targets pass through the same command: the refusal is the defect's alone.
        if (command != "train") RunOk(Command(command, features, targets, model));
        string bad = Defective(lines, defect);

        var r = CliRunner.Run(Command(command, features, bad, model));

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error}");
        string line = Assert.Single(r.Error.Trim().Split('\n'));
        string expected = defect == "duplicate"
            ? $"{bad}: row 32: volume 30 is listed twice (also row 31)"
            : $"{bad}: row 31 (volume 30), column 'joy': no target value (NaN)";
        Assert.StartsWith("error: " + expected, line, StringComparison.Ordinal);
        if (command == "train") Assert.False(Directory.Exists(_dir.File("refused-model")));
    }
}
