using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using RealtimeDecode.Host.Tests.Commands;
using RealtimeDecode.Tests.Support;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary>
/// A closed-loop neurofeedback session end to end on the built program, faster than real time: run 1 from
/// <c>simulate-scanner</c> into <c>live</c> without feedback; <c>train --recording</c> on run 1's recording with the
/// story's targets; run 2 with a protocol (baseline and regulation blocks, one intermittent condition) and that
/// model while the scanner drops volumes. feedback.tsv equals the independent numpy recomputation from
/// estimates.tsv and the protocol on every volume, the dropped ones included.
/// </summary>
public sealed class ClosedLoopTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [Fact]
    public async Task Session_Run1RecordedTrainedRun2WithProtocol_FeedbackEqualsRecomputationOnEveryVolume()
    {
        using var s = new SmallSession(volumes: 120, seed: 1);
        string export1 = s.Path("export-1"), export2 = s.Path("export-2"), rec1 = s.Path("run-1"), rec2 = s.Path("run-2");
        string model2 = s.Path("model-from-run-1"), dir = s.Path("protocol");
        Directory.CreateDirectory(dir);
        string protocol = Path.Combine(dir, "nf.tsv");
        File.WriteAllText(protocol, "onset\tduration\ttrial_type\n0\t10\trest\n10\t30\tbase\n40\t30\tup\n70\t20\tbase\n90\t30\tdown\n120\t10\tscore\n130\t30\tbase\n160\t30\tup\n190\t10\trest\n");
        File.WriteAllText(Path.ChangeExtension(protocol, ".json"), """
            {"Conditions": {"rest": {"Role": "rest", "Instruction": "Rest"}, "base": {"Role": "baseline", "Instruction": "Count backwards"},
              "up": {"Role": "regulate", "Target": "joy", "Instruction": "Feel joyful"},
              "down": {"Role": "regulate", "Target": {"fear": 1, "sadness": 0.5}, "Direction": "down", "Feedback": "intermittent", "Instruction": "Calm down"},
              "score": {"Role": "display"}},
             "Normalisation": {"Method": "z", "BaselineSkip": 4}, "Smoothing": 2, "HaemodynamicDelay": 2}
            """);

        // Run 1: no protocol, the session's pretrained model.
        await RunLiveAsync(export1, rec1, s.Run1, faults: null, "--atlas", s.Atlas, "--labels", s.Labels, "--model", s.Model);
        Assert.Equal(120, File.ReadLines(Path.Combine(rec1, "roi.tsv")).Count() - 1);
        Assert.False(File.Exists(Path.Combine(rec1, "feedback.tsv")));

        // Between runs: a model from run 1's recording, with the story's targets of run 1.
        var train = CliProcess.Run("train", "--recording", rec1, "--targets", s.Synth.Truth[0], "--estimator", "ridge",
            "--search", "alpha=10,100,1000", "--cv", "blocked:3", "--out", model2);
        Assert.True(train.ExitCode == 0, $"train exited {train.ExitCode}: {train.Error}");

        // Run 2: the protocol and the new model; the scanner drops volumes.
        var dropped = await RunLiveAsync(export2, rec2, s.Run2, faults: "drop=0.1",
            "--atlas", s.Atlas, "--labels", s.Labels, "--model", model2, "--protocol", protocol);
        var session = JsonNode.Parse(File.ReadAllText(Path.Combine(rec2, "session.json")))!;
        Assert.Equal(RealtimeDecode.Host.Session.SessionRunner.ModelHash(model2), session["model_sha256"]!.GetValue<string>());

        string theirs = s.Path("theirs.tsv");
        PythonRunner.Run(PythonRunner.RepoFile("tests", "RealtimeDecode.Engine.Tests", "Feedback", "recompute_feedback.py"),
            protocol, Path.Combine(rec2, "estimates.tsv"), "2", "13", theirs);
        var ours = TsvTable.Read(Path.Combine(rec2, "feedback.tsv"));
        var numpy = TsvTable.Read(theirs);
        Assert.Equal(numpy.Header, ours.Header);
        Assert.Equal(numpy.Rows.Count, ours.Rows.Count);
        for (int i = 0; i < ours.Rows.Count; i++)
            for (int c = 0; c < ours.Header.Length; c++)
            {
                string x = ours.Rows[i][c], y = numpy.Rows[i][c];
                if (double.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out double yv) && double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out double xv))
                    Assert.True(Math.Abs(xv - yv) <= 1e-9 * Math.Max(1, Math.Abs(yv)), $"row {i + 1} {ours.Header[c]}: {x} vs {y}");
                else Assert.True(x == y, $"row {i + 1} {ours.Header[c]}: {x} vs {y}");
            }

        // Every volume from the first estimate on has its row; the dropped ones have no estimate and show nothing.
        int volume = ours.Column("volume"), estimate = ours.Column("estimate"), shown = ours.Column("shown"), feedback = ours.Column("feedback"), score = ours.Column("block_score");
        var rows = ours.Rows.ToDictionary(r => int.Parse(r[volume], CultureInfo.InvariantCulture));
        int first = rows.Keys.Min(), last = rows.Keys.Max();
        Assert.Equal(Enumerable.Range(first, last - first + 1), rows.Keys.Order());
        var missingInRange = dropped.Where(v => v > first && v < last).ToArray();
        Assert.True(missingInRange.Length > 0, $"no dropped volume between the first and last estimate ({first}..{last}; dropped {string.Join(",", dropped)})");
        foreach (int v in missingInRange)
        {
            Assert.Equal(["n/a", "n/a", "0"], new[] { rows[v][estimate], rows[v][feedback], rows[v][shown] });
            Assert.Contains((v, "missing"), Recording.Volumes(rec2));
        }
        Assert.Contains(ours.Rows, r => r[shown] == "1" && r[score] == "n/a");  // continuous feedback on the thermometer
        Assert.Contains(ours.Rows, r => r[shown] == "1" && r[score] != "n/a");  // the intermittent block's score
    }

    /// <summary>
    /// Starts <c>live</c> on an empty export folder, lets <c>simulate-scanner</c> write <paramref name="run"/> into it
    /// at 20× real time, waits until every volume up to the last one written is recorded, then stops the session
    /// with SIGTERM. Returns the volumes the scanner dropped.
    /// </summary>
    private static async Task<HashSet<int>> RunLiveAsync(string export, string record, string run, string? faults, params string[] model)
    {
        Directory.CreateDirectory(export);
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "realtime-decode")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "live", "--watch", export, "--format", "dicom", "--missing-after", "1", "--no-dashboard", "--no-lsl", "--record", record }.Concat(model))
            psi.ArgumentList.Add(a);
        var output = new StringBuilder();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        string Output() { lock (output) return output.ToString(); }
        using var cts = new CancellationTokenSource(Bound);
        try
        {
            while (!p.HasExited && !Output().Contains("recording: ", StringComparison.Ordinal)) await Task.Delay(50, cts.Token);
            Assert.False(p.HasExited, $"live ended before the scanner started: {Output()}");
            var sim = CliProcess.Run(["simulate-scanner", "--run", run, "--out", export, "--format", "dicom", "--speed", "20",
                .. faults is null ? Array.Empty<string>() : ["--faults", faults, "--seed", "11"]]);
            Assert.True(sim.ExitCode == 0, $"simulate-scanner exited {sim.ExitCode}: {sim.Error}");
            var dropped = File.ReadAllLines(Path.Combine(export, "faults.tsv")).Skip(1).Select(l => l.Split('\t'))
                .Where(f => f.Length > 1 && f.Contains("drop")).Select(f => int.Parse(f[0], CultureInfo.InvariantCulture)).ToHashSet();
            int volumes = RunLength(run);
            int lastWritten = Enumerable.Range(0, volumes).Last(v => !dropped.Contains(v));
            while (!Covered(record, lastWritten)) await Task.Delay(100, cts.Token);
            Assert.Equal(0, Kill(p.Id, SigTerm));
            await p.WaitForExitAsync(cts.Token);
            Assert.True(p.ExitCode == 0, $"live exited {p.ExitCode}: {Output()}");
            Assert.True(Recording.Completed(record));
            return dropped;
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
    }

    private static int RunLength(string run)
    {
        using var reader = RealtimeDecode.Imaging.Nifti.NiftiReader.Open(run);
        return reader.VolumeCount;
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
