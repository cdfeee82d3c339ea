using System.Diagnostics;

namespace RealtimeDecode.Training.Tests.Explanations;

/// <summary>Runs a reference script on Debian's /usr/bin/python3 (numpy, networkx) at test time.</summary>
internal static class ReferencePython
{
    private const string Interpreter = "/usr/bin/python3";

    /// <summary>Runs <paramref name="script"/> with <paramref name="stdin"/> on standard input and returns standard output; fails the test with a clear message when the interpreter or a module is missing.</summary>
    public static string Run(string script, string stdin)
    {
        if (!File.Exists(Interpreter))
        {
            Assert.Fail($"{Interpreter} is missing: install python3, python3-numpy and python3-networkx (Debian) to run the networkx reference tests.");
        }

        string scriptPath = Path.Combine(Path.GetTempPath(), $"rtdecode-ref-{Guid.NewGuid():N}.py");
        File.WriteAllText(scriptPath, script);
        try
        {
            var psi = new ProcessStartInfo(Interpreter, [scriptPath])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(psi)!;
            var stderrTask = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            string stderr = stderrTask.GetAwaiter().GetResult();
            if (process.ExitCode != 0)
            {
                Assert.Fail(stderr.Contains("ModuleNotFoundError", StringComparison.Ordinal)
                    ? $"{Interpreter} lacks a module the reference needs (install python3-numpy and python3-networkx): {stderr.Trim()}"
                    : $"Reference script failed with exit code {process.ExitCode}: {stderr.Trim()}");
            }

            return stdout;
        }
        finally
        {
            File.Delete(scriptPath);
        }
    }
}
