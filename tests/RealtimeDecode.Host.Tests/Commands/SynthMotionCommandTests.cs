using System.Security.Cryptography;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary><c>synth --motion</c> on the real CLI: the default keeps the bundled session's bytes, a moved session carries its truth, bad levels end with one line.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SynthMotionCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();

    [Fact]
    public void Synth_MotionNoneOverTheBundledFiles_ReproducesTheBundledSessionByteForByte()
    {
        string root = RealtimeDecode.Host.Configuration.RepositoryPaths.Root ?? throw new InvalidOperationException("no folder with replay-data/ found");
        string bundled = Path.Combine(root, "replay-data", "session");
        // Over the files a clone holds (the runs are not committed), as replay-data/README.md remakes the session.
        string o = _dir.File("s");
        var committed = Directory.EnumerateFiles(bundled, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(bundled, f))
            .Where(f => !f.EndsWith("_bold.nii.gz", StringComparison.Ordinal) && !f.StartsWith('.'))
            .ToList();
        foreach (var f in committed)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(o, f))!);
            File.Copy(Path.Combine(bundled, f), Path.Combine(o, f));
        }
        var r = CliRunner.Run("synth", "--out", o, "--seed", "1", "--motion", "none");
        Assert.True(r.ExitCode == 0, $"synth exited {r.ExitCode}: {r.Error}");
        Assert.DoesNotContain("removed", r.Out, StringComparison.Ordinal);
        Assert.Equal(committed.Count + 2, Directory.GetFiles(o, "*", SearchOption.AllDirectories).Length);

        foreach (var line in File.ReadAllLines(Path.Combine(bundled, "checksums.sha256")).Where(l => l.Length > 0))
        {
            var parts = line.Split("  ", 2);
            Assert.Equal(parts[0], Sha256(Path.Combine(o, parts[1])));
        }

        foreach (var f in new[] { "synth.json", "sub-01/func/sub-01_task-alice_run-1_desc-truth_targets.tsv", "stimuli/task-alice_annotations.tsv" })
            Assert.Equal(Sha256(Path.Combine(bundled, f)), Sha256(Path.Combine(o, f)));
        Assert.Empty(Directory.GetFiles(o, "*_desc-truth_motion.tsv", SearchOption.AllDirectories));
    }

    [Fact]
    public void Synth_MotionLowCovariesJoy_WritesTruthPerRun()
    {
        string o = _dir.File("m");
        var r = CliRunner.Run("synth", "--out", o, "--grid", "12x14x10", "--parcels", "21", "--volumes", "24", "--motion", "low", "--motion-covaries", "joy");
        Assert.True(r.ExitCode == 0, $"synth exited {r.ExitCode}: {r.Error}");
        foreach (int run in new[] { 1, 2 })
        {
            var lines = File.ReadAllLines(Path.Combine(o, "sub-01", "func", $"sub-01_task-alice_run-{run}_desc-truth_motion.tsv"));
            Assert.Equal(25, lines.Length);
            Assert.Equal(7, lines[1].Split('\t').Length);
        }
    }

    [Theory]
    [InlineData("--motion", "medium", "--motion")]
    [InlineData("--motion-covaries", "laughter", "--motion-covaries")]
    public void Synth_BadMotionOption_OneLineExit2(string option, string value, string named)
    {
        var args = new List<string> { "synth", "--out", _dir.File("bad"), "--grid", "12x14x10", "--parcels", "21", "--volumes", "24", option, value };
        if (option == "--motion-covaries") args.AddRange(["--motion", "high"]);
        var r = CliRunner.Run([.. args]);
        AssertOneLineExit2(r, named);
    }

    [Fact]
    public void Synth_CovariesWithoutMotion_OneLineExit2()
    {
        var r = CliRunner.Run("synth", "--out", _dir.File("bad"), "--motion-covaries", "joy");
        AssertOneLineExit2(r, "--motion");
    }

    private static void AssertOneLineExit2(CliRunner.Result r, string named)
    {
        Assert.Equal(2, r.ExitCode);
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(named, lines[0]);
    }
}
