using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using RealtimeDecode.Host.Tests.Commands;
using RealtimeDecode.Tests.Support;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary><c>replay --protocol</c> on the real CLI: feedback.tsv equals an independent recomputation from the recording's estimates.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ProtocolReplayTests : IClassFixture<SmallSession>
{
    private readonly SmallSession _s;

    public ProtocolReplayTests(SmallSession session) => _s = session;

    private string WriteProtocol(string target)
    {
        string dir = _s.Path("protocol");
        Directory.CreateDirectory(dir);
        string path = System.IO.Path.Combine(dir, "nf.tsv");
        File.WriteAllText(path, "onset\tduration\ttrial_type\n0\t6\trest\n6\t24\tbase\n30\t16\tup\n46\t14\tbase\n60\t12\tdown\n72\t8\tscore\n");
        File.WriteAllText(System.IO.Path.ChangeExtension(path, ".json"), $$$"""
            {"Conditions": {"rest": {"Role": "rest"}, "base": {"Role": "baseline"},
              "up": {"Role": "regulate", "Target": "{{{target}}}", "Feedback": "continuous"},
              "down": {"Role": "regulate", "Target": {"{{{target}}}": 1, "fear": -0.5}, "Direction": "down", "Feedback": "intermittent"},
              "score": {"Role": "display"}},
             "Normalisation": {"Method": "z", "BaselineSkip": 4}, "Smoothing": 2, "HaemodynamicDelay": 0}
            """);
        return path;
    }

    [Fact]
    public void Replay_WithProtocol_FeedbackEqualsRecomputationAndSessionRecordsTheProtocol()
    {
        string protocol = WriteProtocol("joy"), rec = _s.Path("rec");
        var r = CliRunner.Run("replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
            "--speed", "max", "--no-dashboard", "--no-lsl", "--record", rec, "--protocol", protocol);
        Assert.True(r.ExitCode == 0, $"replay exited {r.ExitCode}: {r.Error}");
        // Before the first volume, as `protocol check --volumes` says it: the down block's score would come with volume 42,
        // after its display block and after the run's 40 volumes.
        Assert.Contains($"warning: protocol {protocol}: block 5's score would be released at volume 42 (84 s), after the run's last volume (39): it is never shown", r.Out);
        // The continuous block (30–46 s) is described by estimates 21–28 but shows only 21–22, while volumes are acquired in it.
        Assert.Contains($"warning: protocol {protocol}: continuous block 3 (16 s) shows 2 of the 8 estimates that describe it: "
            + "an estimate arrives (W − 1)/2·TR + delay = 12 s after the time it describes, so its first 12 s show no feedback and 6 arrive after it ends", r.Out);

        string ours = System.IO.Path.Combine(rec, "feedback.tsv"), theirs = _s.Path("theirs.tsv");
        PythonRunner.Run(PythonRunner.RepoFile("tests", "RealtimeDecode.Engine.Tests", "Feedback", "recompute_feedback.py"),
            protocol, System.IO.Path.Combine(rec, "estimates.tsv"), "2", "13", theirs);
        var a = File.ReadAllLines(ours);
        var b = File.ReadAllLines(theirs);
        Assert.Equal(b[0], a[0]);
        Assert.Equal(1 + 40 - 12, a.Length);
        Assert.Equal(b.Length, a.Length);
        int shown = 0;
        for (int i = 1; i < a.Length; i++)
        {
            var x = a[i].Split('\t');
            var y = b[i].Split('\t');
            for (int c = 0; c < x.Length; c++)
            {
                if (double.TryParse(y[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double yv)
                    && double.TryParse(x[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double xv))
                    Assert.True(Math.Abs(xv - yv) <= 1e-9 * Math.Max(1, Math.Abs(yv)), $"line {i + 1} column {c}: {x[c]} vs {y[c]}");
                else Assert.True(x[c] == y[c], $"line {i + 1} column {c}: {x[c]} vs {y[c]}");
            }
            if (x[8] == "1") shown++;
        }
        Assert.True(shown > 0, "no feedback was shown");

        // protocol feedback beside the recording takes its TR and window from session.json: the same file, row for row
        // (no display, so displayed_ms is n/a in both), where the old default of --window 1 differed on every row.
        string offline = _s.Path("offline.tsv");
        var f = CliRunner.Run("protocol", "feedback", protocol, "--estimates", System.IO.Path.Combine(rec, "estimates.tsv"), "--out", offline);
        Assert.True(f.ExitCode == 0, f.Error);
        Assert.Contains($"protocol feedback: TR 2 s, window 13 volumes from {System.IO.Path.Combine(rec, "session.json")}", f.Out);
        Assert.Equal(a, File.ReadAllLines(offline));

        // An option that contradicts the recording is refused, naming both values; one that agrees is accepted.
        var contradicts = CliRunner.Run("protocol", "feedback", protocol, "--estimates", System.IO.Path.Combine(rec, "estimates.tsv"), "--window", "1", "--out", offline);
        Assert.Equal(2, contradicts.ExitCode);
        Assert.Equal($"error: {System.IO.Path.Combine(rec, "session.json")}: the recording's window (window_volumes) is 13 volumes; --window 1 contradicts it: leave --window out (protocol feedback takes the recording's)",
            contradicts.Error.Trim());
        var tr = CliRunner.Run("protocol", "feedback", protocol, "--estimates", System.IO.Path.Combine(rec, "estimates.tsv"), "--tr", "2.5", "--out", offline);
        Assert.Equal(2, tr.ExitCode);
        Assert.Contains("the recording's TR (repetition_time_s) is 2 s; --tr 2.5 contradicts it", tr.Error);
        Assert.Equal(0, CliRunner.Run("protocol", "feedback", protocol, "--estimates", System.IO.Path.Combine(rec, "estimates.tsv"), "--tr", "2", "--window", "13", "--out", offline).ExitCode);

        // Away from its recording the estimates carry no timing: --window is required, not assumed.
        string away = _s.Path("away"), copy = System.IO.Path.Combine(away, "estimates.tsv");
        Directory.CreateDirectory(away);
        File.Copy(System.IO.Path.Combine(rec, "estimates.tsv"), copy);
        var alone = CliRunner.Run("protocol", "feedback", protocol, "--estimates", copy, "--tr", "2", "--out", offline);
        Assert.Equal(2, alone.ExitCode);
        Assert.Contains("no session.json beside it states the window its estimates were made with: give --window", alone.Error);
        var given = CliRunner.Run("protocol", "feedback", protocol, "--estimates", copy, "--tr", "2", "--window", "13", "--out", offline);
        Assert.True(given.ExitCode == 0, given.Error);
        Assert.Contains("protocol feedback: TR 2 s from --tr; window 13 volumes from --window", given.Out);
        Assert.Equal(a, File.ReadAllLines(offline));

        using var session = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(rec, "session.json")));
        var p = session.RootElement.GetProperty("protocol");
        Assert.Equal(System.IO.Path.GetFullPath(protocol), p.GetProperty("path").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(protocol))), p.GetProperty("sha256").GetString());
    }

    /// <summary>A copy of the recording's session.json with <paramref name="edit"/> applied, in a folder of its own beside a copy of its estimates.</summary>
    private string EarlierRecording(string rec, string name, Action<System.Text.Json.Nodes.JsonObject> edit)
    {
        string dir = _s.Path(name);
        Directory.CreateDirectory(dir);
        File.Copy(System.IO.Path.Combine(rec, "estimates.tsv"), System.IO.Path.Combine(dir, "estimates.tsv"));
        var json = (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(rec, "session.json")))!;
        edit(json);
        File.WriteAllText(System.IO.Path.Combine(dir, "session.json"), json.ToJsonString());
        return System.IO.Path.Combine(dir, "estimates.tsv");
    }

    [Fact]
    public void Feedback_RecordingWithoutWindowVolumes_WindowFromItsWarmUpSaysWhenceAndEqualsTheSession()
    {
        string protocol = WriteProtocol("joy"), rec = _s.Path("rec-earlier");
        var r = CliRunner.Run("replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
            "--speed", "max", "--no-dashboard", "--no-lsl", "--record", rec, "--protocol", protocol);
        Assert.True(r.ExitCode == 0, $"replay exited {r.ExitCode}: {r.Error}");
        var live = File.ReadAllLines(System.IO.Path.Combine(rec, "feedback.tsv"));
        string offline = _s.Path("earlier-feedback.tsv");

        // As an earlier version wrote it: no window_volumes. Its 12 warm-up volumes give the model's window of 13.
        string estimates = EarlierRecording(rec, "earlier", j => j.Remove("window_volumes"));
        string session = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(estimates)!, "session.json");
        var f = CliRunner.Run("protocol", "feedback", protocol, "--estimates", estimates, "--out", offline);
        Assert.True(f.ExitCode == 0, f.Error);
        Assert.Contains($"window 13 volumes from the warm-up of {session} (warmup_volumes.count 12 + 1: it does not state window_volumes)", f.Out);
        Assert.Single(f.Out.Split('\n'), l => l.Contains("window 13 volumes", StringComparison.Ordinal));
        Assert.Equal(live, File.ReadAllLines(offline));
        var contradicts = CliRunner.Run("protocol", "feedback", protocol, "--estimates", estimates, "--window", "1", "--out", offline);
        Assert.Equal(2, contradicts.ExitCode);
        Assert.Contains("the recording's window (its warm-up, warmup_volumes.count 12, + 1) is 13 volumes; --window 1 contradicts it", contradicts.Error);

        // Where the warm-up cannot tell the window exactly, --window is still asked for, and the line says why.
        string noWarmUp = EarlierRecording(rec, "earlier-no-warmup", j => { j.Remove("window_volumes"); j.Remove("warmup_volumes"); });
        var a = CliRunner.Run("protocol", "feedback", protocol, "--estimates", noWarmUp, "--out", offline);
        Assert.Equal(2, a.ExitCode);
        Assert.Contains("does not state the window the estimates were made with (window_volumes; recorded by an earlier version) nor its warm-up (warmup_volumes)", a.Error);
        Assert.Contains("give --window", a.Error);
        string unfilled = EarlierRecording(rec, "earlier-unfilled", j => { j.Remove("window_volumes"); j["estimate_rows"] = 0; });
        var b = CliRunner.Run("protocol", "feedback", protocol, "--estimates", unfilled, "--out", offline);
        Assert.Equal(2, b.ExitCode);
        Assert.Contains("and its run ended before the window was full (no estimate row after its 12 warm-up volumes), so the warm-up does not tell it: give --window", b.Error);
        Assert.Single(b.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Replay_ProtocolSourceTheModelLacks_OneLineExit2BeforeTheFirstVolume()
    {
        string protocol = WriteProtocol("contentment"), rec = _s.Path("rec");
        var r = CliRunner.Run("replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
            "--speed", "max", "--no-dashboard", "--no-lsl", "--record", rec, "--protocol", protocol);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("'contentment', which model", r.Error);
        Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(rec), "the session started");
    }
}
