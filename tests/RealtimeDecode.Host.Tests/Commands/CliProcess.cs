using System.Diagnostics;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary>
/// Runs the built realtime-decode executable as its own process, for inputs that could take the
/// process down (a stack overflow cannot be caught in-process). Bounded: killed after a minute.
/// </summary>
internal static class CliProcess
{
    public static CliRunner.Result Run(params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "realtime-decode"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return new CliRunner.Result(-1, stdout.Result, "killed after a minute: " + stderr.Result);
        }
        return new CliRunner.Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
