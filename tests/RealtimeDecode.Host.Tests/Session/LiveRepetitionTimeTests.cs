using System.CommandLine;
using System.Globalization;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;
using RealtimeDecode.Host.Tests.Commands;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary>
/// <c>live</c> and the TR its volumes state (DICOM RepetitionTime, NIfTI pixdim[4] with time units): given no TR it takes
/// the first volume's and says so in one line; given another TR, it keeps the given one and warns once naming the file and
/// both TRs; given the same, it says nothing; volumes that state none leave the default 2 s, said too; a first volume that
/// cannot be read is recorded corrupt and the next one gives the TR.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class LiveRepetitionTimeTests : IClassFixture<SmallSession>
{
    private readonly SmallSession _s;

    public LiveRepetitionTimeTests(SmallSession session) => _s = session;

    private static Task<int> InvokeAsync(string[] args, CancellationToken ct) =>
        Task.Run(() => RealtimeDecode.Host.Commands.CommandLine.BuildRoot().Parse(args)
            .InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, ct));

    /// <summary>Runs <c>live</c> on <paramref name="export"/> until volume <paramref name="last"/> is recorded, then Ctrl-C; returns the console.</summary>
    private async Task<string> LiveAsync(string export, string rec, int last, params string[] extra)
    {
        var output = new StringWriter();
        int exit = await LiveTests.WithConsoleAsync(output, async () =>
        {
            using var stop = new CancellationTokenSource();
            string[] args = ["live", "--watch", export, "--include-existing", "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
                "--no-dashboard", "--no-lsl", "--record", rec, .. extra];
            var live = InvokeAsync(args, stop.Token);
            await LiveTests.UntilAsync(() => LiveTests.Covered(rec, last), TimeSpan.FromSeconds(60), () => output.ToString());
            stop.Cancel();
            return await live.WaitAsync(TimeSpan.FromSeconds(30));
        });
        Assert.True(exit == 0, $"live exited {exit}: {output}");
        return output.ToString();
    }

    /// <summary>The onsets of estimates.tsv: volume × the session's TR.</summary>
    private static void AssertOnsetsAt(string rec, double tr)
    {
        var t = TsvTable.Read(Path.Combine(rec, "estimates.tsv"));
        int v = t.Column("volume"), onset = t.Column("onset_s");
        Assert.NotEmpty(t.Rows);
        foreach (var row in t.Rows)
            Assert.Equal(int.Parse(row[v], CultureInfo.InvariantCulture) * tr, double.Parse(row[onset], CultureInfo.InvariantCulture), 6);
    }

    [Theory]
    [InlineData("dicom", null)]
    [InlineData("nifti", null)]
    [InlineData("dicom", "2")]
    [InlineData("dicom", "0.8")]
    public async Task Live_SeriesAtTr08_TakenWhenNoneGivenWarnedOnceWhenAnotherIs(string format, string? tr)
    {
        string export = _s.Path("export"), rec = _s.Path("rec");
        Assert.Equal(0, RealtimeDecode.Host.Commands.CommandLine.Run(["simulate-scanner", "--run", _s.Run2, "--out", export, "--format", format,
            "--tr", "0.8", "--speed", "max"]));
        string log = await LiveAsync(export, rec, 39, tr is null ? [] : ["--tr", tr]);

        var lines = log.Split('\n');
        var warnings = lines.Where(l => l.Contains("states TR", StringComparison.Ordinal)).ToList();
        var adopted = lines.Where(l => l.Contains("from the header of", StringComparison.Ordinal)).ToList();
        if (tr is null)
        {
            var line = Assert.Single(adopted);
            Assert.StartsWith("TR 0.8 s, from the header of ", line, StringComparison.Ordinal);
            Assert.Contains(export, line, StringComparison.Ordinal);
            Assert.Empty(warnings);
            AssertOnsetsAt(rec, 0.8);
            return;
        }
        Assert.Empty(adopted);
        AssertOnsetsAt(rec, double.Parse(tr, CultureInfo.InvariantCulture));
        if (tr == "0.8")
        {
            Assert.Empty(warnings);
            return;
        }
        var warning = Assert.Single(warnings);
        Assert.Contains("Volume 0 (", warning, StringComparison.Ordinal);
        Assert.Contains(export, warning, StringComparison.Ordinal);
        Assert.Contains("states TR 0.8 s but the session runs at TR 2 s", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Live_NoTrGivenNorStated_RunsAtTheDefaultAndSaysSo()
    {
        string export = _s.Path("export"), rec = _s.Path("rec");
        Directory.CreateDirectory(export);
        // 3D NIfTI volumes without time units: pixdim[4] states no TR
        foreach (var v in BoldRun.Open(_s.Run2).ReadVolumes().Take(16))
            File.WriteAllBytes(Path.Combine(export, $"vol_{v.Index:D4}.nii"), NiftiWriter.EncodeVolume(v));
        string log = await LiveAsync(export, rec, 15, "--format", "nifti");

        Assert.Single(log.Split('\n'), l => l.Contains("vol_0000.nii states no TR: the session runs at 2 s", StringComparison.Ordinal));
        AssertOnsetsAt(rec, 2);
    }

    [Fact]
    public async Task Live_FirstVolumeCorrupt_TrFromTheNextReadableOneAndTheFirstRecordedCorrupt()
    {
        string export = _s.Path("export"), rec = _s.Path("rec");
        Assert.Equal(0, RealtimeDecode.Host.Commands.CommandLine.Run(["simulate-scanner", "--run", _s.Run2, "--out", export, "--format", "nifti",
            "--tr", "0.8", "--speed", "max"]));
        string first = Assert.Single(Directory.GetFiles(export, "*_vol_000000.nii"));
        string second = Assert.Single(Directory.GetFiles(export, "*_vol_000001.nii"));
        // Not a NIfTI file at all: the watch takes it as corrupt, its header states nothing.
        File.WriteAllText(first, "this is not a NIfTI file\n");
        string log = await LiveAsync(export, rec, 39, "--format", "nifti");

        var lines = log.Split('\n');
        Assert.DoesNotContain(lines, l => l.Contains("states no TR", StringComparison.Ordinal));
        var line = Assert.Single(lines, l => l.Contains("from the header of", StringComparison.Ordinal));
        Assert.StartsWith($"TR 0.8 s, from the header of {second}", line, StringComparison.Ordinal);
        Assert.Contains((0, "corrupt"), Recording.Volumes(rec));
        AssertOnsetsAt(rec, 0.8);
    }
}
