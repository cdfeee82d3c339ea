using System.Diagnostics;
using RealtimeDecode.Host.Commands;
using RealtimeDecode.Host.Tests.Commands;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary>
/// SIGTERM (what a service manager or <c>kill</c> sends; Ctrl-C's SIGINT takes the same path) to a running
/// <c>replay</c> of the built program: the session drains, the recording is closed as complete and the
/// exit code is 0, however long the flush takes, because System.CommandLine's own termination timeout
/// (2 s by default, then exit 130) is off for the session commands.
/// </summary>
public sealed class TerminationTests : IClassFixture<SmallSession>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
    private readonly SmallSession _s;

    public TerminationTests(SmallSession session) => _s = session;

    [Theory]
    [InlineData("replay", true)]
    [InlineData("live", true)]
    [InlineData("train", false)]
    [InlineData("extract", false)]
    public void Invocation_SessionCommands_HaveNoTerminationTimeoutOthersKeepIt(string command, bool session)
    {
        var parse = CommandLine.BuildRoot().Parse([command]);
        var timeout = CommandLine.Invocation(parse).ProcessTerminationTimeout;
        if (session) Assert.Null(timeout);
        else Assert.NotNull(timeout);
    }

    [Fact]
    public async Task Replay_Sigterm_ExitsZeroWithRecordingComplete()
    {
        string record = _s.Path("rec");
        string dll = Path.Combine(AppContext.BaseDirectory, "realtime-decode.dll");
        var psi = new ProcessStartInfo(Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
                     "--speed", "4", "--no-lsl", "--urls", "http://127.0.0.1:0", "--record", record })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var estimates = Path.Combine(record, "estimates.tsv");
        using var cts = new CancellationTokenSource(Wait);
        try
        {
            // Let the session reach its first estimates, so that there is something in flight to flush.
            while (!p.HasExited && !(File.Exists(estimates) && File.ReadLines(estimates).Count() >= 3)) await Task.Delay(50, cts.Token);
            Assert.False(p.HasExited, "replay ended before the signal");
            Assert.Equal(0, Kill(p.Id, SigTerm));
            await p.WaitForExitAsync(cts.Token);
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
        string err = await stderr;
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}; stderr: {err}");
        Assert.DoesNotContain("cancelled", err, StringComparison.Ordinal);
        Assert.True(Recording.Completed(record));
        var volumes = Recording.Volumes(record);
        Assert.True(volumes.Count is >= 3 and < 40, $"{volumes.Count} volumes recorded (stopped part-way expected); stdout: {await stdout}");
        Assert.Contains("volumes", await stdout, StringComparison.Ordinal); // the summary was printed
    }
}
