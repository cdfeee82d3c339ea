using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Host.Commands;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary>The annotate and targets commands end to end through the real command line (no network beyond loopback).</summary>
[Collection(ConsoleCollection.Name)]
public sealed class AnnotateAndTargetsCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("rtd-cli-annot-");

    public void Dispose() => _dir.Delete(true);

    private string Write(string name, string content)
    {
        var p = Path.Combine(_dir.FullName, name);
        File.WriteAllText(p, content);
        return p;
    }

    private string Annotations() => Write("A.tsv",
        "onset\toffset\ttext\tjoy\tfear\n0\t4\tOne.\t0.2\t0.4\n4\t9\tTwo.\t0.8\t0.1\n9.5\t20\tThree.\t0.5\t0.9\n");

    [Fact]
    public void Targets_ValidAnnotations_WritesTableAndSidecarExit0()
    {
        var outPath = Path.Combine(_dir.FullName, "out", "T.tsv");

        int rc = CommandLine.Run(["targets", "--annotations", Annotations(), "--tr", "2", "--volumes", "12", "--hrf", "spm", "--smooth", "3", "--zscore", "--out", outPath]);

        Assert.Equal(0, rc);
        var t = NumericTable.Read(outPath);
        Assert.Equal(["joy", "fear"], t.Columns);
        Assert.Equal(12, t.RowCount);
        Assert.Equal(0.0, t.Column(0).Average(), 10);
        Assert.True(File.Exists(Path.ChangeExtension(outPath, ".json")));
    }

    [Fact]
    public void Targets_SliceTimeReference_RecordedInSidecar()
    {
        var outPath = Path.Combine(_dir.FullName, "T.tsv");

        int rc = CommandLine.Run(["targets", "--annotations", Annotations(), "--tr", "2", "--volumes", "12", "--hrf", "spm", "--acquisition", "0.25", "--out", outPath]);

        Assert.Equal(0, rc);
        var side = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(outPath, ".json")))!;
        Assert.Equal(0.5, (double)side["acquisition_offset_s"]!);
        Assert.Contains("slice-timing reference 0.25", (string)side["acquisition_time"]!);
    }

    [Theory]
    [InlineData("--lag", "4", "--hrf", "spm")]
    [InlineData("--hrf", "glover", "--smooth", "1")]
    [InlineData("--fill", "mean", "--smooth", "1")]
    [InlineData("--smooth", "0", "--zscore", "true")]
    public void Targets_BadOptions_ExitsWithUserError(string o1, string v1, string o2, string v2)
    {
        var outPath = Path.Combine(_dir.FullName, "T.tsv");

        int rc = CommandLine.Run(["targets", "--annotations", Annotations(), "--tr", "2", "--volumes", "12", o1, v1, o2, v2, "--out", outPath]);

        Assert.Equal(CommandLine.UserError, rc);
        Assert.False(File.Exists(outPath));
    }

    [Theory]
    [InlineData("2000000000")]
    [InlineData("0")]
    [InlineData("-5")]
    public void Targets_VolumesOutOfRange_RefusedInOneLineWithoutOutput(string volumes)
    {
        var outPath = Path.Combine(_dir.FullName, "T.tsv");

        var r = CliRunner.Run("targets", "--annotations", Annotations(), "--tr", "2", "--volumes", volumes, "--out", outPath);

        Assert.Equal(CommandLine.UserError, r.ExitCode);
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--volumes", line, StringComparison.Ordinal);
        Assert.False(File.Exists(outPath));
    }

    [Theory]
    [InlineData("onset\toffset\ttext\tjoy\n0\t4\tOne.\t0.2\n3\t9\tTwo.\t0.8\n")]
    [InlineData("onset\toffset\ttext\tjoy\n4\t8\tOne.\t0.2\n0\t3\tTwo.\t0.8\n")]
    [InlineData("onset\ttext\tjoy\n0\tOne.\t0.2\n")]
    [InlineData("onset\toffset\ttext\tjoy\n0\t4\t \t0.2\n")]
    public void Targets_BadAnnotations_ExitsWithUserError(string tsv)
    {
        var outPath = Path.Combine(_dir.FullName, "T.tsv");

        int rc = CommandLine.Run(["targets", "--annotations", Write("bad.tsv", tsv), "--tr", "2", "--volumes", "12", "--out", outPath]);

        Assert.Equal(CommandLine.UserError, rc);
        Assert.False(File.Exists(outPath));
    }

    [Theory]
    [InlineData("onset\toffset\ttext\n0\t2\tOne.\n1\t3\tTwo.\n")]
    [InlineData("onset\toffset\ttext\n2\t3\tOne.\n0\t1\tTwo.\n")]
    [InlineData("onset\toffset\ttext\n0\t2\t\n")]
    [InlineData("onset\toffset\n0\t2\n")]
    public void Annotate_BadTranscript_ExitsWithUserErrorBeforeAnyRequest(string tsv)
    {
        var outPath = Path.Combine(_dir.FullName, "A.tsv");

        int rc = CommandLine.Run(["annotate", "--transcript", Write("T.tsv", tsv), "--endpoint", "http://127.0.0.1:9/v1", "--llm-model", "m", "--out", outPath]);

        Assert.Equal(CommandLine.UserError, rc);
        Assert.False(File.Exists(outPath));
    }

    [Theory]
    [InlineData("--emotions", "joy,,Joy")]
    [InlineData("--context", "everything")]
    [InlineData("--votes", "0")]
    [InlineData("--response-format", "xml")]
    [InlineData("--endpoint", "localhost:8080")]
    [InlineData("--prompt", "/nonexistent/prompt.txt")]
    public void Annotate_BadOption_ExitsWithUserError(string option, string value)
    {
        var transcript = Write("T.tsv", "onset\toffset\ttext\n0\t2\tOne.\n");
        var args = new List<string> { "annotate", "--transcript", transcript, "--endpoint", "http://127.0.0.1:9/v1", "--llm-model", "m", "--out", Path.Combine(_dir.FullName, "A.tsv") };
        int i = args.IndexOf(option);
        if (i >= 0) args[i + 1] = value; else args.AddRange([option, value]);

        Assert.Equal(CommandLine.UserError, CommandLine.Run(args.ToArray()));
    }

    [Fact]
    public void Annotate_PromptWithUnknownPlaceholder_ExitsWithUserError()
    {
        var transcript = Write("T.tsv", "onset\toffset\ttext\n0\t2\tOne.\n");
        var prompt = Write("p.txt", "Rate {{sentence}}");

        int rc = CommandLine.Run(["annotate", "--transcript", transcript, "--endpoint", "http://127.0.0.1:9/v1", "--llm-model", "m", "--prompt", prompt, "--out", Path.Combine(_dir.FullName, "A.tsv")]);

        Assert.Equal(CommandLine.UserError, rc);
    }

    [Fact]
    public void Annotate_DryRun_SendsNothingAndWritesNothing()
    {
        var transcript = Write("T.tsv", "onset\toffset\ttext\n0\t2\tOne.\n2\t4\tTwo.\n");
        var outPath = Path.Combine(_dir.FullName, "A.tsv");

        int rc = CommandLine.Run(["annotate", "--transcript", transcript, "--endpoint", "http://127.0.0.1:9/v1", "--llm-model", "m", "--out", outPath, "--dry-run"]);

        Assert.Equal(0, rc);
        Assert.False(File.Exists(outPath));
        Assert.False(File.Exists(Path.ChangeExtension(outPath, ".cache.jsonl")));
    }

    [Fact]
    public void Annotate_EndpointUnreachable_ExitsWithUserErrorAndNoOutput()
    {
        var transcript = Write("T.tsv", "onset\toffset\ttext\n0\t2\tOne.\n");
        var outPath = Path.Combine(_dir.FullName, "A.tsv");

        // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
        int rc = CommandLine.Run(["annotate", "--transcript", transcript, "--endpoint", "http://127.0.0.1:9/v1", "--llm-model", "m", "--max-attempts", "1", "--out", outPath]);

        Assert.Equal(CommandLine.UserError, rc);
        Assert.False(File.Exists(outPath));
    }
}
