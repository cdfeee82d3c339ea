using System.Net;
using System.Net.Sockets;
using RealtimeDecode.Host.Tests.Session;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary>
/// User errors on the CLI, in a real temporary folder: each ends with exit 2 and one stderr line naming
/// the option, key, URL or file, no stack trace, and no output or recording folder left behind.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class UserErrorTests : IClassFixture<SmallSession>, IDisposable
{
    private readonly SmallSession _s;
    private readonly TempFolder _dir = new();

    public UserErrorTests(SmallSession session) => _s = session;

    public void Dispose() => _dir.Dispose();

    private static void AssertOneLine(CliRunner.Result r, params string[] mentions)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}; stderr: {r.Error}");
        var line = r.Error.TrimEnd('\n', '\r');
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain("   at ", r.Error + r.Out);
        Assert.StartsWith("error: ", line);
        foreach (var m in mentions) Assert.Contains(m, line, StringComparison.Ordinal);
    }

    /// <summary>replay on the small session, at max speed, recording into <paramref name="record"/>.</summary>
    private CliRunner.Result Replay(string record, params string[] more) =>
        CliRunner.Run(["replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model,
            "--speed", "max", "--no-lsl", "--record", record, .. more]);

    private string Config(string json)
    {
        var path = _dir.File($"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    private string EmptyAtlas()
    {
        var like = NiftiReader.ReadVolume(_s.Atlas);
        var path = _dir.File("empty-atlas.nii.gz");
        NiftiWriter.Write(path, [new Volume(like.Nx, like.Ny, like.Nz, new float[like.Data.Length], like.Affine)]);
        return path;
    }

    [Fact]
    public void Extract_AtlasWithNoNonZeroLabel_OneLineExit2NoOutput()
    {
        var atlas = EmptyAtlas();
        var output = _dir.File("out/roi.tsv");
        var r = CliRunner.Run("extract", "--bold", _s.Run2, "--atlas", atlas, "--out", output);
        AssertOneLine(r, atlas, "no non-zero label");
        Assert.False(Directory.Exists(_dir.File("out")));
    }

    [Fact]
    public void Replay_AtlasWithNoNonZeroLabel_OneLineExit2NoRecording()
    {
        var atlas = EmptyAtlas();
        var record = _dir.File("rec");
        var r = CliRunner.Run("replay", "--run", _s.Run2, "--atlas", atlas, "--model", _s.Model, "--speed", "max", "--no-dashboard", "--no-lsl", "--record", record);
        AssertOneLine(r, atlas, "no non-zero label");
        Assert.False(Directory.Exists(record));
    }

    /// <summary>The atlas image (.nii.gz) given where a text table belongs: named for what it is, nothing of it quoted.</summary>
    [Theory]
    [InlineData("extract", "; is this the atlas image?")]
    [InlineData("explain", "; is this the atlas image?")]
    [InlineData("connectivity", "")]
    [InlineData("targets", "")]
    [InlineData("annotate", "")]
    public void TableOption_GivenTheAtlasImage_OneLineNotATextTableExit2NoOutput(string command, string hint)
    {
        var output = _dir.File("out/result");
        string[] args = command switch
        {
            "extract" => ["extract", "--bold", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Atlas, "--out", output],
            "explain" => ["explain", "--model", _s.Model, "--labels", _s.Atlas, "--out", output],
            "connectivity" => ["connectivity", "--roi", _s.Atlas, "--window", "5", "--out", output],
            "targets" => ["targets", "--annotations", _s.Atlas, "--tr", "2", "--volumes", "10", "--out", output],
            _ => ["annotate", "--transcript", _s.Atlas, "--endpoint", "http://127.0.0.1:9/v1", "--llm-model", "m", "--out", output],
        };
        var r = CliRunner.Run(args);
        AssertOneLine(r, $"error: {_s.Atlas}: not a text table (it looks like gzip data{hint})");
        Assert.DoesNotContain(r.Error.TrimEnd('\n'), c => char.IsControl(c) || c == '\ufffd');
        Assert.False(Directory.Exists(_dir.File("out")));
    }

    /// <summary>The --out of a file-writing command, a folder-writing one and one that writes as it goes.</summary>
    [Theory]
    [InlineData("extract", "folder")]
    [InlineData("extract", "under-file")]
    [InlineData("extract", "read-only")]
    [InlineData("connectivity", "folder")]
    [InlineData("connectivity", "under-file")]
    [InlineData("connectivity", "read-only")]
    [InlineData("synth", "file")]
    [InlineData("synth", "under-file")]
    [InlineData("synth", "read-only")]
    [InlineData("simulate-scanner", "file")]
    [InlineData("simulate-scanner", "under-file")]
    [InlineData("simulate-scanner", "read-only")]
    public void Out_NotWritable_OneLineExit2NothingMade(string command, string kind)
    {
        var blocker = _dir.File("a-file");
        File.WriteAllText(blocker, "x");
        var existingFolder = _dir.File("a-folder");
        Directory.CreateDirectory(existingFolder);
        var roi = _dir.File("roi.tsv");
        File.WriteAllText(roi, "volume\ta\tb\n" + string.Join("", Enumerable.Range(0, 20).Select(i => $"{i}\t{Math.Sin(i)}\t{Math.Cos(i * 0.7)}\n")));
        // /proc refuses new files even to root, where permission bits would not.
        string output = kind switch
        {
            "folder" => existingFolder,
            "file" => blocker,
            "under-file" => Path.Combine(blocker, "sub", "out.tsv"),
            _ => "/proc/rtdecode-test-out/out.tsv",
        };
        string[] args = command switch
        {
            "extract" => ["extract", "--bold", _s.Run2, "--atlas", _s.Atlas, "--out", output],
            "connectivity" => ["connectivity", "--roi", roi, "--window", "5", "--out", output],
            "synth" => ["synth", "--grid", "8x8x6", "--parcels", "7", "--volumes", "20", "--runs", "1", "--out", output],
            _ => ["simulate-scanner", "--run", _s.Run2, "--format", "nifti", "--speed", "max", "--out", output],
        };
        var before = Directory.GetFileSystemEntries(_dir.Path).Order().ToArray();
        var r = CliRunner.Run(args);
        AssertOneLine(r, "--out", kind switch { "folder" => existingFolder, "under-file" or "file" => blocker, _ => "/proc" });
        Assert.Equal(before, Directory.GetFileSystemEntries(_dir.Path).Order().ToArray());
        Assert.Empty(Directory.GetFileSystemEntries(existingFolder));
        Assert.Equal("x", File.ReadAllText(blocker));
    }

    [Theory]
    [InlineData("""{ "Live": { "PollIntervalMs": "x" } }""", "Live:PollIntervalMs", "whole number")]
    [InlineData("""{ "Live": { "MissingAfterTrs": "abc" } }""", "Live:MissingAfterTrs", "a number")]
    [InlineData("""{ "Live": { "IncludeExisting": "maybe" } }""", "Live:IncludeExisting", "true or false")]
    [InlineData("""{ "Dashboard": { "ClientQueue": 1.5 } }""", "Dashboard:ClientQueue", "whole number")]
    [InlineData("""{ "Live": { "PollIntervalMs": 0 } }""", "Live", "PollIntervalMs")]
    [InlineData("""{ "Live": { "MissingAfterTrs": -1 } }""", "Live", "MissingAfterTrs")]
    [InlineData("""{ "Live": { "Tr": 1e300 } }""", "Live", "Tr")]
    [InlineData("""{ "Live": { "AffineToleranceMm": 0 } }""", "Live", "AffineToleranceMm")]
    [InlineData("""{ "Live": { "AffineToleranceMm": 1e9 } }""", "Live", "AffineToleranceMm")]
    [InlineData("""{ "Live": { "AffineToleranceMm": "wide" } }""", "Live:AffineToleranceMm", "a number")]
    [InlineData("""{ "Dashboard": { "Urls": "not a url" } }""", "Dashboard:Urls", "not a url")]
    [InlineData("""{ "Dashboard": { "Urls": "http://127.0.0.1:99999" } }""", "Dashboard:Urls", "99999")]
    [InlineData("""{ "Dashboard": { "MaxConnections": 0 } }""", "Dashboard", "MaxConnections")]
    [InlineData("""{ "Dashboard": { "Urls": "https://127.0.0.1:5080" } }""", "Dashboard:Urls", "https is not served here; listen on http:// and put a reverse proxy")]
    [InlineData("""{ "Feedback": { "Target": "Joy" } }""", "Feedback:Target", "'Joy' is not a target of the model; the model's targets are ")]
    [InlineData("""{ "Feedback": { "Weights": "joy:1,happiness:-1" } }""", "Feedback:Weights", "'happiness' is not a target")]
    [InlineData("""{ "Feedback": { "Weights": "joy:one" } }""", "Feedback:Weights", "'joy:one' is not a target:weight pair")]
    public void Config_WrongTypeOrRange_OneLineExit2NoRecording(string json, string key, string problem)
    {
        var record = _dir.File("rec");
        var config = Config(json);
        var r = Replay(record, "--config", config);
        AssertOneLine(r, key, problem);
        Assert.False(Directory.Exists(record));
    }

    [Fact]
    public void Config_OutOfRange_NamesTheFileItCameFrom()
    {
        var record = _dir.File("rec");
        var config = Config("""{ "Live": { "PollIntervalMs": 0 } }""");
        AssertOneLine(Replay(record, "--config", config), "Live:PollIntervalMs", config);
    }

    [Fact]
    public void Environment_OutOfRange_NamesTheVariable()
    {
        var record = _dir.File("rec");
        Environment.SetEnvironmentVariable("RTDECODE_Live__PollIntervalMs", "0");
        try
        {
            var r = CliRunner.Run("live", "--watch", _dir.Path, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model, "--no-lsl", "--no-dashboard", "--record", record);
            AssertOneLine(r, "PollIntervalMs", "RTDECODE_Live__PollIntervalMs");
        }
        finally { Environment.SetEnvironmentVariable("RTDECODE_Live__PollIntervalMs", null); }
        Assert.False(Directory.Exists(record));
    }

    [Theory]
    [InlineData("RTDECODE_Live__PollIntervalMs", "x", "Live:PollIntervalMs")]
    [InlineData("RTDECODE_Live__MissingAfterTrs", "abc", "Live:MissingAfterTrs")]
    [InlineData("RTDECODE_Live__IncludeExisting", "maybe", "Live:IncludeExisting")]
    public void Environment_WrongType_OneLineExit2NamesTheVariable(string variable, string value, string key)
    {
        var record = _dir.File("rec");
        Environment.SetEnvironmentVariable(variable, value);
        try
        {
            var r = CliRunner.Run("live", "--watch", _dir.Path, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model, "--no-lsl", "--no-dashboard", "--record", record);
            AssertOneLine(r, key, variable, $"'{value}'");
        }
        finally { Environment.SetEnvironmentVariable(variable, null); }
        Assert.False(Directory.Exists(record));
    }

    [Theory]
    [InlineData("replay", "--tr", "0")]
    [InlineData("replay", "--tr", "-1")]
    [InlineData("replay", "--tr", "NaN")]
    [InlineData("replay", "--tr", "1e300")]
    [InlineData("live", "--tr", "1e300")]
    [InlineData("live", "--missing-after", "0")]
    [InlineData("live", "--missing-after", "-2")]
    [InlineData("live", "--missing-after", "NaN")]
    [InlineData("live", "--missing-after", "1e308")]
    [InlineData("extract", "--tr", "NaN")]
    [InlineData("simulate-scanner", "--tr", "1e300")]
    [InlineData("synth", "--tr", "0")]
    public void Option_OutOfRange_OneLineExit2NothingMade(string command, string option, string value)
    {
        var target = _dir.File("made");
        string[] args = command switch
        {
            "replay" => ["replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model, "--speed", "max", "--no-lsl", "--no-dashboard", "--record", target],
            "live" => ["live", "--watch", _dir.Path, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model, "--no-lsl", "--no-dashboard", "--record", target],
            "extract" => ["extract", "--bold", _s.Run2, "--atlas", _s.Atlas, "--out", target],
            "simulate-scanner" => ["simulate-scanner", "--run", _s.Run2, "--format", "nifti", "--speed", "max", "--out", target],
            _ => ["synth", "--grid", "8x8x6", "--parcels", "7", "--volumes", "20", "--runs", "1", "--out", target],
        };
        var r = CliRunner.Run([.. args, option, value]);
        AssertOneLine(r, option, double.Parse(value, System.Globalization.CultureInfo.InvariantCulture).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(Path.Exists(target));
    }

    [Fact]
    public void Live_RecordIsAnExistingFile_OneLineExit2FileUntouched()
    {
        var file = _dir.File("taken.txt");
        File.WriteAllText(file, "keep");
        var r = CliRunner.Run("live", "--watch", _dir.Path, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model, "--no-lsl", "--no-dashboard", "--record", file);
        AssertOneLine(r, file, "--record is an existing file");
        Assert.Equal("keep", File.ReadAllText(file));
    }

    [Fact]
    public void Live_WatchIsAFile_OneLineExit2SaysItIsAFileAndNamesItsFolder()
    {
        var file = _dir.File("001_000001_000001.dcm");
        File.WriteAllBytes(file, [1, 2, 3]);
        var record = _dir.File("rec");
        var r = CliRunner.Run("live", "--watch", file, "--atlas", _s.Atlas, "--labels", _s.Labels, "--model", _s.Model, "--no-lsl", "--no-dashboard", "--record", record);
        AssertOneLine(r, file, "is a file, not an export folder", $"({Path.GetFullPath(_dir.Path)})");
        Assert.False(Directory.Exists(record));
    }

    [Theory]
    [InlineData("not-a-url")]
    [InlineData("http://127.0.0.1:99999")]
    [InlineData("ftp://127.0.0.1:5080")]
    public void Urls_NotAnAddress_OneLineExit2NoRecording(string urls)
    {
        var record = _dir.File("rec");
        var r = Replay(record, "--urls", urls);
        AssertOneLine(r, "--urls", urls);
        Assert.False(Directory.Exists(record));
    }

    [Fact]
    public void Urls_AddressInUse_OneLineExit2NoRecording()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var record = _dir.File("rec");
        var r = Replay(record, "--urls", $"http://127.0.0.1:{port}");
        AssertOneLine(r, $"http://127.0.0.1:{port}", "cannot be used");
        Assert.False(Directory.Exists(record));
    }

    [Fact]
    public void Config_MisspeltSection_WarnsWithNearestKeyAndRuns()
    {
        var record = _dir.File("rec");
        var config = Config("""{ "Dashbord": { "Urls": "http://127.0.0.1:5999" }, "Live": { "PollIntervalMS": 100, "MissingAfter": 2 } }""");
        var r = Replay(record, "--config", config, "--no-dashboard");
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Error}");
        var warnings = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("warning: unknown configuration key", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, warnings.Length);
        Assert.Contains("`Dashbord`", warnings[0]);
        Assert.Contains("did you mean `Dashboard`?", warnings[0]);
        Assert.Contains(config, warnings[0]);
        Assert.Contains("`Live:MissingAfter`", warnings[1]);
        Assert.Contains("did you mean `Live:MissingAfterTrs`?", warnings[1]);
        Assert.True(Recording.Completed(record));
    }

    [Fact]
    public void Config_MisspeltSectionStrict_OneLineExit2NoRecording()
    {
        var record = _dir.File("rec");
        var config = Config("""{ "Dashbord": { "Urls": "http://127.0.0.1:5999" } }""");
        var r = Replay(record, "--config", config, "--no-dashboard", "--strict-config");
        AssertOneLine(r, "`Dashbord`", "did you mean `Dashboard`?", "--strict-config");
        Assert.False(Directory.Exists(record));
    }

    [Fact]
    public void Config_MisspeltEnvironmentKey_WarningNamesTheVariable()
    {
        Environment.SetEnvironmentVariable("RTDECODE_Live__PolIntervalMs", "100");
        try
        {
            var r = CliRunner.Run("replay", "--run", _s.Run2, "--atlas", _s.Atlas, "--model", _dir.File("no-model"), "--no-dashboard", "--no-lsl", "--strict-config");
            AssertOneLine(r, "`Live:PolIntervalMs`", "RTDECODE_Live__PolIntervalMs", "did you mean `Live:PollIntervalMs`?");
        }
        finally { Environment.SetEnvironmentVariable("RTDECODE_Live__PolIntervalMs", null); }
    }
}
