using System.IO.Compression;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Tables;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary>
/// Crafted variants of the bundled model package: each invalid one is refused by <c>predict</c> and
/// <c>replay</c> at load, exit 2, one stderr line naming the file, no output and no recording left.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ModelPackageRefusalTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Bundled() => Path.Combine(
        RealtimeDecode.Host.Configuration.RepositoryPaths.Root ?? throw new InvalidOperationException("no folder with replay-data/ and configs/ found"),
        "replay-data", "models", "default");

    /// <summary>The bundled package copied (without its report) and changed by <paramref name="mutation"/>.</summary>
    private string Crafted(string mutation)
    {
        string dir = _dir.File("model");
        Directory.CreateDirectory(dir);
        foreach (var f in Directory.GetFiles(Bundled())) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        string json = Path.Combine(dir, "model.json");
        var root = JsonNode.Parse(File.ReadAllText(json))!.AsObject();
        var pre = root["features"]!["preprocessing"]!;
        switch (mutation)
        {
            case "valid": break;
            case "window=0": root["features"]!["window"] = 0; break;
            case "window=1": root["features"]!["window"] = 1; break;
            case "window=-13": root["features"]!["window"] = -13; break;
            case "detrend=99": pre["detrend_order"] = 99; break;
            case "detrend=-7": pre["detrend_order"] = -7; break;
            case "nuisance=3": pre["nuisance_count"] = 3; break;
            case "motion=7": pre["realign"] = true; pre["motion_regressors"] = 7; break;
            case "motion-no-realign": pre["motion_regressors"] = 24; break;
            case "fd=-1": pre["realign"] = true; pre["fd_threshold_mm"] = -1; break;
            case "censor=hide": pre["realign"] = true; pre["censor"] = "hide"; break;
            case "target-tab": root["targets"]![1] = "jo\ty"; break;
            case "target-newline": root["targets"]![1] = "jo\ny"; break;
            case "target-duplicate": root["targets"]![1] = "anticipation"; break;
            case "target-long": root["targets"]![1] = new string('j', 65); break;
            default:
                // "<file>:<index>=<value>"
                string file = mutation[..mutation.IndexOf(':', StringComparison.Ordinal)];
                int index = int.Parse(mutation[(file.Length + 1)..mutation.IndexOf('=', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
                double value = double.Parse(mutation[(mutation.IndexOf('=', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                string path = Path.Combine(dir, file);
                var a = NpyArray.Read(path);
                var data = a.ToFloat64();
                data[index] = value;
                NpyArray.FromFloat64(data, [.. a.Shape]).Write(path);
                break;
        }
        File.WriteAllText(json, root.ToJsonString());
        return dir;
    }

    public static TheoryData<string, string> Invalid() => new()
    {
        { "window=0", "features.window is 0" },
        { "window=1", "features.window is 1" },
        { "window=-13", "features.window is -13" },
        { "detrend=99", "detrend_order is 99" },
        { "detrend=-7", "detrend_order is -7" },
        { "nuisance=3", "nuisance_count is 3" },
        { "motion=7", "motion_regressors is 7" },
        { "motion-no-realign", "24 motion regressors need realignment" },
        { "fd=-1", "fd_threshold_mm is -1" },
        { "censor=hide", "censor is 'hide'" },
        { "target-tab", "control character" },
        { "target-newline", "control character" },
        { "target-duplicate", "appears twice" },
        { "target-long", "65 characters" },
        { "coef.npy:5=NaN", "coef.npy: element 5 is NaN" },
        { "coef.npy:7=Infinity", "coef.npy: element 7 is Infinity" },
        { "coef.npy:0=1e308", "coef.npy: element 0 is 1E+308" },
        { "intercept.npy:2=-Infinity", "intercept.npy: element 2 is -Infinity" },
        { "scaler_mean.npy:3=NaN", "scaler_mean.npy: element 3 is NaN" },
        { "scaler_scale.npy:4=1e-320", "scaler_scale.npy: element 4 is 1E-320" },
        { "scaler_scale.npy:4=0", "scaler_scale.npy: element 4 is 0" },
    };

    private static void AssertOneLineRefusal(CliRunner.Result r, string expected)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error}");
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error:", lines[0], StringComparison.Ordinal);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", r.Error.Replace("at most", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private string FeatureTable(int rows = 3)
    {
        var rng = new Random(3);
        string path = _dir.File("features.tsv");
        var values = new double[rows * 4950];
        for (int i = 0; i < values.Length; i++) values[i] = rng.NextDouble() - 0.5;
        new NumericTable([.. Enumerable.Range(0, 4950).Select(i => $"e{i}")], [.. Enumerable.Range(12, rows)], values).Write(path);
        return path;
    }

    [Fact]
    public void Predict_UnchangedCopy_PredictsFiniteNumbers()
    {
        string model = Crafted("valid");
        var r = CliRunner.Run("predict", "--model", model, "--features", FeatureTable(), "--out", _dir.File("pred.tsv"));
        Assert.True(r.ExitCode == 0, r.Error);
        var pred = NumericTable.Read(_dir.File("pred.tsv"));
        Assert.Equal(3 * 8, pred.Values.Length);
        Assert.All(pred.Values, v => Assert.True(double.IsFinite(v)));
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Predict_InvalidPackage_RefusedInOneLineWithoutOutput(string mutation, string expected)
    {
        string model = Crafted(mutation);
        string features = FeatureTable();
        string output = _dir.File("pred.tsv");
        var r = CliRunner.Run("predict", "--model", model, "--features", features, "--out", output);
        AssertOneLineRefusal(r, expected);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Replay_InvalidPackage_RefusedBeforeTheFirstVolumeWithoutRecording(string mutation, string expected)
    {
        string model = Crafted(mutation);
        string rec = _dir.File("rec");
        var r = CliRunner.Run("replay", "--model", model, "--speed", "max", "--no-dashboard", "--no-lsl", "--record", rec);
        AssertOneLineRefusal(r, expected);
        Assert.False(Directory.Exists(rec));
    }

    [Fact]
    public void Predict_ZipWithTooManyEntries_RefusedBeforeUnpacking()
    {
        string zip = _dir.File("bomb.zip");
        using (var z = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            using (var w = new StreamWriter(z.CreateEntry("model.json").Open())) w.Write("{}");
            for (int i = 0; i < ModelPackage.MaxZipEntries + 1; i++) z.CreateEntry($"pad/{i}.npy");
        }
        string output = _dir.File("pred.tsv");
        var r = CliRunner.Run("predict", "--model", zip, "--features", FeatureTable(), "--out", output);
        AssertOneLineRefusal(r, "entries, allowed at most");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Predict_ZipEntryLargerThanDeclared_Refused()
    {
        // A zip whose directory understates an entry's size: unpacking stops at the declared size.
        string zip = _dir.File("lying.zip");
        using (var z = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            using var w = new StreamWriter(z.CreateEntry("model.json").Open());
            w.Write("{\"format\": \"rtdecode-model\"}" + new string(' ', 100_000));
        }
        byte[] bytes = File.ReadAllBytes(zip);
        // Patch the uncompressed size (offset 22 in the local header, 24 in the central directory entry) to 10 bytes.
        int central = FindSignature(bytes, [0x50, 0x4b, 0x01, 0x02]);
        BitConverter.GetBytes(10u).CopyTo(bytes, 22);
        BitConverter.GetBytes(10u).CopyTo(bytes, central + 24);
        File.WriteAllBytes(zip, bytes);
        string output = _dir.File("pred.tsv");
        var r = CliRunner.Run("predict", "--model", zip, "--features", FeatureTable(), "--out", output);
        Assert.Equal(2, r.ExitCode);
        Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Predict_ZipDeclaringMoreThanTheLimitUnpacked_RefusedBeforeUnpacking()
    {
        string zip = _dir.File("big.zip");
        using (var z = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            using var w = new StreamWriter(z.CreateEntry("model.json").Open());
            w.Write("{}");
        }
        byte[] bytes = File.ReadAllBytes(zip);
        // The central directory says the entry unpacks to 3 GiB.
        int central = FindSignature(bytes, [0x50, 0x4b, 0x01, 0x02]);
        BitConverter.GetBytes(3u << 30).CopyTo(bytes, central + 24);
        File.WriteAllBytes(zip, bytes);
        string output = _dir.File("pred.tsv");
        var r = CliRunner.Run("predict", "--model", zip, "--features", FeatureTable(), "--out", output);
        AssertOneLineRefusal(r, "unpacks to 3221225472 bytes");
        Assert.False(File.Exists(output));
    }

    private static int FindSignature(byte[] bytes, byte[] sig)
    {
        for (int i = 0; i + sig.Length <= bytes.Length; i++)
            if (bytes.AsSpan(i, sig.Length).SequenceEqual(sig)) return i;
        throw new InvalidOperationException("signature not found");
    }
}
