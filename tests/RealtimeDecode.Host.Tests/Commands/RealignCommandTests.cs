using System.Globalization;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary><c>realign</c> on the CLI, on a real EPI moved by known rigid transforms.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class RealignCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Golden(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", "motion", name);

    private static double[][] Truth() =>
        File.ReadAllLines(Golden("truth.csv")).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray()).ToArray();

    private static (string[] Header, string[][] Rows) ReadTsv(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        return (lines[0].Split('\t'), lines.Skip(1).Select(l => l.Split('\t')).ToArray());
    }

    private static double Num(string s) => s == "n/a" ? double.NaN : double.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public void Realign_GoldenRun_WritesConfoundsLayoutNearTruthWithPowerFd()
    {
        string outPath = _dir.File("motion.tsv");
        var r = CliRunner.Run("realign", "--bold", Golden("run.nii.gz"), "--out", outPath);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Error}");
        var (header, rows) = ReadTsv(outPath);
        Assert.Equal(["trans_x", "trans_y", "trans_z", "rot_x", "rot_y", "rot_z", "framewise_displacement", "realign_status"], header);
        var truth = Truth();
        Assert.Equal(truth.Length, rows.Length);
        double[]? previous = null;
        for (int t = 0; t < rows.Length; t++)
        {
            Assert.Equal("ok", rows[t][7]);
            var p = rows[t].Take(6).Select(Num).ToArray();
            for (int i = 0; i < 3; i++) Assert.True(Math.Abs(p[i] - truth[t][i]) < 0.1, $"volume {t} {header[i]} {p[i]} vs {truth[t][i]}");
            for (int i = 3; i < 6; i++) Assert.True(Math.Abs(p[i] - truth[t][i]) < 0.1 * Math.PI / 180, $"volume {t} {header[i]} {p[i]} vs {truth[t][i]}");
            // FD recomputed from the written parameters: Power 2012, 50 mm sphere, 0 for the first volume
            double fd = previous is null ? 0 : Enumerable.Range(0, 6).Sum(i => (i < 3 ? 1 : 50) * Math.Abs(p[i] - previous[i]));
            Assert.Equal(fd, Num(rows[t][6]), 9);
            previous = p;
        }
        Assert.Contains("6 volumes", r.Out);
    }

    [Fact]
    public void Realign_ReferenceIsFirstVolume_SameNumbersAsDefault()
    {
        string reference = _dir.File("ref.nii");
        NiftiWriter.Write(reference, [NiftiReader.ReadVolume(Golden("run.nii.gz"), 0)]);
        string a = _dir.File("a.tsv"), b = _dir.File("b.tsv");
        Assert.Equal(0, CliRunner.Run("realign", "--bold", Golden("run.nii.gz"), "--out", a).ExitCode);
        var r = CliRunner.Run("realign", "--bold", Golden("run.nii.gz"), "--out", b, "--reference", reference);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(File.ReadAllText(a), File.ReadAllText(b));
    }

    /// <summary>A reference on the run's grid that is not an image of it (noise): no volume realigns, and nothing is written.</summary>
    [Fact]
    public void Realign_NoVolumeRealignsToTheReference_OneLineExit2NothingWritten()
    {
        var first = NiftiReader.ReadVolume(Golden("run.nii.gz"), 0);
        var rng = new Random(1);
        var noise = new float[first.Data.Length];
        for (int i = 0; i < noise.Length; i++) noise[i] = (float)(rng.NextDouble() * 100);
        string reference = _dir.File("noise.nii");
        NiftiWriter.Write(reference, [new Volume(first.Nx, first.Ny, first.Nz, noise, first.Affine)]);
        string outPath = _dir.File("motion.tsv");

        var r = CliRunner.Run("realign", "--bold", Golden("run.nii.gz"), "--out", outPath, "--reference", reference);

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Out} {r.Error}");
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {reference}: none of the 6 volumes of run could be realigned to this reference (", line, StringComparison.Ordinal);
        Assert.False(File.Exists(outPath));
    }

    [Fact]
    public void Realign_ReferenceOnAnotherGrid_OneLineExit2BeforeFirstVolume()
    {
        string reference = _dir.File("small.nii");
        NiftiWriter.Write(reference, [new Volume(10, 10, 10, new float[1000], Affine.Diagonal(2, 2, 2))]);
        string outPath = _dir.File("motion.tsv");
        var r = CliRunner.Run("realign", "--bold", Golden("run.nii.gz"), "--out", outPath, "--reference", reference);
        Assert.Equal(2, r.ExitCode);
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error:", lines[0]);
        Assert.Contains("small.nii", lines[0]);
        Assert.Contains("grid", lines[0]);
        Assert.False(File.Exists(outPath));
    }

    [Fact]
    public void Realign_UnreadableReference_OneLineExit2()
    {
        string reference = _dir.File("broken.nii");
        File.WriteAllBytes(reference, [1, 2, 3, 4, 5, 6, 7]);
        string outPath = _dir.File("motion.tsv");
        var r = CliRunner.Run("realign", "--bold", Golden("run.nii.gz"), "--out", outPath, "--reference", reference);
        Assert.Equal(2, r.ExitCode);
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("broken.nii", lines[0]);
        Assert.False(File.Exists(outPath));
    }

    [Fact]
    public void Realign_BlankVolumeInRun_RecordedAsBlankAndRunGoesOn()
    {
        var vols = NiftiReader.ReadAllVolumes(Golden("run.nii.gz")).ToList();
        vols[3] = new Volume(vols[3].Nx, vols[3].Ny, vols[3].Nz, new float[vols[3].VoxelCount], vols[3].Affine, 3);
        string run = _dir.File("run.nii.gz");
        NiftiWriter.Write(run, vols, new NiftiWriteOptions { DataType = NiftiDataType.Int16, RepetitionTimeSeconds = 2 });
        string outPath = _dir.File("motion.tsv"), resliced = _dir.File("resliced.nii.gz");
        var r = CliRunner.Run("realign", "--bold", run, "--out", outPath, "--resliced", resliced);
        Assert.True(r.ExitCode == 0, r.Error);
        var (_, rows) = ReadTsv(outPath);
        Assert.Equal(6, rows.Length);
        Assert.Equal("blank", rows[3][7]);
        Assert.All(rows[3].Take(7), v => Assert.Equal("n/a", v));
        Assert.All(rows.Where((_, i) => i != 3), row => Assert.Equal("ok", row[7]));
        // the volume after the blank one is differenced against the last valid one
        var p2 = rows[2].Take(6).Select(Num).ToArray();
        var p4 = rows[4].Take(6).Select(Num).ToArray();
        Assert.Equal(Enumerable.Range(0, 6).Sum(i => (i < 3 ? 1 : 50) * Math.Abs(p4[i] - p2[i])), Num(rows[4][6]), 9);
        using var reader = NiftiReader.Open(resliced);
        Assert.Equal(6, reader.VolumeCount);
        Assert.All(reader.ReadVolume(3).Data, v => Assert.True(float.IsNaN(v)));
        Assert.Contains(reader.ReadVolume(4).Data, v => !float.IsNaN(v));
    }
}
