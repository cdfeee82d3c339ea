using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Dicom;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Host.Tests.Commands;

[Collection(ConsoleCollection.Name)]
public sealed class SimulateScannerCommandTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string WriteRun(int volumes, double tr = 1.5)
    {
        var path = _dir.File("run.nii.gz");
        var vols = Enumerable.Range(0, volumes)
            .Select(t => new Volume(5, 4, 3, Enumerable.Range(0, 60).Select(i => (float)(100 + i * 3 + t)).ToArray(), Affine.Diagonal(3, 3, 3.5, -7, -5, 2), t))
            .ToList();
        NiftiWriter.Write(path, vols, new NiftiWriteOptions { RepetitionTimeSeconds = tr });
        return path;
    }

    [Theory]
    [InlineData("dicom")]
    [InlineData("nifti")]
    public void SimulateScanner_MaxSpeed_WritesEveryVolumeAndSummary(string format)
    {
        var run = WriteRun(25);
        var outDir = _dir.File("export");
        var r = CliRunner.Run("simulate-scanner", "--run", run, "--out", outDir, "--format", format, "--speed", "max", "--seed", "4");
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Error}");
        var files = Directory.GetFiles(outDir, format == "dicom" ? "*.dcm" : "*.nii").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(25, files.Count);
        var first = format == "dicom" ? DicomReader.ReadVolume(files[0]) : NiftiReader.ReadVolume(files[0]);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => (float)(100 + i * 3)), first.Data);
        if (format == "dicom") Assert.Equal(1.5, DicomReader.ReadInfo(files[0]).RepetitionTimeSeconds);
        Assert.Equal(new[] { "  10/25 volumes, 10 files written", "  20/25 volumes, 20 files written" }, r.Out.Split('\n').Where(l => l.Contains("files written", StringComparison.Ordinal))); // every 10 volumes
        Assert.Contains("25 files for 25 volumes; faults injected: none", r.Out);
        Assert.True(File.Exists(Path.Combine(outDir, "faults.tsv")));
    }

    [Fact]
    public void SimulateScanner_Faults_CountedInSummaryAndLog()
    {
        var run = WriteRun(40);
        var outDir = _dir.File("export");
        var r = CliRunner.Run("simulate-scanner", "--run", run, "--out", outDir, "--format", "nifti", "--speed", "max",
            "--faults", "drop=0.2,duplicate=0.1", "--seed", "8", "--tr", "2");
        Assert.Equal(0, r.ExitCode);
        var log = File.ReadAllLines(Path.Combine(outDir, "faults.tsv")).Skip(1).Select(l => l.Split('\t')).ToList();
        int drops = log.Count(c => c[1] == "drop"), dups = log.Count(c => c[1] == "duplicate");
        Assert.True(drops > 0 && dups > 0);
        Assert.Contains($"drop {drops}", r.Out);
        Assert.Contains($"duplicate {dups}", r.Out);
        Assert.Equal(40 - drops + dups, Directory.GetFiles(outDir, "*.nii").Length);
        Assert.Equal(2.0, NiftiReader.ReadHeader(Directory.GetFiles(outDir, "*vol_*.nii").Order(StringComparer.Ordinal).First()).RepetitionTimeSeconds, 6);
    }

    [Theory]
    [InlineData("--faults", "drop=7", "not a rate")]
    [InlineData("--format", "png", "use dicom or nifti")]
    [InlineData("--speed", "fast", "positive factor or max")]
    public void SimulateScanner_BadOption_OneLineExit2(string option, string value, string problem)
    {
        var run = WriteRun(2);
        var r = CliRunner.Run("simulate-scanner", "--run", run, "--out", _dir.File("x"), option, value);
        Assert.Equal(2, r.ExitCode);
        var line = r.Error.TrimEnd('\n', '\r');
        Assert.DoesNotContain('\n', line);
        Assert.Contains(problem, line);
    }

    [Fact]
    public void SimulateScanner_MissingRun_OneLineExit2()
    {
        var missing = _dir.File("none.nii.gz");
        var r = CliRunner.Run("simulate-scanner", "--run", missing, "--out", _dir.File("x"));
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"error: {missing}: file not found", r.Error.TrimEnd('\n', '\r'));
    }
}
