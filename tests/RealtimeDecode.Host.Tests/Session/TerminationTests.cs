using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;
using RealtimeDecode.Host.Commands;
using RealtimeDecode.Host.Tests.Commands;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary>
/// SIGTERM (what a service manager or <c>kill</c> sends; Ctrl-C's SIGINT takes the same path) to a running
/// <c>replay</c> of the built program: the session drains, the recording is closed as complete and the
/// exit code is 0, however long the flush takes, because System.CommandLine's own termination timeout
/// (2 s by default, then exit 130) is off for the session commands. A dashboard viewer hears the session's end
/// before the host goes.
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
        var estimates = Path.Combine(record, "estimates.tsv");
        using var cts = new CancellationTokenSource(Wait);
        var statuses = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var console = new System.Text.StringBuilder();
        Task<string> stdout;
        try
        {
            // A dashboard viewer, connected from the URL the session prints.
            string? url = null;
            while (url is null && await p.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                console.AppendLine(line);
                if (line.StartsWith("dashboard: ", StringComparison.Ordinal)) url = line["dashboard: ".Length..].Split(' ')[0].TrimEnd('/');
            }
            stdout = p.StandardOutput.ReadToEndAsync();
            Assert.True(url is not null, $"no dashboard URL printed: {console}");
            await using var viewer = new HubConnectionBuilder().WithUrl(url + "/hubs/decoder").Build();
            viewer.On<System.Text.Json.JsonElement>("status", m => statuses.Enqueue(m.GetProperty("state").GetString()!));
            viewer.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
            await viewer.StartAsync(cts.Token);

            // Let the session reach its first estimates, so that there is something in flight to flush.
            while (!p.HasExited && !(File.Exists(estimates) && File.ReadLines(estimates).Count() >= 3)) await Task.Delay(50, cts.Token);
            Assert.False(p.HasExited, "replay ended before the signal");
            Assert.Equal(0, Kill(p.Id, SigTerm));
            await p.WaitForExitAsync(cts.Token);
            await closed.Task.WaitAsync(cts.Token);
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
        // The viewer heard the end before the host went: the web server stops with the session, not on the signal.
        Assert.Equal("ended", statuses.LastOrDefault());
        string err = await stderr;
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}; stderr: {err}");
        Assert.DoesNotContain("cancelled", err, StringComparison.Ordinal);
        Assert.True(Recording.Completed(record));
        var volumes = Recording.Volumes(record);
        Assert.True(volumes.Count is >= 3 and < 40, $"{volumes.Count} volumes recorded (stopped part-way expected); stdout: {console}{await stdout}");
        string summary = await stdout;
        Assert.Contains("volumes", summary, StringComparison.Ordinal); // the summary was printed
        Assert.Contains($"stopped before the run's end: {volumes.Count} of its 40 volumes replayed", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Live_KeepServingSigterm_SessionEndsDashboardStaysUntilASecondSignal()
    {
        string record = _s.Path("rec"), export = _s.Path("export");
        Directory.CreateDirectory(export);
        string dll = Path.Combine(AppContext.BaseDirectory, "realtime-decode.dll");
        var psi = new ProcessStartInfo(Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "live", "--watch", export, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
                     "--no-lsl", "--urls", "http://127.0.0.1:0", "--keep-serving", "--record", record })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Wait);
        var console = new System.Text.StringBuilder();
        try
        {
            string? url = null;
            async Task UntilLine(string start)
            {
                while (await p.StandardOutput.ReadLineAsync(cts.Token) is { } line)
                {
                    console.AppendLine(line);
                    if (line.StartsWith("dashboard: ", StringComparison.Ordinal)) url = line["dashboard: ".Length..].Split(' ')[0].TrimEnd('/');
                    if (line.StartsWith(start, StringComparison.Ordinal)) return;
                }
                Assert.Fail($"no line '{start}': {console}");
            }
            await UntilLine("recording: ");
            Assert.Equal(0, Kill(p.Id, SigTerm));
            await UntilLine("session ended, recording complete; still serving the dashboard (Ctrl-C again to stop)");
            Assert.True(Recording.Completed(record));
            await Task.Delay(500, cts.Token);
            Assert.False(p.HasExited, "live exited after the first signal despite --keep-serving: " + console);
            using var http = new HttpClient();
            var page = await http.GetAsync(url + "/", cts.Token);
            Assert.True(page.IsSuccessStatusCode, $"dashboard answered {page.StatusCode} after the session ended");
            Assert.Equal(0, Kill(p.Id, SigTerm));
            await p.WaitForExitAsync(cts.Token);
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
        string err = await stderr;
        Assert.True(p.ExitCode is 0 or 1, $"exit {p.ExitCode}; stderr: {err}");
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
    }
}
