using System.CommandLine;
using System.Globalization;
using RealtimeDecode.Host.Tests.Commands;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary>
/// <c>live</c> (in-process, real folders) against files that do not fit the run: a stray with a huge number,
/// a volume whose affine moved, a volume on another grid, a 4D file, files already there at start, and a
/// watch folder that disappears for a while.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class LiveFaultTests
{
    private static Task<int> InvokeAsync(string[] args, CancellationToken ct) =>
        Task.Run(() => RealtimeDecode.Host.Commands.CommandLine.BuildRoot().Parse(args)
            .InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, ct));

    private static void WriteVolume(string folder, string name, Volume v) =>
        File.WriteAllBytes(Path.Combine(folder, name), NiftiWriter.EncodeVolume(v));

    private static Affine Shifted(Affine a, double dxMm)
    {
        var m = a.Values.ToArray();
        m[3] += dxMm;
        return new Affine(m);
    }

    private static string State(StringWriter output, string rec)
    {
        string volumes = Path.Combine(rec, "volumes.tsv");
        return output + "\nvolumes.tsv:\n" + (File.Exists(volumes) ? File.ReadAllText(volumes) : "(none)");
    }

    [Fact]
    public async Task Live_StrayShiftedRegriddedAnd4DFiles_RecordedWithTheirStatusesAndTheSessionGoesOn()
    {
        using var s = new SmallSession(volumes: 20, seed: 3);
        string export = s.Path("export"), rec = s.Path("live");
        Directory.CreateDirectory(export);
        var volumes = BoldRun.Open(s.Run2).ReadVolumes().ToList();
        for (int i = 0; i < 3; i++) WriteVolume(export, $"vol_{i:D4}.nii", volumes[i]); // there before the session: skipped-existing

        var output = new StringWriter();
        int exit = await LiveTests.WithConsoleAsync(output, async () =>
        {
            using var stop = new CancellationTokenSource();
            var live = InvokeAsync(["live", "--watch", export, "--format", "nifti", "--tr", "2",
                "--atlas", s.Atlas, "--labels", s.Labels, "--model", s.Model, "--no-dashboard", "--no-lsl", "--record", rec], stop.Token);
            // The watch has listed the folder once it says what it ignores: files written from now on are new.
            await LiveTests.UntilAsync(() => output.ToString().Contains("Ignoring 3 files already in", StringComparison.Ordinal) || live.IsCompleted, TimeSpan.FromSeconds(30), () => State(output, rec));
            Assert.False(live.IsCompleted, "live ended before any volume: " + output);
            for (int i = 3; i < 20; i++)
            {
                var v = volumes[i];
                string name = $"vol_{i:D4}.nii";
                switch (i)
                {
                    case 8: WriteVolume(export, name, new Volume(v.Nx, v.Ny, v.Nz, v.Data, Shifted(v.Affine, 10), i)); break;
                    case 10:
                        var cropped = new float[(v.Nx - 1) * v.Ny * v.Nz];
                        for (int k = 0; k < v.Nz; k++) for (int j = 0; j < v.Ny; j++) for (int x = 0; x < v.Nx - 1; x++)
                            cropped[x + (v.Nx - 1) * (j + v.Ny * k)] = v.Data[x + v.Nx * (j + v.Ny * k)];
                        WriteVolume(export, name, new Volume(v.Nx - 1, v.Ny, v.Nz, cropped, v.Affine, i));
                        break;
                    case 12: NiftiWriter.Write(Path.Combine(export, name), [v, volumes[i + 1]]); break;
                    default: WriteVolume(export, name, v); break;
                }
                if (i == 5) WriteVolume(export, "localizer_20241203.nii", v);
            }
            await LiveTests.UntilAsync(() => LiveTests.Covered(rec, 19) || live.IsCompleted, TimeSpan.FromSeconds(60), () => State(output, rec));
            Assert.False(live.IsCompleted, "live ended on its own: " + output);
            stop.Cancel();
            return await live.WaitAsync(TimeSpan.FromSeconds(20));
        });

        string log = output.ToString();
        Assert.True(exit == 0, $"live exited {exit}: {log}");
        Assert.True(Recording.Completed(rec), "session.json does not say completed");
        var expected = Enumerable.Range(0, 20).Select(v => (v, v switch
        {
            < 3 => "skipped-existing",
            8 => "affine-changed",
            10 => "grid-changed",
            12 => "corrupt",
            _ => "ok",
        })).Append((20241203, "stray")).Order().ToList();
        Assert.Equal(expected, Recording.Volumes(rec).Order().ToList());
        var table = TsvTable.Read(Path.Combine(rec, "volumes.tsv"));
        var strayRow = Assert.Single(table.Rows, r => r[table.Column("status")] == "stray");
        Assert.Equal("localizer_20241203.nii", Path.GetFileName(strayRow[table.Column("file")]));
        var corruptRow = Assert.Single(table.Rows, r => r[table.Column("status")] == "corrupt");
        Assert.EndsWith("vol_0012.nii", corruptRow[table.Column("file")], StringComparison.Ordinal);
        Assert.Contains("4D file (2 volumes) among 3D volumes", log, StringComparison.Ordinal);
        Assert.Contains("moved by up to 10 mm", log, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
        // One line each for the shifted volume and the stray file.
        var lines = log.Split('\n');
        Assert.Single(lines, l => l.Contains("Volume 8 ", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("localizer_20241203", StringComparison.Ordinal));
        // Files there at start: the one summary line on the console, no line per file; the total counts them.
        Assert.DoesNotContain(lines, l => l.Contains("skipped-existing (", StringComparison.Ordinal));
        Assert.Contains("volumes: 20 (ok 14, corrupt 1, grid-changed 1, affine-changed 1, skipped-existing 3); extra files ignored: stray 1", log, StringComparison.Ordinal);
        // The run goes on after each of them: the last volume has its estimate.
        Assert.Contains(19, Recording.Estimates(rec).Keys);
        Assert.DoesNotContain(8, Recording.Estimates(rec).Keys);
    }

    /// <remarks>
    /// The run's last volume is cut short and stays so: nothing comes after it to make its slot due, so only the
    /// end of the session (Ctrl-C) can report it, as <c>corrupt</c> with its name, like a file cut mid-run.
    /// </remarks>
    [Fact]
    public async Task Live_LastFileOfTheRunStaysTruncated_RecordedCorruptNamedAtCtrlC()
    {
        using var s = new SmallSession(volumes: 20, seed: 5);
        string export = s.Path("export"), rec = s.Path("live");
        Directory.CreateDirectory(export);
        var volumes = BoldRun.Open(s.Run2).ReadVolumes().ToList();
        for (int i = 0; i < 19; i++) WriteVolume(export, $"vol_{i:D4}.nii", volumes[i]);
        var bytes = NiftiWriter.EncodeVolume(volumes[19]);
        File.WriteAllBytes(Path.Combine(export, "vol_0019.nii"), bytes[..(bytes.Length / 2)]);

        var output = new StringWriter();
        int exit = await LiveTests.WithConsoleAsync(output, async () =>
        {
            using var stop = new CancellationTokenSource();
            var live = InvokeAsync(["live", "--watch", export, "--format", "nifti", "--include-existing", "--tr", "2",
                "--atlas", s.Atlas, "--labels", s.Labels, "--model", s.Model, "--no-dashboard", "--no-lsl", "--record", rec], stop.Token);
            await LiveTests.UntilAsync(() => LiveTests.Covered(rec, 18) || live.IsCompleted, TimeSpan.FromSeconds(60), () => State(output, rec));
            Assert.False(live.IsCompleted, "live ended on its own: " + output);
            stop.Cancel();
            return await live.WaitAsync(TimeSpan.FromSeconds(20));
        });

        string log = output.ToString();
        Assert.True(exit == 0, $"live exited {exit}: {log}");
        Assert.True(Recording.Completed(rec), "session.json does not say completed after Ctrl-C");
        Assert.Equal(Enumerable.Range(0, 20).Select(v => (v, v == 19 ? "corrupt" : "ok")).ToList(), Recording.Volumes(rec).Order().ToList());
        var table = TsvTable.Read(Path.Combine(rec, "volumes.tsv"));
        var corruptRow = Assert.Single(table.Rows, r => r[table.Column("status")] == "corrupt");
        Assert.EndsWith("vol_0019.nii", corruptRow[table.Column("file")], StringComparison.Ordinal);
        Assert.Contains("volumes: 20 (ok 19, corrupt 1)", log, StringComparison.Ordinal);
        Assert.Contains(log.Split('\n'), l => l.Contains("Volume 19 corrupt", StringComparison.Ordinal) && l.Contains("vol_0019.nii", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Live_WatchFolderDeletedAndBack_OneLineEachWayNoStackTraceAndWatchingResumes()
    {
        using var s = new SmallSession(volumes: 20, seed: 4);
        string export = s.Path("export"), rec = s.Path("live");
        Directory.CreateDirectory(export);
        var volumes = BoldRun.Open(s.Run2).ReadVolumes().ToList();

        var output = new StringWriter();
        int exit = await LiveTests.WithConsoleAsync(output, async () =>
        {
            using var stop = new CancellationTokenSource();
            var live = InvokeAsync(["live", "--watch", export, "--format", "nifti", "--include-existing", "--tr", "2",
                "--atlas", s.Atlas, "--labels", s.Labels, "--model", s.Model, "--no-dashboard", "--no-lsl", "--record", rec], stop.Token);
            await LiveTests.UntilAsync(() => output.ToString().Contains("recording: ", StringComparison.Ordinal) || live.IsCompleted, TimeSpan.FromSeconds(30), () => State(output, rec));
            for (int i = 0; i < 4; i++) WriteVolume(export, $"vol_{i:D4}.nii", volumes[i]);
            await LiveTests.UntilAsync(() => LiveTests.Covered(rec, 3) || live.IsCompleted, TimeSpan.FromSeconds(30), () => State(output, rec));

            Directory.Delete(export, recursive: true);
            await LiveTests.UntilAsync(() => output.ToString().Contains("disappeared", StringComparison.Ordinal) || live.IsCompleted, TimeSpan.FromSeconds(30), () => State(output, rec));
            // Many polls (200 ms each) while the folder is gone: none may add a line.
            await Task.Delay(TimeSpan.FromSeconds(2));
            Directory.CreateDirectory(export);
            await LiveTests.UntilAsync(() => output.ToString().Contains("can be read again", StringComparison.Ordinal) || live.IsCompleted, TimeSpan.FromSeconds(30), () => State(output, rec));
            for (int i = 4; i < 8; i++) WriteVolume(export, $"vol_{i:D4}.nii", volumes[i]);
            await LiveTests.UntilAsync(() => LiveTests.Covered(rec, 7) || live.IsCompleted, TimeSpan.FromSeconds(30), () => State(output, rec));
            Assert.False(live.IsCompleted, "live ended on its own: " + output);
            stop.Cancel();
            return await live.WaitAsync(TimeSpan.FromSeconds(20));
        });

        string log = output.ToString();
        Assert.True(exit == 0, $"live exited {exit}: {log}");
        var lines = log.Split('\n');
        Assert.Single(lines, l => l.Contains("disappeared", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("can be read again", StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 8).Select(v => (v, "ok")), Recording.Volumes(rec).Order());
    }

    [Fact]
    public async Task Live_FileRewrittenInPlace_OneWarningNamingItNotSilence()
    {
        using var s = new SmallSession(volumes: 20, seed: 5);
        string export = s.Path("export"), rec = s.Path("live");
        Directory.CreateDirectory(export);
        var volumes = BoldRun.Open(s.Run2).ReadVolumes().ToList();
        WriteVolume(export, "vol_0000.nii", volumes[0]); // there before the session

        var output = new StringWriter();
        int exit = await LiveTests.WithConsoleAsync(output, async () =>
        {
            using var stop = new CancellationTokenSource();
            var live = InvokeAsync(["live", "--watch", export, "--format", "nifti", "--tr", "2",
                "--atlas", s.Atlas, "--labels", s.Labels, "--model", s.Model, "--no-dashboard", "--no-lsl", "--record", rec], stop.Token);
            await LiveTests.UntilAsync(() => output.ToString().Contains("Ignoring 1 files already in", StringComparison.Ordinal) || live.IsCompleted, TimeSpan.FromSeconds(30), () => State(output, rec));
            for (int i = 1; i < 4; i++) WriteVolume(export, $"vol_{i:D4}.nii", volumes[i]);
            await LiveTests.UntilAsync(() => LiveTests.Covered(rec, 3) || live.IsCompleted, TimeSpan.FromSeconds(60), () => State(output, rec));
            // A second run exported under the same names: the taken volume 2 and the ignored volume 0 are written again.
            WriteVolume(export, "vol_0002.nii", volumes[10]);
            WriteVolume(export, "vol_0000.nii", volumes[11]);
            await LiveTests.UntilAsync(() => output.ToString().Split('\n').Count(l => l.Contains("was written again", StringComparison.Ordinal)) >= 2 || live.IsCompleted,
                TimeSpan.FromSeconds(30), () => State(output, rec));
            stop.Cancel();
            return await live.WaitAsync(TimeSpan.FromSeconds(20));
        });

        string log = output.ToString();
        Assert.True(exit == 0, $"live exited {exit}: {log}");
        var lines = log.Split('\n').Where(l => l.Contains("was written again", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains(lines, l => l.Contains("vol_0002.nii", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("vol_0000.nii", StringComparison.Ordinal));
    }
}
