using System.CommandLine;
using System.Globalization;
using RealtimeDecode.Host.Tests.Commands;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Dicom;
using RealtimeDecode.Imaging.Nifti;
using RealtimeDecode.Tests.Support;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary>
/// <c>live</c> with a hostile file dropped into the export folder mid-session: the file is recorded
/// <c>corrupt</c> in its slot, the session goes on, every later volume is decoded and the recording
/// is complete after Ctrl-C.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class LiveHostileFileTests
{
    private const int Volumes = 24;
    private const int Window = 13;
    private const int Before = 6; // volumes in the folder when the session starts

    private static Task<int> InvokeAsync(string[] args, CancellationToken ct) =>
        Task.Run(() => RealtimeDecode.Host.Commands.CommandLine.BuildRoot().Parse(args)
            .InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, ct));

    [Fact]
    public async Task Live_NestedSequenceDicomMidSession_RecordedCorruptAndLaterVolumesDecoded()
    {
        using var s = new SmallSession(volumes: Volumes, seed: 3);
        var volumes = BoldRun.Open(s.Run2).ReadVolumes().ToList();
        string uid = DicomWriter.NewUid();
        var files = volumes.ToDictionary(v => v.Index, v => (Name: $"001_000001_{v.Index + 1:D6}.dcm", Bytes: DicomWriter.EncodeMosaic(v,
            new DicomWriteOptions { SeriesNumber = 1, SeriesInstanceUid = uid, InstanceNumber = v.Index + 1, RepetitionTimeSeconds = 2 })));
        files[10] = (files[10].Name, CraftedFiles.NestedSequenceDicom(200_000));
        await RunAndCheck(s, "dicom", files, corrupt: [10]);
    }

    [Fact]
    public async Task Live_GzipBombOverflowingNifti2AndCrcCorruptVolumeMidSession_RecordedCorruptAndLaterVolumesDecoded()
    {
        using var s = new SmallSession(volumes: Volumes, seed: 4);
        var volumes = BoldRun.Open(s.Run2).ReadVolumes().ToList();
        var files = volumes.ToDictionary(v => v.Index, v => (Name: $"vol_{v.Index:D4}.nii", Bytes: NiftiWriter.EncodeVolume(v, new NiftiWriteOptions { Compress = false })));
        files[8] = ("vol_0008.nii.gz", CraftedFiles.GzipBomb(32767, 32767, 32767, 64L << 20));
        files[10] = ("vol_0010.nii", CraftedFiles.OverflowingNifti2(1024, 1024, 1000, int.MaxValue));
        files[12] = ("vol_0012.nii.gz", CraftedFiles.FlipInsideDeflate(NiftiWriter.EncodeVolume(volumes[12], new NiftiWriteOptions { Compress = true })));
        Assert.True(files[8].Bytes.Length < 200_000 && files[10].Bytes.Length == 1536);
        await RunAndCheck(s, "nifti", files, corrupt: [8, 10, 12]);
    }

    private static async Task RunAndCheck(SmallSession s, string format, Dictionary<int, (string Name, byte[] Bytes)> files, int[] corrupt)
    {
        string export = s.Path("export"), rec = s.Path("live");
        Directory.CreateDirectory(export);
        // each file appears whole: written under a name that is no volume name, then renamed
        void Drop(int v)
        {
            string tmp = Path.Combine(export, files[v].Name + ".part");
            File.WriteAllBytes(tmp, files[v].Bytes);
            File.Move(tmp, Path.Combine(export, files[v].Name));
        }
        for (int v = 0; v < Before; v++) Drop(v);

        var output = new StringWriter();
        int liveExit = await WithConsoleAsync(output, async () =>
        {
            using var stop = new CancellationTokenSource();
            var live = InvokeAsync(["live", "--watch", export, "--format", format, "--include-existing", "--missing-after", "100", "--tr", "2",
                "--atlas", s.Atlas, "--labels", s.Labels, "--model", s.Model, "--no-dashboard", "--no-lsl", "--record", rec], stop.Token);
            await WaitUntil(() => Covered(rec, Before - 1) || live.IsCompleted);
            Assert.False(live.IsCompleted, "live ended before the hostile file came: " + output);
            for (int v = Before; v < Volumes; v++) Drop(v);
            await WaitUntil(() => Covered(rec, Volumes - 1) || live.IsCompleted);
            Assert.False(live.IsCompleted, "live ended on its own: " + output);
            stop.Cancel();
            return await live.WaitAsync(TimeSpan.FromSeconds(30));
        });

        Assert.True(liveExit == 0, $"live exited {liveExit}: {output}");
        Assert.True(Recording.Completed(rec), "session.json does not say completed after Ctrl-C");
        var expected = Enumerable.Range(0, Volumes).Select(v => (v, corrupt.Contains(v) ? "corrupt" : "ok")).ToList();
        Assert.True(expected.SequenceEqual(Recording.Volumes(rec).Order()), $"volumes.tsv: {string.Join(", ", Recording.Volumes(rec))}\n{output}");
        var ok = expected.Where(x => x.Item2 == "ok").Select(x => x.v).ToList();
        var estimates = Recording.Estimates(rec);
        Assert.Equal(ok.Skip(Window - 1), estimates.Keys.Order());
        Assert.Contains(Volumes - 1, estimates.Keys);
        Assert.All(estimates.Values.SelectMany(x => x), x => Assert.True(double.IsFinite(x)));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition()) await poll.WaitForNextTickAsync(bound.Token);
    }

    private static async Task<T> WithConsoleAsync<T>(StringWriter output, Func<Task<T>> body)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var synchronized = TextWriter.Synchronized(output);
        Console.SetOut(synchronized);
        Console.SetError(synchronized);
        try { return await body(); }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    private static bool Covered(string rec, int last)
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
