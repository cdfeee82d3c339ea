using System.Diagnostics;

namespace RealtimeDecode.Benchmarks;

/// <summary>
/// A process the benchmark tools start (redis-server, a <c>serve</c> host, this executable in a client mode),
/// with its standard streams redirected; killed with its children when disposed.
/// </summary>
internal sealed class Child(Process p) : IDisposable
{
    public Process Process { get; } = p;

    public void Dispose()
    {
        try { Process.Kill(entireProcessTree: true); Process.WaitForExit(); }
        catch (InvalidOperationException) { }
        Process.Dispose();
    }

    public static implicit operator Process(Child c) => c.Process;

    public static Child Start(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return new Child(Process.Start(psi)!);
    }

    /// <summary>This benchmark executable again, in another mode.</summary>
    public static Child StartSelf(IEnumerable<string> args) => Start(Environment.ProcessPath!, [.. SelfArgs(args)]);

    private static IEnumerable<string> SelfArgs(IEnumerable<string> args) =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet"
            ? new[] { System.Reflection.Assembly.GetEntryAssembly()!.Location }.Concat(args) : args;

    /// <summary>This benchmark executable again, in another mode, on the CPUs <paramref name="cpus"/> (a <c>taskset -c</c> list).</summary>
    public static Child StartSelfOn(string cpus, IEnumerable<string> args) =>
        Start("taskset", ["-c", cpus, Environment.ProcessPath!, .. SelfArgs(args)]);

    /// <summary>The rest of the first line of the output that starts with <paramref name="prefix"/>.</summary>
    public async Task<string> LineAsync(string prefix)
    {
        while (await Process.StandardOutput.ReadLineAsync() is { } line)
            if (line.StartsWith(prefix, StringComparison.Ordinal)) return line[prefix.Length..];
        throw new InvalidOperationException($"the child process exited before '{prefix}': " + await Process.StandardError.ReadToEndAsync());
    }
}
