using System.Diagnostics;
using RealtimeDecode.Host.Tests.Commands;
using RealtimeDecode.Training.Synthesis;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary>
/// A stop that needs more than System.CommandLine's default 2-second termination timeout: SIGTERM to the
/// built program during a <c>replay --speed max</c> of a long run with a protocol and the dashboard on, where
/// the recording's last feedback rows wait for the participant display's acknowledgements
/// (<c>Feedback:AckWaitMs</c>, here 4 s, and no page is connected), so the shutdown lasts at least that
/// long on any machine. Every volume in flight is still decoded and recorded, the exit code is 0 and
/// session.json says <c>completed: true</c>; with the default timeout the process would have been ended
/// after 2 s with exit 130 and the recording left incomplete.
/// </summary>
public sealed class SlowStopTests : IDisposable
{
    private const int SigTerm = 15;
    private const int Volumes = 1000;
    private const int AckWaitMs = 4000;
    private readonly TempFolder _dir = new();

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Replay_SigtermWhileTheRecordingWaitsForDisplayTimes_StopTakesOver2SecondsExitsZeroRecordingComplete()
    {
        // The small session's model and atlas, and a long run on the same grid and atlas (same seed and layout).
        using var small = new SmallSession(volumes: 40, seed: 12);
        var longRun = SyntheticSession.Write(_dir.File("long"), new SynthOptions { Nx = 20, Ny = 24, Nz = 18, Parcels = 100, Volumes = Volumes, Runs = 1, Seed = 12 });
        string record = _dir.File("rec");
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "realtime-decode")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string protocol = _dir.File("nf.tsv");
        File.WriteAllText(protocol, "onset\tduration\ttrial_type\n0\t20\tbase\n20\t1900\tup\n");
        File.WriteAllText(Path.ChangeExtension(protocol, ".json"),
            """{"Conditions": {"base": {"Role": "baseline"}, "up": {"Role": "regulate", "Target": "joy", "Feedback": "continuous"}}}""");
        foreach (var a in new[] { "replay", "--run", longRun.Runs[0], "--atlas", small.Atlas, "--labels", small.Labels, "--model", small.Model,
                     "--speed", "max", "--no-lsl", "--urls", "http://127.0.0.1:0", "--protocol", protocol, "--record", record })
            psi.ArgumentList.Add(a);
        psi.Environment["RTDECODE_Feedback__AckWaitMs"] = AckWaitMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        string estimates = Path.Combine(record, "estimates.tsv");
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var stop = new Stopwatch();
        int decodedAtSignal;
        try
        {
            while (!p.HasExited && !(File.Exists(estimates) && File.ReadLines(estimates).Count() >= 3)) await Task.Delay(20, bound.Token);
            Assert.False(p.HasExited, "replay ended before the signal");
            Assert.Equal(0, Kill(p.Id, SigTerm));
            stop.Start();
            decodedAtSignal = File.ReadLines(estimates).Count() - 1;
            await p.WaitForExitAsync(bound.Token);
            stop.Stop();
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }

        string err = await stderr, output = await stdout;
        Console.WriteLine($"SIGTERM with {decodedAtSignal} of {Volumes - 12} estimates written; the stop took {stop.Elapsed.TotalSeconds:0.0} s; exit {p.ExitCode}");
        Assert.True(stop.Elapsed > TimeSpan.FromSeconds(2), $"the stop took {stop.Elapsed.TotalSeconds:0.0} s: the display wait did not hold it");
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}; stderr: {err}");
        Assert.DoesNotContain("   at ", output + err, StringComparison.Ordinal);
        Assert.True(Recording.Completed(record), "session.json does not say completed");
        // Everything that was in flight at the signal was decoded and recorded: the whole run, every estimate.
        Assert.Equal(Volumes, Recording.Volumes(record).Count);
        Assert.Equal(Volumes - 12, Recording.Estimates(record).Count);
        Assert.Contains($"volumes: {Volumes}", output, StringComparison.Ordinal);
        // The feedback rows waited for display times and were written in full: one per estimate, none drawn.
        var feedback = File.ReadAllLines(Path.Combine(record, "feedback.tsv"));
        Assert.Equal(Volumes - 12, feedback.Length - 1);
        int displayed = Array.IndexOf(feedback[0].Split('\t'), "displayed_ms");
        Assert.All(feedback.Skip(1), row => Assert.Equal("n/a", row.Split('\t')[displayed]));
    }
}
