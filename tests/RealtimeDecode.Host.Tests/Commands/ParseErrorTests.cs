namespace RealtimeDecode.Host.Tests.Commands;

/// <summary>
/// Command lines that do not parse (an unknown or misspelt option, a missing required option, a value of
/// the wrong type, no command): exit 2, one <c>error: </c> line per problem and one line naming the help,
/// never the help itself. The files named need not exist: parsing fails before any is opened.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ParseErrorTests
{
    /// <summary>Asserts the report: exit 2, nothing on stdout, the error lines as given, then the help line.</summary>
    private static void AssertReport(CliRunner.Result r, string help, params string[] errors)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}; stderr: {r.Error}");
        Assert.Equal("", r.Out);
        Assert.DoesNotContain("Usage:", r.Error);
        Assert.DoesNotContain("Options:", r.Error);
        Assert.DoesNotContain("   at ", r.Error);
        var lines = r.Error.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
        Assert.Equal([.. errors, $"see: {help}"], lines);
    }

    [Theory]
    [InlineData("extract", "--atlass", "--atlas", "extract --bold x.nii.gz --atlass a.nii.gz --out o.tsv")]
    [InlineData("explain", "--modle", "--model", "explain --modle m --labels l.tsv --out e")]
    [InlineData("replay", "--spede", "--speed", "replay --spede 10")]
    [InlineData("connectivity", "--windw", "--window", "connectivity --roi r.tsv --windw 13 --out d.tsv")]
    public void MisspeltOption_OneLineWithSuggestionExit2(string command, string typo, string meant, string commandLine)
    {
        var r = CliRunner.Run(commandLine.Split(' '));
        AssertReport(r, $"realtime-decode {command} --help",
            $"error: Unrecognized command or argument '{typo}'. Did you mean '{meant}'?");
    }

    [Fact]
    public void UnknownOptionWithNoNearName_OneLineNamingItExit2()
    {
        var r = CliRunner.Run("extract", "--bold", "x.nii.gz", "--atlas", "a.nii.gz", "--out", "o.tsv", "--zzzzzzzzzz", "3");
        AssertReport(r, "realtime-decode extract --help", "error: Unrecognized command or argument '--zzzzzzzzzz'.");
    }

    [Theory]
    [InlineData("extract --bold x.nii.gz --out o.tsv", "extract", "--atlas")]
    [InlineData("connectivity --window 13 --out d.tsv", "connectivity", "--roi")]
    [InlineData("predict --bold x.nii.gz --atlas a.nii.gz --out p.tsv", "predict", "--model")]
    [InlineData("protocol check", "protocol check", "FILE")]
    public void MissingRequiredOption_OneLineExit2(string commandLine, string command, string missing)
    {
        var r = CliRunner.Run(commandLine.Split(' '));
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}; stderr: {r.Error}");
        var lines = r.Error.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
        var error = Assert.Single(lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains(missing, error, StringComparison.Ordinal);
        AssertReport(r, $"realtime-decode {command} --help", error);
    }

    [Fact]
    public void TwoMissingOptions_OneLineEach()
    {
        var r = CliRunner.Run("extract", "--bold", "x.nii.gz");
        AssertReport(r, "realtime-decode extract --help", "error: Option '--atlas' is required.", "error: Option '--out' is required.");
    }

    [Theory]
    [InlineData("synth --seed abc --out s", "synth", "'abc'", "--seed", "as a whole number")]
    [InlineData("connectivity --roi r.tsv --window thirteen --out d.tsv", "connectivity", "'thirteen'", "--window", "as a whole number")]
    [InlineData("targets --annotations a.tsv --tr 2 --volumes many --out t.tsv", "targets", "'many'", "--volumes", "as a whole number")]
    [InlineData("targets --annotations a.tsv --tr two --volumes 10 --out t.tsv", "targets", "'two'", "--tr", "as a number")]
    public void ValueOfWrongType_OneLineNamingValueOptionAndWhatIsExpectedExit2(string commandLine, string command, string value, string option, string expected)
    {
        var r = CliRunner.Run(commandLine.Split(' '));
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}; stderr: {r.Error}");
        var error = r.Error.Split('\n')[0].TrimEnd('\r');
        Assert.StartsWith("error: ", error);
        Assert.Contains(value, error, StringComparison.Ordinal);
        Assert.Contains($"'{option}'", error, StringComparison.Ordinal);
        Assert.EndsWith($"{expected}.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
        AssertReport(r, $"realtime-decode {command} --help", error);
    }

    [Fact]
    public void ArgumentWithNewline_ErrorStaysOneLine()
    {
        var r = CliRunner.Run("extract", "--bold", "x.nii.gz", "--atlas", "a.nii.gz", "--out", "o.tsv", "two\nlines");
        AssertReport(r, "realtime-decode extract --help", "error: Unrecognized command or argument 'two\\nlines'.");
    }

    [Fact]
    public void NoCommand_OneLineExit2()
    {
        var r = CliRunner.Run();
        AssertReport(r, "realtime-decode --help", "error: Required command was not provided.");
    }

    [Theory]
    [InlineData("extract", "--help")]
    [InlineData("extract", "--atlass", "a.nii.gz", "--help")]
    [InlineData("train", "-h")]
    public void Help_PrintsHelpExit0(params string[] args)
    {
        var r = CliRunner.Run(args);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}; stderr: {r.Error}");
        Assert.Contains("Usage:", r.Out);
        Assert.Contains($" {args[0]} [options]", r.Out, StringComparison.Ordinal);
        Assert.Equal("", r.Error);
    }
}
