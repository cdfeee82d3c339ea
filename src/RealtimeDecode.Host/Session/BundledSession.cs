using System.Security.Cryptography;
using RealtimeDecode.Host.Configuration;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Synthesis;

namespace RealtimeDecode.Host.Session;

/// <summary>
/// The session bundled in <c>replay-data/session</c>: a synthetic BIDS session whose small files (atlas,
/// annotation, true targets, synth.json) are committed and whose BOLD runs are regenerated on first
/// use, offline and byte for byte, from the recorded options (checked against <c>checksums.sha256</c>).
/// </summary>
internal static class BundledSession
{
    public static string Root => RepositoryPaths.Bundled("replay-data", "session");
    public static string Atlas => Path.Combine(Root, "atlas", "atlas-Synth100Parcels7Networks_dseg.nii.gz");
    public static string Labels => Path.Combine(Root, "atlas", "atlas-Synth100Parcels7Networks_dseg.tsv");
    public static string Model => RepositoryPaths.Bundled("replay-data", "models", "default");
    public static string Run(int run) => Path.Combine(Root, "sub-01", "func", $"sub-01_task-alice_run-{run}_bold.nii.gz");

    /// <summary>The run replayed by default: run 2, which the default model never saw.</summary>
    public static string DefaultRun => Run(2);

    /// <summary>Regenerates missing BOLD runs; returns true when it had to.</summary>
    public static bool EnsureRuns(TextWriter log)
    {
        string synth = Path.Combine(Root, "synth.json");
        if (!File.Exists(synth)) throw new InputDataException(synth, "the bundled session is missing (a fresh clone has it under replay-data/session)");
        var options = SyntheticSession.ReadOptions(synth);
        var missing = Enumerable.Range(1, options.Runs).Where(r => !File.Exists(Run(r))).ToArray();
        if (missing.Length == 0) return false;
        log.WriteLine($"generating the bundled session's BOLD runs ({options.Runs} × {options.Volumes} volumes, seed {options.Seed}) into {Root} ...");
        // Generated beside the session (same file system), so each run appears by an atomic rename and a
        // concurrent replay never sees a half-written file.
        string temp = Path.Combine(Root, ".generating-" + Guid.NewGuid().ToString("N"));
        try
        {
            var result = SyntheticSession.Write(temp, options);
            var expected = ReadChecksums();
            for (int r = 1; r <= options.Runs; r++)
            {
                string generated = result.Runs[r - 1];
                string name = Path.GetFileName(generated);
                if (expected.TryGetValue(name, out var hash) && !hash.Equals(Sha256(generated), StringComparison.OrdinalIgnoreCase))
                    log.WriteLine($"warning: regenerated {name} differs from the recorded checksum; estimates may differ slightly from the bundled report");
                try { if (!File.Exists(Run(r))) File.Move(generated, Run(r)); }
                catch (IOException) when (File.Exists(Run(r))) { } // another process put the same bytes there first
            }
        }
        finally { if (Directory.Exists(temp)) Directory.Delete(temp, true); }
        return true;
    }

    private static Dictionary<string, string> ReadChecksums()
    {
        string path = Path.Combine(Root, "checksums.sha256");
        var d = new Dictionary<string, string>();
        if (!File.Exists(path)) return d;
        foreach (var line in File.ReadAllLines(path))
        {
            var parts = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 2) d[Path.GetFileName(parts[1].TrimStart('*'))] = parts[0];
        }
        return d;
    }

    public static string Sha256(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }
}
