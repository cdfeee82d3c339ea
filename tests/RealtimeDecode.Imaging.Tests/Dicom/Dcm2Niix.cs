using System.Diagnostics;

namespace RealtimeDecode.Imaging.Tests.Dicom;

/// <summary>
/// Runs Debian's dcm2niix (/usr/bin/dcm2niix) on a folder of DICOM files; fails the test with a clear
/// message when it is missing or writes nothing.
/// </summary>
internal static class Dcm2Niix
{
    public const string Executable = "/usr/bin/dcm2niix";

    /// <summary>Converts the series in <paramref name="inputFolder"/> into <paramref name="outputFolder"/>; returns the .nii files written.</summary>
    public static IReadOnlyList<string> Convert(string inputFolder, string outputFolder)
    {
        if (!File.Exists(Executable))
            Assert.Fail($"{Executable} is missing: install Debian's dcm2niix package (apt-get install dcm2niix); the DICOM writer's golden check needs it.");
        Directory.CreateDirectory(outputFolder);
        var psi = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-b", "n", "-z", "n", "-x", "i", "-p", "n", "-f", "out_%s_%r", "-o", outputFolder, inputFolder })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        var files = Directory.GetFiles(outputFolder, "*.nii").OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (p.ExitCode != 0 || files.Count == 0)
            Assert.Fail($"dcm2niix exit code {p.ExitCode}, {files.Count} files: {stdout.Result.Trim()} {stderr.Result.Trim()}");
        return files;
    }
}
