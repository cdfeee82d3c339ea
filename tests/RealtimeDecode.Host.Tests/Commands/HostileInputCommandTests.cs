using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;
using RealtimeDecode.Tests.Support;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary>
/// Files from fuzzing reports, given to the real executable: each is refused with exit 2 and one
/// line on stderr naming the file, and leaves no output behind (none created, an existing one untouched).
/// </summary>
public sealed class HostileInputCommandTests : IDisposable
{
    private const string Sentinel = "an earlier result that must survive";
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Runs the command twice: with its output absent (must stay absent) and present (must stay unchanged).</summary>
    private CliRunner.Result AssertRefused(string output, string expectedFragment, Func<string[]> args)
    {
        Assert.False(File.Exists(output) || Directory.Exists(output));
        var r = CliProcess.Run(args());
        AssertOneLine(r, expectedFragment);
        Assert.False(File.Exists(output) || Directory.Exists(output), $"{output} was created");

        File.WriteAllText(output, Sentinel);
        var again = CliProcess.Run(args());
        AssertOneLine(again, expectedFragment);
        Assert.Equal(Sentinel, File.ReadAllText(output));
        return r;
    }

    private static void AssertOneLine(CliRunner.Result r, string expectedFragment)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}; stderr: {r.Error}");
        // progress ("extracting: 30%") goes to stderr when it is not a terminal; besides it, one line
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !System.Text.RegularExpressions.Regex.IsMatch(l, @"^[a-z ]+: \d+%$")).ToList();
        Assert.True(lines.Count == 1, $"{lines.Count} lines on stderr besides progress:\n{r.Error}");
        var err = lines[0];
        Assert.StartsWith("error: ", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal); // no stack frame
        Assert.DoesNotContain("Exception", err, StringComparison.Ordinal);
        Assert.Contains(expectedFragment, err, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_DicomWith200000NestedSequences_RefusedNotStackOverflow()
    {
        string input = _dir.File("nested.dcm"), output = _dir.File("nested.nii");
        File.WriteAllBytes(input, CraftedFiles.NestedSequenceDicom(200_000));
        AssertRefused(output, $"{input}: sequence (0040,0275) at byte 800 is nested deeper than 32 levels",
            () => ["convert", input, "--out", output]);
    }

    [Fact]
    public void Extract_NiiGzWithOneFlippedByte_RefusedByTheCrc()
    {
        var affine = Affine.Diagonal(2, 2, 2);
        var rng = new Random(5);
        var vols = Enumerable.Range(0, 6).Select(t => new Volume(6, 5, 4,
            Enumerable.Range(0, 120).Select(_ => (float)rng.Next(0, 2000)).ToArray(), affine, t)).ToList();
        string run = _dir.File("run.nii.gz"), atlas = _dir.File("atlas.nii.gz"), output = _dir.File("roi.tsv");
        NiftiWriter.Write(run, vols, new NiftiWriteOptions { DataType = NiftiDataType.Int16, RepetitionTimeSeconds = 2 });
        NiftiWriter.Write(atlas, [new Volume(6, 5, 4, Enumerable.Range(0, 120).Select(i => (float)(i % 4)).ToArray(), affine)],
            new NiftiWriteOptions { DataType = NiftiDataType.Int16 });
        File.WriteAllBytes(run, CraftedFiles.FlipInsideDeflate(File.ReadAllBytes(run)));
        AssertRefused(output, $"{run}: bad gzip data: CRC-32 mismatch: ",
            () => ["extract", "--bold", run, "--atlas", atlas, "--out", output]);
    }

    [Fact]
    public void Convert_GzipBombDeclaring32767Cubed_RefusedFromTheHeader()
    {
        string input = _dir.File("bomb.nii.gz"), output = _dir.File("bomb-out.nii");
        File.WriteAllBytes(input, CraftedFiles.GzipBomb(32767, 32767, 32767, 64L << 20));
        Assert.True(new FileInfo(input).Length < 200_000);
        AssertRefused(output, $"{input}: dims 32767×32767×32767 are 35181150961663 voxels per volume, more than the limit of 268435456",
            () => ["convert", input, "--out", output]);
    }

    [Fact]
    public void Convert_Nifti2WhoseDimsOverflow_RefusedFromTheHeader()
    {
        string input = _dir.File("overflow.nii"), output = _dir.File("overflow-out.nii");
        File.WriteAllBytes(input, CraftedFiles.OverflowingNifti2(1024, 1024, 1000, int.MaxValue));
        AssertRefused(output, $"{input}: dims 1024×1024×1000×2147483647 are 1048576000 voxels per volume, more than the limit of 268435456",
            () => ["convert", input, "--out", output]);
    }

    [Fact]
    public void Convert_Nifti2Dims32767To4_RefusedFromTheHeader()
    {
        string input = _dir.File("huge.nii"), output = _dir.File("huge-out.nii");
        File.WriteAllBytes(input, CraftedFiles.OverflowingNifti2(32767, 32767, 32767, 32767));
        AssertRefused(output, "voxels per volume, more than the limit of 268435456", () => ["convert", input, "--out", output]);
    }

    [Fact]
    public void Synth_GridBeyondMemory_RefusedAtOnce()
    {
        string output = _dir.File("synth");
        AssertRefused(output, "The grid must have at most 16777216 voxels (e.g. 256×256×256), got 99999×99999×99999 = 999970000299999.",
            () => ["synth", "--grid", "99999x99999x99999", "--out", output]);
    }
}
