using System.Diagnostics;
using System.Text.Json;

namespace RealtimeDecode.Imaging.Tests.Support;

/// <summary>
/// Runs Golden/nibabel_dump.py under Debian's /usr/bin/python3 (numpy + nibabel) on files the tests
/// wrote. Fails the test with a clear message when the interpreter or a module is missing.
/// </summary>
public static class Nibabel
{
    public const string Python = "/usr/bin/python3";

    public sealed record Dump(string Path, int[] Shape, string Dtype, int SizeofHdr, double[] Affine, double[] Qform, int QformCode,
        double[] Sform, int SformCode, double Tr, string SpaceUnits, string TimeUnits, double Slope, double Inter, string Descrip)
    {
        /// <summary>nibabel's get_fdata(), x fastest.</summary>
        public double[] Data
        {
            get
            {
                var bytes = File.ReadAllBytes(Path + ".nib.f64");
                var d = new double[bytes.Length / 8];
                Buffer.BlockCopy(bytes, 0, d, 0, bytes.Length);
                return d;
            }
        }
    }

    public static IReadOnlyList<Dump> Read(params string[] files)
    {
        if (!File.Exists(Python))
            Assert.Fail($"{Python} is missing: install Debian's python3 with python3-numpy and python3-nibabel (see .ci/setup).");
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(GoldenFiles.Path("nibabel_dump.py"));
        foreach (var f in files) psi.ArgumentList.Add(f);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            var err = stderr.Result;
            if (err.Contains("ModuleNotFoundError", StringComparison.Ordinal))
                Assert.Fail($"{Python} lacks a module the round-trip test needs (install python3-numpy and python3-nibabel): {err.Trim()}");
            Assert.Fail($"nibabel_dump.py failed with exit code {p.ExitCode}: {err.Trim()}");
        }
        return JsonSerializer.Deserialize<List<Dump>>(stdout.Result,
            new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower })!;
    }
}
