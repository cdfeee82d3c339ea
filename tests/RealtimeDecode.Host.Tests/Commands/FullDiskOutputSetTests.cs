using System.Security.Cryptography;
using RealtimeDecode.Host.Tests.Session;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary>
/// The real CLI under a file size limit (a full disk) for the commands whose output is several files: the
/// reports of <c>evaluate</c> and <c>train</c>, the folder of <c>explain</c>, a model package folder, the
/// session of <c>synth</c> and the parameters with the resliced run of <c>realign</c>. A good previous output survives byte for byte, the exit is 2 with one
/// <c>error:</c> line, and no temporary file or folder is left. Each test also writes the second output
/// without the limit, to show that it differs from the first (so "unchanged" means something).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class FullDiskOutputSetTests : IClassFixture<SmallSession>, IDisposable
{
    private const int LimitKiB = 64;
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);
    private readonly SmallSession _s;
    private readonly TempFolder _dir = new();

    public FullDiskOutputSetTests(SmallSession s) => _s = s;

    public void Dispose() => _dir.Dispose();

    /// <summary>Every file and folder under <paramref name="root"/>: relative path → SHA-256 (folders: "folder").</summary>
    private static SortedDictionary<string, string> Snapshot(string root) => new(
        Directory.GetFileSystemEntries(root, "*", SearchOption.AllDirectories).ToDictionary(
            p => Path.GetRelativePath(root, p),
            p => Directory.Exists(p) ? "folder" : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)))),
        StringComparer.Ordinal);

    private static void AssertLargestOver(string folder)
    {
        long largest = Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Max(f => new FileInfo(f).Length);
        Assert.True(largest > LimitKiB * 1024, $"the largest file of {folder} ({largest} bytes) must exceed the limit for the test to mean anything");
    }

    private static void AssertOneLineError(LimitedCli.Result r, string phrase)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error}");
        // Besides the error, standard error holds only progress lines ("fitting: 40%") and notes.
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.All(lines.Where(l => l != line), l => Assert.Matches(@"^(note: .*|.*: \d+%)$", l));
        Assert.Contains("cannot write", line, StringComparison.Ordinal);
        Assert.Contains(phrase, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Out + r.Error, StringComparison.Ordinal);
    }

    private static void AssertNoTemporary(string root) =>
        Assert.DoesNotContain(Directory.GetFileSystemEntries(root, "*", SearchOption.AllDirectories),
            p => Path.GetFileName(p).StartsWith(".tmp-", StringComparison.Ordinal) || Path.GetFileName(p).StartsWith(".old-", StringComparison.Ordinal));

    private static void Ok(CliRunner.Result r) => Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Error}");

    [Fact]
    public void Evaluate_FileSizeLimitHit_PreviousReportByteIdenticalNoTemporary()
    {
        string report = _dir.File("report");
        Ok(CliRunner.Run("evaluate", "--model", _s.Model, "--bold", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels,
            "--targets", _s.Synth.Truth[1], "--report", report));
        AssertLargestOver(report);
        var before = Snapshot(_dir.Path);
        string[] second = ["evaluate", "--model", _s.Model, "--bold", _s.Run1, "--atlas", _s.Atlas, "--labels", _s.Labels,
            "--targets", _s.Synth.Truth[0], "--report", report];

        var r = LimitedCli.Run(LimitKiB, Bound, second);

        AssertOneLineError(r, "no file of the report was changed");
        Assert.Equal(before, Snapshot(_dir.Path));
        Ok(CliRunner.Run(second));
        Assert.NotEqual(before[Path.Combine("report", "metrics.json")], Snapshot(_dir.Path)[Path.Combine("report", "metrics.json")]);
    }

    [Fact]
    public void Realign_ReslicedRunOverLimit_PreviousParametersAndRunByteIdenticalNoTemporary()
    {
        string folder = _dir.File("realigned");
        Directory.CreateDirectory(folder);
        string motion = Path.Combine(folder, "motion.tsv"), resliced = Path.Combine(folder, "resliced.nii.gz");
        Ok(CliRunner.Run("realign", "--bold", _s.Run2, "--out", motion, "--resliced", resliced));
        AssertLargestOver(folder);
        var before = Snapshot(_dir.Path);
        string[] second = ["realign", "--bold", _s.Run1, "--out", motion, "--resliced", resliced];

        var r = LimitedCli.Run(LimitKiB, Bound, second);

        AssertOneLineError(r, "no file of the realignment was changed");
        Assert.Equal(before, Snapshot(_dir.Path));
        Ok(CliRunner.Run(second));
        Assert.NotEqual(before[Path.Combine("realigned", "motion.tsv")], Snapshot(_dir.Path)[Path.Combine("realigned", "motion.tsv")]);
    }

    [Fact]
    public void Explain_FileSizeLimitHit_PreviousExplanationByteIdenticalNoTemporary()
    {
        string output = _dir.File("explained");
        Ok(CliRunner.Run("explain", "--model", _s.Model, "--labels", _s.Labels, "--top", "20", "--out", output));
        AssertLargestOver(output);
        var before = Snapshot(_dir.Path);
        string[] second = ["explain", "--model", _s.Model, "--labels", _s.Labels, "--top", "5", "--out", output];

        var r = LimitedCli.Run(LimitKiB, Bound, second);

        AssertOneLineError(r, "no file of the explanation was changed");
        Assert.Equal(before, Snapshot(_dir.Path));
        Ok(CliRunner.Run(second));
        Assert.NotEqual(before[Path.Combine("explained", "top_edges.tsv")], Snapshot(_dir.Path)[Path.Combine("explained", "top_edges.tsv")]);
    }

    [Fact]
    public void Train_PackageFolderOverLimit_PreviousPackageAndItsOtherFilesIntactNoTemporaryFolder()
    {
        string package = _dir.File("model");
        string[] Train(string alpha) => ["train", "--bold", _s.Run1, "--atlas", _s.Atlas, "--labels", _s.Labels, "--targets", _s.Synth.Truth[0],
            "--estimator", "ridge", "--alpha", alpha, "--cv", "none", "--out", package];
        Ok(CliRunner.Run(Train("1")));
        AssertLargestOver(package);
        File.WriteAllText(Path.Combine(package, "notes.txt"), "kept with the package");
        var before = Snapshot(_dir.Path);

        var r = LimitedCli.Run(LimitKiB, Bound, Train("1000"));

        AssertOneLineError(r, "the previous package is unchanged");
        Assert.Equal(before, Snapshot(_dir.Path));
        // Without the limit the package is replaced whole, and what else the folder held stays.
        Ok(CliRunner.Run(Train("1000")));
        var after = Snapshot(_dir.Path);
        Assert.NotEqual(before[Path.Combine("model", "model.json")], after[Path.Combine("model", "model.json")]);
        Assert.Equal("kept with the package", File.ReadAllText(Path.Combine(package, "notes.txt")));
        AssertNoTemporary(_dir.Path);
    }

    [Fact]
    public void Train_ReportOverLimit_PreviousReportByteIdenticalNoTemporary()
    {
        // ROI features keep the package below the limit, so the report is what hits it.
        string report = _dir.File("report");
        string[] Train(string alpha, string output) => ["train", "--features", "roi", "--bold", _s.Run1, "--bold", _s.Run2, "--atlas", _s.Atlas,
            "--labels", _s.Labels, "--targets", _s.Synth.Truth[0], "--targets", _s.Synth.Truth[1], "--estimator", "ridge", "--alpha", alpha,
            "--cv", "leave-run-out", "--out", _dir.File(output), "--report", report];
        Ok(CliRunner.Run(Train("1", "first")));
        AssertLargestOver(report);
        var before = Snapshot(report);

        var r = LimitedCli.Run(LimitKiB, Bound, Train("1000", "second"));

        AssertOneLineError(r, "no file of the report was changed");
        Assert.Equal(before, Snapshot(report));
        AssertNoTemporary(_dir.Path);
        Ok(CliRunner.Run(Train("1000", "third")));
        Assert.NotEqual(before["metrics.json"], Snapshot(report)["metrics.json"]);
    }

    [Fact]
    public void Synth_FileSizeLimitHit_PreviousSessionByteIdenticalNoTemporaryNoNewFolder()
    {
        string session = _dir.File("session");
        string[] Synth(string seed) => ["synth", "--grid", "20x24x18", "--parcels", "20", "--volumes", "30", "--runs", "2", "--seed", seed, "--out", session];
        Ok(CliRunner.Run(Synth("1")));
        AssertLargestOver(session);
        var before = Snapshot(_dir.Path);

        var r = LimitedCli.Run(LimitKiB, Bound, Synth("2"));

        AssertOneLineError(r, "no file of the session was changed");
        Assert.Equal(before, Snapshot(_dir.Path));
        Ok(CliRunner.Run(Synth("2")));
        Assert.NotEqual(before[Path.Combine("session", "synth.json")], Snapshot(_dir.Path)[Path.Combine("session", "synth.json")]);
    }

    [Fact]
    public void Synth_FileSizeLimitHitInANewFolder_NothingLeftBehind()
    {
        string session = _dir.File("fresh");
        var r = LimitedCli.Run(LimitKiB, Bound, "synth", "--grid", "20x24x18", "--parcels", "20", "--volumes", "30", "--runs", "1", "--out", session);

        AssertOneLineError(r, "no file of the session was changed");
        // The --out folder itself is made before any work (it is checked writable); nothing is left inside it.
        Assert.Empty(Directory.GetFileSystemEntries(session));
    }
}
