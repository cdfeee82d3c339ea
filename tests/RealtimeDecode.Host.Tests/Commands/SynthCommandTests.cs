using System.Security.Cryptography;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary><c>synth</c> options and output folders on the real CLI.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SynthCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string OneLineExit2(CliRunner.Result r)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Out} {r.Error}");
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Error);
        return line;
    }

    [Fact]
    public void Synth_GridWithFewerBrainVoxelsThanParcels_OneLineNamingBothOptionsExit2()
    {
        string o = _dir.File("x");

        var line = OneLineExit2(CliRunner.Run("synth", "--out", o, "--grid", "4x4x4"));

        Assert.Equal("error: --grid 4x4x4 has 32 brain voxels, fewer than --parcels 100: give a larger grid or fewer parcels", line);
        Assert.False(Directory.Exists(o));
    }

    private static readonly string[] Small = ["--grid", "12x14x10", "--volumes", "24"];

    /// <summary>Every file under <paramref name="root"/> (relative, '/'-separated) with its SHA-256.</summary>
    private static Dictionary<string, string> Files(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private static void Ok(CliRunner.Result r) => Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Error}");

    [Fact]
    public void Synth_OverAnEarlierSessionWithMoreRunsAndParcels_LeavesOnlyTheNewSessionAndOtherFiles()
    {
        string s2 = _dir.File("s2"), fresh = _dir.File("fresh");
        Ok(CliRunner.Run(["synth", "--out", s2, .. Small, "--parcels", "21", "--runs", "2", "--motion", "low"]));
        File.WriteAllText(Path.Combine(s2, "notes.txt"), "mine\n");
        string[] second = [.. Small, "--parcels", "14", "--runs", "1", "--seed", "2"];

        var r = CliRunner.Run(["synth", "--out", s2, .. second]);

        Ok(r);
        Ok(CliRunner.Run(["synth", "--out", fresh, .. second]));
        var expected = Files(fresh);
        expected["notes.txt"] = Files(s2)["notes.txt"];
        Assert.Equal(expected, Files(s2));
        Assert.Contains("removed 7 file(s) of the earlier session", r.Out, StringComparison.Ordinal);
        Assert.Contains("atlas-Synth21Parcels7Networks_dseg.nii.gz", r.Out, StringComparison.Ordinal);
        // The BIDS folder now holds the one run synth.json describes.
        var x = CliRunner.Run("extract", "--bold", s2, "--atlas", Path.Combine(s2, "atlas", "atlas-Synth14Parcels7Networks_dseg.nii.gz"), "--out", _dir.File("roi.tsv"));
        Ok(x);
        Assert.Contains("run-1", x.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Synth_IntoAFolderOfOtherFiles_OneLineExit2NothingChanged()
    {
        string o = _dir.File("data");
        Directory.CreateDirectory(o);
        File.WriteAllText(Path.Combine(o, "roi.tsv"), "volume\tA\n0\t1\n");
        var before = Files(o);

        var line = OneLineExit2(CliRunner.Run(["synth", "--out", o, .. Small, "--parcels", "14"]));

        Assert.Equal($"error: {o}: --out holds roi.tsv and no synth.json, so it is not an earlier synthetic session: give an empty or new folder", line);
        Assert.Equal(before, Files(o));
    }

    [Fact]
    public void Synth_IntoAnEmptyFolder_Written()
    {
        string o = _dir.File("empty");
        Directory.CreateDirectory(o);

        Ok(CliRunner.Run(["synth", "--out", o, .. Small, "--parcels", "14", "--runs", "1"]));

        Assert.True(File.Exists(Path.Combine(o, "synth.json")));
    }

    [Fact]
    public void Synth_OverASynthJsonThatDoesNotRead_OneLineExit2NothingChanged()
    {
        string o = _dir.File("odd");
        Directory.CreateDirectory(o);
        File.WriteAllText(Path.Combine(o, "synth.json"), "{\"generator\": \"someone else\"}\n");
        var before = Files(o);

        var line = OneLineExit2(CliRunner.Run(["synth", "--out", o, .. Small, "--parcels", "14"]));

        Assert.StartsWith($"error: {Path.Combine(o, "synth.json")}: missing or malformed field", line, StringComparison.Ordinal);
        Assert.EndsWith("--out must be an empty folder or an earlier synthetic session", line, StringComparison.Ordinal);
        Assert.Equal(before, Files(o));
    }
}
