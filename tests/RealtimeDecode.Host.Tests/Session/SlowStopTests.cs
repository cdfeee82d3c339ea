using System.Diagnostics;
using RealtimeDecode.Host.Tests.Commands;
using RealtimeDecode.Training.Synthesis;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary>
/// A stop that needs more than System.CommandLine's default 2-second termination timeout: SIGTERM to the
/// built program while a <c>replay --speed max</c> of a long run has thousands of volumes in flight. Every
/// one of them is still decoded and recorded before the program ends (its shutdown), the exit code is 0
/// and session.json says <c>completed: true</c>; with the default timeout the process would have been
/// ended after 2 s with exit 130 and the recording left incomplete.
/// </summary>
public sealed class SlowStopTests : IDisposable
{
    private const int SigTerm = 15;
    private const int Volumes = 4000;
    private readonly TempFolder _dir = new();

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Replay_SigtermWhileThousandsOfVolumesInFlight_StopTakesOver2SecondsExitsZeroRecordingComplete()
    {
        // The small session's model and atlas, and a long run on the same grid and atlas (same seed and layout).
        using var small = new SmallSession(volumes: 40, seed: 12);
        var longRun = SyntheticSession.Write(_dir.File("long"), new SynthOptions { Nx = 20, Ny = 24, Nz = 18, Parcels = 100, Volumes = Volumes, Runs = 1, Seed = 12 });
        string record = _dir.File("rec");
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "realtime-decode")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "replay", "--run", longRun.Runs[0], "--atlas", small.Atlas, "--labels", small.Labels, "--model", small.Model,
                     "--speed", "max", "--no-lsl", "--no-dashboard", "--record", record })
            psi.ArgumentList.Add(a);
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
        Assert.True(stop.Elapsed > TimeSpan.FromSeconds(2), $"the stop took {stop.Elapsed.TotalSeconds:0.0} s: too little in flight for the test to mean anything");
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}; stderr: {err}");
        Assert.DoesNotContain("   at ", output + err, StringComparison.Ordinal);
        Assert.True(Recording.Completed(record), "session.json does not say completed");
        // Everything that was in flight at the signal was decoded and recorded: the whole run, every estimate.
        Assert.Equal(Volumes, Recording.Volumes(record).Count);
        Assert.Equal(Volumes - 12, Recording.Estimates(record).Count);
        Assert.Contains($"volumes: {Volumes}", output, StringComparison.Ordinal);
    }
}
