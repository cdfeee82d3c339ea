using System.Diagnostics;

namespace RealtimeDecode.Tests.Support;

/// <summary>Runs Debian's /usr/bin/python3 (numpy, scipy, scikit-learn 1.2.1) for reference results.</summary>
internal static class PythonRunner
{
    public const string Python = "/usr/bin/python3";

    public static void Run(string script, params string[] args)
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing: install python3-numpy python3-scipy python3-sklearn (apt-get)");
        }

        var psi = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(script);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Python} {Path.GetFileName(script)} failed ({p.ExitCode}); if a module is missing install python3-numpy python3-scipy python3-sklearn: {stderr.Result}{stdout}");
        }
    }

    public static string RepoFile(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            string f = Path.Combine([dir.FullName, .. parts]);
            if (File.Exists(f))
            {
                return f;
            }

            dir = dir.Parent;
        }

        throw new FileNotFoundException($"{Path.Combine(parts)} not found above {AppContext.BaseDirectory}");
    }

    public static string Golden(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "Golden", .. parts]);
}
