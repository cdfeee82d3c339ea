using System.CommandLine;
using System.Globalization;
using RealtimeDecode.Host.Tests.Commands;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary>
/// <c>live</c> watching a folder that <c>simulate-scanner</c> fills with faulty DICOM exports (both in-process, at 10× real time):
/// the recording lists exactly the injected faults, and every volume whose whole window arrived decodes as in <c>replay</c>.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class LiveTests
{
    private const int Volumes = 60;
    private const int Window = 13;

    private static Task<int> InvokeAsync(string[] args, CancellationToken ct) =>
        Task.Run(() => RealtimeDecode.Host.Commands.CommandLine.BuildRoot().Parse(args)
            .InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, ct));

    [Fact]
    public async Task Live_SimulatedScannerWithFaults_RecordsFaultsAndMatchesReplay()
    {
        using var s = new SmallSession(volumes: Volumes, seed: 1);
        string export = s.Path("export"), rec = s.Path("live"), replayRec = s.Path("replay");
        Directory.CreateDirectory(export);

        var output = new StringWriter();
        var (liveExit, simExit) = await WithConsoleAsync(output, async () =>
        {
            using var stop = new CancellationTokenSource();
            var live = InvokeAsync(["live", "--watch", export, "--format", "dicom", "--include-existing", "--missing-after", "1",
                "--atlas", s.Atlas, "--labels", s.Labels, "--model", s.Model, "--no-dashboard", "--no-lsl", "--record", rec], stop.Token);
            // Live first: the simulator starts once the session is watching (bounded wait for its "recording:" line).
            using (var ready = new PeriodicTimer(TimeSpan.FromMilliseconds(50)))
            using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
                while (!output.ToString().Contains("recording: ", StringComparison.Ordinal) && !live.IsCompleted)
                    await ready.WaitForNextTickAsync(bound.Token);
            Assert.False(live.IsCompleted, "live ended before the simulator started: " + output);

            int simExit = await InvokeAsync(["simulate-scanner", "--run", s.Run2, "--out", export, "--format", "dicom",
                "--faults", "drop=0.05,duplicate=0.05,corrupt=0.05,reorder=0.05", "--seed", "11", "--speed", "10"], CancellationToken.None)
                .WaitAsync(TimeSpan.FromSeconds(60));

            // Then until every volume up to the last one written has its row (gaps expire after 1 TR = 2 s), bounded; then Ctrl-C.
            int last = Faults(export).Where(f => f.Fault != "drop").Select(f => f.Volume).DefaultIfEmpty(Volumes - 1).Max();
            last = Math.Max(last, Enumerable.Range(0, Volumes).Last(v => !Faults(export).Any(f => f.Volume == v && f.Fault == "drop")));
            using (var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100)))
            using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
                while (!Covered(rec, last))
                    await poll.WaitForNextTickAsync(bound.Token);
            stop.Cancel();
            return (await live.WaitAsync(TimeSpan.FromSeconds(20)), simExit);
        });
        Assert.True(simExit == 0, $"simulate-scanner exited {simExit}: {output}");
        Assert.True(liveExit == 0, $"live exited {liveExit}: {output}");
        Assert.True(Recording.Completed(rec), "session.json does not say completed after Ctrl-C");

        // volumes.tsv: exactly the injected faults.
        var faults = Faults(export);
        int lastWritten = Enumerable.Range(0, Volumes).Last(v => !faults.Any(f => f.Volume == v && f.Fault == "drop"));
        var drops = faults.Where(f => f.Fault == "drop" && f.Volume < lastWritten).Select(f => f.Volume).ToHashSet();
        var corrupt = faults.Where(f => f.Fault == "corrupt").Select(f => f.Volume).ToHashSet();
        var duplicates = faults.Where(f => f.Fault == "duplicate").Select(f => f.Volume).ToList();
        Assert.True(drops.Count > 0 && corrupt.Count > 0 && duplicates.Count > 0, $"seed gives drops {drops.Count}, corrupt {corrupt.Count}, duplicates {duplicates.Count}");
        var expected = Enumerable.Range(0, lastWritten + 1)
            .Select(v => (v, drops.Contains(v) ? "missing" : corrupt.Contains(v) ? "corrupt" : "ok"))
            .Concat(duplicates.Select(v => (v, "duplicate")))
            .Order().ToList();
        var recorded = Recording.Volumes(rec);
        Assert.True(expected.SequenceEqual(recorded.Order()),
            $"volumes.tsv differs from faults.tsv:\n expected not recorded: {string.Join(", ", expected.Except(recorded))}\n recorded not expected: {string.Join(", ", recorded.Except(expected))}\n" +
            $" faults: {string.Join(", ", faults)}\n log:\n{output}");

        // Estimates: as replay for every volume whose whole window was ok; one per ok volume after the warm-up of W pushed volumes.
        var r = CliRunner.Run("replay", "--run", s.Run2, "--atlas", s.Atlas, "--labels", s.Labels, "--model", s.Model,
            "--speed", "max", "--no-dashboard", "--no-lsl", "--record", replayRec);
        Assert.True(r.ExitCode == 0, $"replay exited {r.ExitCode}: {r.Error}");
        var reference = Recording.Estimates(replayRec);
        var liveEstimates = Recording.Estimates(rec);
        var ok = recorded.Where(x => x.Status == "ok").Select(x => x.Volume).Order().ToList();
        Assert.Equal(ok.Skip(Window - 1), liveEstimates.Keys.Order());
        int compared = 0;
        foreach (var v in ok.Where(v => v >= Window - 1 && Enumerable.Range(v - Window + 1, Window).All(u => ok.Contains(u))))
        {
            for (int t = 0; t < reference[v].Length; t++)
                Assert.True(Math.Abs(reference[v][t] - liveEstimates[v][t]) <= 1e-12, $"volume {v} target {t}: live {liveEstimates[v][t]:R}, replay {reference[v][t]:R}");
            compared++;
        }
        Assert.True(compared >= 5, $"only {compared} volumes had a complete window");
        Console.WriteLine($"live: {ok.Count} ok, {drops.Count} missing, {corrupt.Count} corrupt, {duplicates.Count} duplicate; " +
                          $"{liveEstimates.Count} estimates, {compared} with a complete window equal to replay");
    }

    /// <remarks>
    /// Volume 5 never comes and the gap would be declared missing only after 100 TRs; Ctrl-C comes first.
    /// Volumes 6–14 arrived, so they are decoded and recorded, and 5 is recorded missing.
    /// </remarks>
    [Fact]
    public async Task Live_CtrlCWhileVolumesWaitBehindAGap_RecordsThemAndTheGap()
    {
        using var s = new SmallSession(volumes: 20, seed: 2);
        string export = s.Path("export-gap"), rec = s.Path("live-gap");
        Directory.CreateDirectory(export);
        var volumes = RealtimeDecode.Imaging.BoldRun.Open(s.Run2).ReadVolumes().Take(15).ToList();
        foreach (var v in volumes.Where(v => v.Index != 5))
            File.WriteAllBytes(Path.Combine(export, $"vol_{v.Index:D4}.nii"), RealtimeDecode.Imaging.Nifti.NiftiWriter.EncodeVolume(v));

        var output = new StringWriter();
        int liveExit = await WithConsoleAsync(output, async () =>
        {
            using var stop = new CancellationTokenSource();
            var live = InvokeAsync(["live", "--watch", export, "--format", "nifti", "--include-existing", "--missing-after", "100", "--tr", "2",
                "--atlas", s.Atlas, "--labels", s.Labels, "--model", s.Model, "--no-dashboard", "--no-lsl", "--record", rec], stop.Token);
            using (var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100)))
            using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
                while (!Covered(rec, 4) && !live.IsCompleted)
                    await poll.WaitForNextTickAsync(bound.Token);
            Assert.False(live.IsCompleted, "live ended on its own: " + output);
            Assert.False(Covered(rec, 5), "volume 5 recorded before the stop");
            stop.Cancel();
            return await live.WaitAsync(TimeSpan.FromSeconds(20));
        });

        Assert.True(liveExit == 0, $"live exited {liveExit}: {output}");
        Assert.True(Recording.Completed(rec), "session.json does not say completed after Ctrl-C");
        var expected = Enumerable.Range(0, 15).Select(v => (v, v == 5 ? "missing" : "ok")).ToList();
        Assert.Equal(expected, Recording.Volumes(rec).Order().ToList());
        Assert.Contains(14, Recording.Estimates(rec).Keys);
    }

    /// <summary>Runs <paramref name="body"/> with the console's output and error going to <paramref name="output"/>, restored afterwards.</summary>
    internal static async Task<T> WithConsoleAsync<T>(StringWriter output, Func<Task<T>> body)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var synchronized = TextWriter.Synchronized(output);
        Console.SetOut(synchronized);
        Console.SetError(synchronized);
        try
        {
            return await body();
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    /// <summary>Waits (polling every 100 ms) until <paramref name="done"/>, at most <paramref name="bound"/>.</summary>
    internal static async Task UntilAsync(Func<bool> done, TimeSpan bound, Func<string>? state = null)
    {
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        using var cts = new CancellationTokenSource(bound);
        try
        {
            while (!done()) await poll.WaitForNextTickAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"not done within {bound}: {state?.Invoke()}");
        }
    }

    private static List<(int Volume, string Fault)> Faults(string export)
    {
        var t = TsvTable.Read(Path.Combine(export, "faults.tsv"));
        int v = t.Column("volume"), f = t.Column("fault");
        return t.Rows.Select(row => (int.Parse(row[v], CultureInfo.InvariantCulture), row[f])).ToList();
    }

    internal static bool Covered(string rec, int last)
    {
        string path = Path.Combine(rec, "volumes.tsv");
        if (!File.Exists(path)) return false;
        try
        {
            var seen = File.ReadAllLines(path).Skip(1).Select(l => l.Split('\t')[0]).ToHashSet();
            return Enumerable.Range(0, last + 1).All(v => seen.Contains(v.ToString(CultureInfo.InvariantCulture)));
        }
        catch (IOException) { return false; }
    }
}
