using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RealtimeDecode.Host.Tests.Dashboard.Redis;

/// <summary>The built realtime-decode running in the background (a decoder or a serve host), its output collected line by line.</summary>
internal sealed partial class CliHost : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _newLine = new(0);

    public CliHost(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "realtime-decode"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data is null ? null : "stderr: " + e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Add(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        _newLine.Release();
    }

    public string Output => string.Join("\n", _lines);

    /// <summary>The first line matching <paramref name="pattern"/> (waits at most <paramref name="timeout"/>).</summary>
    public async Task<Match> WaitForAsync(string pattern, TimeSpan timeout)
    {
        var regex = new Regex(pattern);
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            foreach (var l in _lines)
                if (regex.Match(l) is { Success: true } m) return m;
            if (_process.HasExited && _lines.All(l => !regex.IsMatch(l)))
            {
                await _process.WaitForExitAsync();
                foreach (var l in _lines)
                    if (regex.Match(l) is { Success: true } m) return m;
                throw new InvalidOperationException($"exited {_process.ExitCode} before printing /{pattern}/:\n{Output}");
            }
            try { await _newLine.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token); }
            catch (OperationCanceledException) { throw new TimeoutException($"no line /{pattern}/ within {timeout}:\n{Output}"); }
        }
    }

    /// <summary>The http address the host printed (dashboard or serve line).</summary>
    public async Task<string> UrlAsync(TimeSpan timeout) =>
        (await WaitForAsync(@"^(?:dashboard|serving): (http://[0-9.:]+)", timeout)).Groups[1].Value;

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.WaitForExit();
        _process.Dispose();
    }
}
