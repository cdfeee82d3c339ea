using System.Diagnostics;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary>
/// Runs the built <c>realtime-decode</c> as a child process whose files may not grow beyond a size
/// (<c>ulimit -f</c>, in KiB), as on a full disk: writes past it fail with EFBIG. SIGXFSZ is ignored
/// (its default action would kill the process). The runtime's W^X double mapping keeps executable code
/// in a file it grows with ftruncate, which the limit also stops, so it is turned off for the child.
/// </summary>
internal static class LimitedCli
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static Result Run(int fileSizeLimitKiB, TimeSpan timeout, params string[] args)
    {
        using var p = Start(fileSizeLimitKiB, args);
        return Wait(p, timeout, args);
    }

    /// <summary>Starts the CLI (the process is the CLI itself: bash execs it, so signals go straight to it).</summary>
    public static Process Start(int fileSizeLimitKiB, params string[] args)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "realtime-decode");
        Assert.True(File.Exists(cli), $"the CLI is not built at {cli}");
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        // SIGINT back to its default: a test run started in the background inherits it ignored, and the CLI would
        // then never see the Ctrl-C these tests send.
        psi.ArgumentList.Add($"trap '' XFSZ; ulimit -f {fileSizeLimitKiB}; exec env --default-signal=INT \"$0\" \"$@\"");
        psi.ArgumentList.Add(cli);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        // An internal error then prints its stack trace, which the tests assert never happens.
        psi.Environment["RTDECODE_DEBUG"] = "1";
        return Process.Start(psi)!;
    }

    /// <summary>Sends SIGINT (Ctrl-C) to a process started by <see cref="Start"/>.</summary>
    public static void Interrupt(Process p)
    {
        using var kill = Process.Start("kill", ["-INT", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
    }

    /// <summary>Waits for a process started by <see cref="Start"/> and collects its output.</summary>
    public static Result Wait(Process p, TimeSpan timeout, params string[] args)
    {
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            static string Tail(string text) => text.Length > 3000 ? text[^3000..] : text;
            Assert.Fail($"realtime-decode {string.Join(' ', args)} did not end within {timeout}\nstdout:\n{Tail(stdout.Result)}\nstderr:\n{Tail(stderr.Result)}");
        }
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
