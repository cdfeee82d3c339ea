using System.Globalization;
using RealtimeDecode.Host.Tests.Commands;
using RealtimeDecode.Training.Synthesis;

namespace RealtimeDecode.Host.Tests.Session;

/// <summary>A small synthetic session (20 × 24 × 18 grid, 100 parcels, two runs) and a ridge DFC model trained on its run 1 with the CLI.</summary>
public sealed class SmallSession : IDisposable
{
    private readonly TempFolder _dir = new();

    public SmallSession() : this(volumes: 40, seed: 1) { }

    internal SmallSession(int volumes, int seed, int nx = 20, int ny = 24, int nz = 18, bool train = true)
    {
        Synth = SyntheticSession.Write(_dir.File("session"), new SynthOptions { Nx = nx, Ny = ny, Nz = nz, Parcels = 100, Volumes = volumes, Runs = 2, Seed = seed });
        Model = _dir.File("model");
        if (!train) return;
        var r = CliRunner.Run("train", "--bold", Run1, "--atlas", Atlas, "--labels", Labels, "--targets", Synth.Truth[0],
            "--estimator", "ridge", "--cv", "none", "--out", Model);
        Assert.True(r.ExitCode == 0, $"train exited {r.ExitCode}: {r.Error}");
    }

    public SynthResult Synth { get; }
    public string Atlas => Synth.Atlas;
    public string Labels => Synth.Labels;
    public string Run1 => Synth.Runs[0];
    public string Run2 => Synth.Runs[1];
    public string Model { get; }

    /// <summary>A fresh path in the session's temporary folder.</summary>
    public string Path(string name) => _dir.File(name + "-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose() => _dir.Dispose();
}

/// <summary>A TSV table read as text: header and rows.</summary>
internal sealed record TsvTable(string[] Header, List<string[]> Rows)
{
    public static TsvTable Read(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        return new TsvTable(lines[0].Split('\t'), lines.Skip(1).Select(l => l.Split('\t')).ToList());
    }

    public int Column(string name)
    {
        int i = Array.IndexOf(Header, name);
        Assert.True(i >= 0, $"no column {name} in [{string.Join(", ", Header)}]");
        return i;
    }

    /// <summary>Values of <paramref name="columns"/> per volume (first column named <c>volume</c>).</summary>
    public Dictionary<int, double[]> ByVolume(IReadOnlyList<string> columns)
    {
        int v = Column("volume");
        var idx = columns.Select(Column).ToArray();
        var d = new Dictionary<int, double[]>();
        foreach (var row in Rows)
            d.Add(int.Parse(row[v], CultureInfo.InvariantCulture), idx.Select(i => double.Parse(row[i], CultureInfo.InvariantCulture)).ToArray());
        return d;
    }
}

/// <summary>What a session recording says.</summary>
internal static class Recording
{
    public static string[] Targets(string dir)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(dir, "session.json")));
        return doc.RootElement.GetProperty("targets").EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    /// <summary>The session id session.json records (null when absent).</summary>
    public static string? SessionId(string dir)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(dir, "session.json")));
        return doc.RootElement.TryGetProperty("session", out var s) ? s.GetString() : null;
    }

    public static bool Completed(string dir)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(dir, "session.json")));
        return doc.RootElement.GetProperty("completed").GetBoolean();
    }

    public static Dictionary<int, double[]> Estimates(string dir) =>
        TsvTable.Read(System.IO.Path.Combine(dir, "estimates.tsv")).ByVolume(Targets(dir));

    /// <summary>(volume, status) rows of volumes.tsv in file order.</summary>
    public static List<(int Volume, string Status)> Volumes(string dir)
    {
        var t = TsvTable.Read(System.IO.Path.Combine(dir, "volumes.tsv"));
        int v = t.Column("volume"), s = t.Column("status");
        return t.Rows.Select(r => (int.Parse(r[v], CultureInfo.InvariantCulture), r[s])).ToList();
    }
}
