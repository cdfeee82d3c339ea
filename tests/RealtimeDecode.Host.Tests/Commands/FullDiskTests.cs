using System.Globalization;
using System.Security.Cryptography;
using RealtimeDecode.Host.Tests.Session;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary>
/// The real CLI, as a child process whose files may not grow past a small size (a full disk): offline
/// outputs are replaced only when complete, and a recording keeps every complete row, says why it stopped,
/// finalises session.json and exits with the documented code 4.
/// </summary>
public sealed class FullDiskTests : IDisposable
{
    private const int LimitKiB = 64;
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static void AssertOneLineError(LimitedCli.Result r, string target, string unchanged = "the previous file is unchanged")
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error}");
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(target, line, StringComparison.Ordinal);
        Assert.Contains(unchanged, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Connectivity_FileSizeLimitHit_PreviousTableAndSidecarByteIdenticalAndNoTemporaryLeft()
    {
        string roi = _dir.File("roi.tsv"), output = _dir.File("dfc.tsv");
        var rng = new Random(7);
        File.WriteAllLines(roi, new[] { "volume\t" + string.Join('\t', Enumerable.Range(0, 30).Select(i => $"r{i}")) }
            .Concat(Enumerable.Range(0, 120).Select(v => v.ToString(CultureInfo.InvariantCulture) + "\t" +
                string.Join('\t', Enumerable.Range(0, 30).Select(_ => rng.NextDouble().ToString("R", CultureInfo.InvariantCulture))))));
        var good = CliRunner.Run("connectivity", "--roi", roi, "--window", "10", "--out", output);
        Assert.True(good.ExitCode == 0, good.Error);
        Assert.True(new FileInfo(output).Length > LimitKiB * 1024, "the output must be larger than the limit for the test to mean anything");
        string before = Hash(output), sidecar = _dir.File("dfc.json"), sidecarBefore = Hash(sidecar);

        var r = LimitedCli.Run(LimitKiB, Bound, "connectivity", "--roi", roi, "--window", "12", "--out", output);

        AssertOneLineError(r, output, "no file of the connectivity table was changed");
        Assert.Equal(before, Hash(output));
        Assert.Equal(sidecarBefore, Hash(sidecar));
        Assert.Equal(["dfc.json", "dfc.tsv", "roi.tsv"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Convert_FileSizeLimitHit_PreviousNiftiByteIdentical()
    {
        using var s = new SmallSession(volumes: 20, seed: 5, train: false);
        string output = _dir.File("run.nii");
        var good = CliRunner.Run("convert", s.Run2, "--out", output);
        Assert.True(good.ExitCode == 0, good.Error);
        Assert.True(new FileInfo(output).Length > LimitKiB * 1024);
        string before = Hash(output);

        var r = LimitedCli.Run(LimitKiB, Bound, "convert", s.Run1, "--out", output);

        AssertOneLineError(r, output);
        Assert.Equal(before, Hash(output));
        Assert.Equal(["run.nii"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Replay_RecordingHitsFileSizeLimit_CompleteRowsKeptSessionFinalisedExit4()
    {
        using var s = new SmallSession(volumes: 400, seed: 6);
        string rec = _dir.File("rec");

        var r = LimitedCli.Run(LimitKiB, Bound, "replay", "--run", s.Run2, "--atlas", s.Atlas, "--labels", s.Labels, "--model", s.Model,
            "--speed", "max", "--no-dashboard", "--no-lsl", "--record", rec);

        Assert.True(r.ExitCode == 4, $"exit {r.ExitCode}\n{r.Out}\n{r.Error}");
        string all = r.Out + r.Error;
        Assert.DoesNotContain("   at ", all, StringComparison.Ordinal);
        Assert.Contains("recording incomplete", r.Out, StringComparison.Ordinal);
        // The session went on: every volume of the run was decoded and counted in the summary printed at the end.
        Assert.Contains("400 volumes", r.Out, StringComparison.Ordinal);

        // estimates.tsv: cut at the limit, but only whole rows, each with every column.
        string estimates = Path.Combine(rec, "estimates.tsv");
        string text = File.ReadAllText(estimates);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var rows = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int columns = rows[0].Split('\t').Length;
        Assert.All(rows, row => Assert.Equal(columns, row.Split('\t').Length));
        var kept = Recording.Estimates(rec);
        Assert.True(kept.Count > 10 && kept.Count < 400 - 12, $"{kept.Count} estimate rows kept");
        Assert.Equal(Enumerable.Range(12, kept.Count), kept.Keys);

        // session.json was finalised and says what failed.
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(rec, "session.json")));
        var root = doc.RootElement;
        Assert.True(root.GetProperty("ended_utc").ValueKind == System.Text.Json.JsonValueKind.String, "session.json was not finalised");
        var failure = root.GetProperty("write_failures").EnumerateArray().Single(f => f.GetProperty("file").GetString() == "estimates.tsv");
        Assert.Equal(kept.Count, failure.GetProperty("rows_kept").GetInt32());
        Console.WriteLine($"limit {LimitKiB} KiB: estimates.tsv {new FileInfo(estimates).Length} bytes, {kept.Count} rows kept, " +
                          $"{failure.GetProperty("rows_lost").GetInt32()} lost; exit {r.ExitCode}");
    }
}

/// <summary><c>live</c> as a child process under a file size limit, ended by SIGINT like Ctrl-C.</summary>
public sealed class LiveFullDiskTests
{
    [Fact]
    public void Live_RecordingHitsFileSizeLimit_CompleteRowsKeptSessionGoesOnAndFinalisesExit4()
    {
        const int limitKiB = 16, count = 120;
        using var s = new SmallSession(volumes: count, seed: 8);
        string export = s.Path("export"), rec = s.Path("live");
        Directory.CreateDirectory(export);
        foreach (var v in RealtimeDecode.Imaging.BoldRun.Open(s.Run2).ReadVolumes())
            File.WriteAllBytes(Path.Combine(export, $"vol_{v.Index:D4}.nii"), RealtimeDecode.Imaging.Nifti.NiftiWriter.EncodeVolume(v));

        string[] args = ["live", "--watch", export, "--format", "nifti", "--include-existing", "--tr", "2",
            "--atlas", s.Atlas, "--labels", s.Labels, "--model", s.Model, "--no-dashboard", "--no-lsl", "--record", rec];
        using var p = LimitedCli.Start(limitKiB, args);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!Session.LiveTests.Covered(rec, count - 1) && !p.HasExited && DateTime.UtcNow < deadline)
            Thread.Sleep(100); // a real child process: nothing to drive in virtual time
        Assert.False(p.HasExited, "live ended on its own");
        LimitedCli.Interrupt(p);
        var r = LimitedCli.Wait(p, TimeSpan.FromMinutes(1), args);

        Assert.True(r.ExitCode == 4, $"exit {r.ExitCode}\n{r.Out}\n{r.Error}");
        Assert.DoesNotContain("   at ", r.Out + r.Error, StringComparison.Ordinal);
        // The session went on decoding after the recording failed: the summary counts every volume.
        Assert.Contains($"volumes: {count} (ok {count})", r.Out, StringComparison.Ordinal);
        var errors = r.Error.Split('\n').Where(l => l.Contains("cannot write", StringComparison.Ordinal) && l.Contains("estimates.tsv", StringComparison.Ordinal)).ToList();
        Assert.Single(errors);

        string text = File.ReadAllText(Path.Combine(rec, "estimates.tsv"));
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var rows = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(rows, row => Assert.Equal(rows[0].Split('\t').Length, row.Split('\t').Length));
        var kept = Session.Recording.Estimates(rec);
        Assert.True(kept.Count > 10 && kept.Count < count - 12, $"{kept.Count} estimate rows kept");
        Assert.Equal(Enumerable.Range(12, kept.Count), kept.Keys);

        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(rec, "session.json")));
        Assert.True(doc.RootElement.GetProperty("completed").GetBoolean(), "session.json not finalised as completed after SIGINT");
        var failure = doc.RootElement.GetProperty("write_failures").EnumerateArray().Single(f => f.GetProperty("file").GetString() == "estimates.tsv");
        Assert.Equal(kept.Count, failure.GetProperty("rows_kept").GetInt32());
        Console.WriteLine($"live, limit {limitKiB} KiB: {kept.Count} estimate rows kept, {failure.GetProperty("rows_lost").GetInt32()} lost; exit {r.ExitCode}");
    }
}
