using System.Globalization;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Dicom;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary>
/// An output (or the sidecar written beside it) that is one of the command's own inputs is refused before any work,
/// in one line naming both options, exit 2, and the input keeps its bytes; an output beside the input is written.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class OutputOverInputTests : IDisposable
{
    private const int Volumes = 20;
    private readonly TempFolder _dir = new();

    public OutputOverInputTests()
    {
        var affine = Affine.Diagonal(2, 2, 2);
        var rng = new Random(3);
        var vols = Enumerable.Range(0, Volumes).Select(t => new Volume(6, 5, 4,
            Enumerable.Range(0, 120).Select(_ => (float)(1000 + rng.Next(-50, 50))).ToArray(), affine, t)).ToList();
        NiftiWriter.Write(F("run.nii.gz"), vols, new NiftiWriteOptions { DataType = NiftiDataType.Int16, RepetitionTimeSeconds = 2 });
        Directory.CreateDirectory(F("volumes"));
        for (int t = 0; t < 3; t++) NiftiWriter.Write(Path.Combine(F("volumes"), $"vol_{t:000000}.nii"), [vols[t]]);
        Directory.CreateDirectory(F("dicom"));
        for (int t = 0; t < 3; t++)
            DicomWriter.WriteMosaic(Path.Combine(F("dicom"), $"IM_{t + 1:0000}"), vols[t],
                new DicomWriteOptions { SeriesInstanceUid = "1.2.3.4", InstanceNumber = t + 1, AcquisitionNumber = t + 1, RepetitionTimeSeconds = 2 });
        NiftiWriter.Write(F("A.nii.gz"), [new Volume(6, 5, 4, Enumerable.Range(0, 120).Select(i => (float)(i % 4)).ToArray(), affine)],
            new NiftiWriteOptions { DataType = NiftiDataType.Int16 });
        File.WriteAllText(F("L.tsv"), "index\tname\tnetwork\n1\tA\tVis\n2\tB\tVis\n3\tC\tDefault\n");
        File.WriteAllLines(F("t.tsv"), ["volume\tjoy", .. Enumerable.Range(0, Volumes).Select(v => string.Create(CultureInfo.InvariantCulture, $"{v}\t{rng.NextDouble():R}"))]);
        File.WriteAllText(F("ann.tsv"), "onset\toffset\ttext\tjoy\n0\t4\tOne.\t0.2\n4\t9\tTwo.\t0.8\n9.5\t20\tThree.\t0.5\n");
        File.WriteAllText(F("ann.json"), "{\"made_by\": \"annotate\"}\n");
        File.WriteAllText(F("transcript.tsv"), "onset\toffset\ttext\n0\t4\tOne.\n4\t9\tTwo.\n");
        File.WriteAllText(F("nft.json"), "{\"ContrastActivation\": \"1*NFBREG\"}\n");
        File.WriteAllText(F("p.tsv"), "onset\tduration\ttrial_type\n0\t20\tbase\n20\t20\tup\n");
        File.WriteAllText(F("p.json"), """{"Conditions": {"base": {"Role": "baseline"}, "up": {"Role": "regulate", "Target": "joy"}}}""");
        Directory.CreateDirectory(F("rec"));
        File.WriteAllText(Path.Combine(F("rec"), "estimates.tsv"), "volume\tonset_s\tjoy\tpublished_ms\n" +
            string.Concat(Enumerable.Range(0, Volumes).Select(v => string.Create(CultureInfo.InvariantCulture, $"{v}\t{2 * v}\t{rng.NextDouble():R}\t3\n"))));
        Directory.CreateDirectory(F("rec2"));
        File.Copy(Path.Combine(F("rec"), "estimates.tsv"), Path.Combine(F("rec2"), "estimates.tsv"));
        File.WriteAllText(Path.Combine(F("rec2"), "session.json"), "{\"repetition_time_s\": 2, \"window_volumes\": 1}\n");
        Directory.CreateDirectory(F("R"));
        File.Copy(F("t.tsv"), Path.Combine(F("R"), "metrics.tsv"));
        File.Copy(F("t.tsv"), Path.Combine(F("R"), "t.tsv"));
        File.Copy(F("L.tsv"), Path.Combine(F("R"), "roi.tsv"));
        File.WriteAllText(F("events.tsv"), File.ReadAllText(F("p.tsv")));
        File.WriteAllText(F("events.json"), File.ReadAllText(F("p.json")));
        Ok("extract", "--bold", F("run.nii.gz"), "--atlas", F("A.nii.gz"), "--labels", F("L.tsv"), "--out", F("roi.tsv"));
        Ok("connectivity", "--roi", F("roi.tsv"), "--window", "5", "--out", F("dfc2.tsv"));
        Ok("train", "--features", "dfc", "--table", F("dfc2.tsv"), "--targets", F("t.tsv"), "--alpha", "1", "--cv", "none", "--out", F("M"));
    }

    public void Dispose() => _dir.Dispose();

    private string F(string name) => _dir.File(name);

    private static void Ok(params string[] args)
    {
        var r = CliRunner.Run(args);
        Assert.True(r.ExitCode == 0, $"{string.Join(' ', args)}: exit {r.ExitCode}: {r.Error}");
    }

    /// <summary>Every file under <paramref name="path"/> (or the file itself) with its bytes.</summary>
    private static Dictionary<string, byte[]> Snapshot(string path) => File.Exists(path)
        ? new() { [path] = File.ReadAllBytes(path) }
        : Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);

    public static TheoryData<string, string, string> Clashes => new()
    {
        // case, protected input(s) (comma list, relative to the folder), what the error names
        { "extract --out = --atlas", "A.nii.gz", "--out is the same file as --atlas" },
        { "extract --out = --labels", "L.tsv", "--out is the same file as --labels" },
        { "extract --out = --bold", "run.nii.gz", "--out is the same file as --bold" },
        { "extract --motion = --labels", "L.tsv", "--motion is the same file as --labels" },
        { "extract --out = symlink to --atlas", "A.nii.gz", "--out is the same file as --atlas" },
        { "extract --out through a linked folder = --atlas", "A.nii.gz", "--out is the same file as --atlas" },
        { "predict --out = --features", "dfc2.tsv,dfc2.json", "--out is the same file as --features" },
        { "connectivity --out = --roi", "roi.tsv", "--out is the same file as --roi" },
        { "targets --out = --annotations", "ann.tsv,ann.json", "--out is the same file as --annotations" },
        { "protocol feedback --out = --estimates", "rec", "--out is the same file as --estimates" },
        { "protocol feedback --out = FILE", "p.tsv,p.json", "--out is the same file as FILE" },
        { "protocol import sidecar = FILE", "nft.json", "the same file as FILE" },
        { "realign --out = --bold", "run.nii.gz", "--out is the same file as --bold" },
        { "realign --resliced = --bold", "run.nii.gz", "--resliced is the same file as --bold" },
        { "convert --out = INPUT", "run.nii.gz", "--out is the same file as INPUT" },
        { "annotate --out = --transcript", "transcript.tsv", "--out is the same file as --transcript" },
        { "annotate --cache = --transcript", "transcript.tsv", "--cache is the same file as --transcript" },
        { "explain --out = --model", "M", "--out is the same folder as --model" },
        { "evaluate --report = --model", "M", "--report is the same folder as --model" },
        { "train --out = --recording", "rec", "--out is the same folder as --recording" },
        { "simulate-scanner --out = --run", "volumes", "--out is the same folder as --run" },
        // Files read beside an input, or that belong to it, though not named on the command line.
        { "targets sidecar = the annotations' sidecar", "ann.tsv,ann.json", "writes its sidecar here, the same file as --annotations {dir}/ann.tsv's sidecar ann.json" },
        { "predict --out = the features' sidecar", "dfc2.tsv,dfc2.json", "--out is the same file as --features {dir}/dfc2.tsv's sidecar dfc2.json" },
        { "protocol feedback --out = the estimates' session.json", "rec2", "--out is the same file as --estimates {dir}/rec2/estimates.tsv's sidecar session.json" },
        { "protocol feedback --out = the protocol's sidecar", "p.tsv,p.json", "--out is the same file as FILE {dir}/p.tsv's sidecar p.json" },
        { "replay --record writes over --protocol", "events.tsv,events.json", "writes this file, which is --protocol" },
        // Files written into a folder the command reads by what is in it, and output folders over an input.
        { "realign --resliced into the --bold folder", "volumes", "--resliced would be written into --bold {dir}/volumes, which would read it as part of its input" },
        { "explain --out = the folder of --model model.json", "M", "--out is the same folder as the folder of --model {dir}/M/model.json" },
        { "predict --out .json into the --model folder", "M", "--out would be written into --model {dir}/M, which would read it as part of its input" },
        { "evaluate --report writes over --targets", "R", "{dir}/R/metrics.tsv: --report {dir}/R writes this file, which is --targets: give another --report" },
        { "replay --record = --run", "volumes", "--record is the same folder as --run" },
        { "convert --out into the DICOM folder INPUT", "dicom", "--out would be written into INPUT {dir}/dicom, which would read it as part of its input" },
        // Inputs a session takes from its configuration when the command line does not name them.
        { "replay --record = Session:Model", "M", "--record is the same folder as configuration Session:Model (in {dir}/model.json)" },
        { "replay --record = Session:Run", "volumes", "--record is the same folder as configuration Session:Run (in {dir}/run.json)" },
        { "replay --record writes over Session:Labels", "R", "{dir}/R/roi.tsv: --record {dir}/R writes this file, which is configuration Session:Labels (in {dir}/labels.json): give another --record" },
    };

    private string[] Args(string name) => name switch
    {
        "extract --out = --atlas" => ["extract", "--bold", F("run.nii.gz"), "--atlas", F("A.nii.gz"), "--out", F("A.nii.gz")],
        "extract --out = --labels" => ["extract", "--bold", F("run.nii.gz"), "--atlas", F("A.nii.gz"), "--labels", F("L.tsv"), "--out", F("L.tsv")],
        "extract --out = --bold" => ["extract", "--bold", F("run.nii.gz"), "--atlas", F("A.nii.gz"), "--out", F("run.nii.gz")],
        "extract --motion = --labels" => ["extract", "--bold", F("run.nii.gz"), "--atlas", F("A.nii.gz"), "--labels", F("L.tsv"), "--realign", "--motion", F("L.tsv"), "--out", F("x.tsv")],
        "extract --out = symlink to --atlas" => ["extract", "--bold", F("run.nii.gz"), "--atlas", F("A.nii.gz"), "--out", Link(F("link.nii.gz"), F("A.nii.gz"))],
        "extract --out through a linked folder = --atlas" => ["extract", "--bold", F("run.nii.gz"), "--atlas", F("A.nii.gz"), "--out", Path.Combine(LinkFolder(F("here"), _dir.Path), "A.nii.gz")],
        "predict --out = --features" => ["predict", "--model", F("M"), "--features", F("dfc2.tsv"), "--out", F("dfc2.tsv")],
        "connectivity --out = --roi" => ["connectivity", "--roi", F("roi.tsv"), "--out", F("roi.tsv")],
        "targets --out = --annotations" => ["targets", "--annotations", F("ann.tsv"), "--tr", "2", "--volumes", "10", "--out", F("ann.tsv")],
        "protocol feedback --out = --estimates" => ["protocol", "feedback", F("p.tsv"), "--estimates", Path.Combine(F("rec"), "estimates.tsv"), "--tr", "2", "--window", "1", "--out", Path.Combine(F("rec"), "estimates.tsv")],
        "protocol feedback --out = FILE" => ["protocol", "feedback", F("p.tsv"), "--estimates", Path.Combine(F("rec"), "estimates.tsv"), "--tr", "2", "--window", "1", "--out", F("p.tsv")],
        "protocol import sidecar = FILE" => ["protocol", "import", F("nft.json"), "--tr", "2", "--out", F("nft.tsv")],
        "realign --out = --bold" => ["realign", "--bold", F("run.nii.gz"), "--out", F("run.nii.gz")],
        "realign --resliced = --bold" => ["realign", "--bold", F("run.nii.gz"), "--out", F("motion.tsv"), "--resliced", F("run.nii.gz")],
        "convert --out = INPUT" => ["convert", F("run.nii.gz"), "--out", F("run.nii.gz")],
        "annotate --out = --transcript" => ["annotate", "--transcript", F("transcript.tsv"), "--endpoint", "http://127.0.0.1:9/v1", "--llm-model", "m", "--out", F("transcript.tsv")],
        "annotate --cache = --transcript" => ["annotate", "--transcript", F("transcript.tsv"), "--endpoint", "http://127.0.0.1:9/v1", "--llm-model", "m", "--cache", F("transcript.tsv"), "--out", F("a.tsv")],
        "explain --out = --model" => ["explain", "--model", F("M"), "--out", F("M")],
        "evaluate --report = --model" => ["evaluate", "--model", F("M"), "--table", F("dfc2.tsv"), "--targets", F("t.tsv"), "--report", F("M")],
        "train --out = --recording" => ["train", "--recording", F("rec"), "--targets", F("t.tsv"), "--cv", "none", "--out", F("rec")],
        "simulate-scanner --out = --run" => ["simulate-scanner", "--run", F("volumes"), "--format", "nifti", "--speed", "max", "--out", F("volumes")],
        "targets sidecar = the annotations' sidecar" => ["targets", "--annotations", F("ann.tsv"), "--tr", "2", "--volumes", "10", "--out", F("ann.csv")],
        "predict --out = the features' sidecar" => ["predict", "--model", F("M"), "--features", F("dfc2.tsv"), "--out", F("dfc2.json")],
        "protocol feedback --out = the estimates' session.json" => ["protocol", "feedback", F("p.tsv"), "--estimates", Path.Combine(F("rec2"), "estimates.tsv"), "--out", Path.Combine(F("rec2"), "session.json")],
        "protocol feedback --out = the protocol's sidecar" => ["protocol", "feedback", F("p.tsv"), "--estimates", Path.Combine(F("rec"), "estimates.tsv"), "--tr", "2", "--window", "1", "--out", F("p.json")],
        "replay --record writes over --protocol" => ["replay", "--run", F("run.nii.gz"), "--protocol", F("events.tsv"), "--no-dashboard", "--no-lsl", "--speed", "max", "--record", _dir.Path],
        "realign --resliced into the --bold folder" => ["realign", "--bold", F("volumes"), "--tr", "2", "--out", F("motion.tsv"), "--resliced", Path.Combine(F("volumes"), "realigned.nii")],
        "explain --out = the folder of --model model.json" => ["explain", "--model", Path.Combine(F("M"), "model.json"), "--out", F("M")],
        "predict --out .json into the --model folder" => ["predict", "--model", F("M"), "--features", F("dfc2.tsv"), "--out", Path.Combine(F("M"), "predictions.json")],
        "evaluate --report writes over --targets" => ["evaluate", "--model", F("M"), "--table", F("dfc2.tsv"), "--targets", Path.Combine(F("R"), "metrics.tsv"), "--report", F("R")],
        "replay --record = --run" => ["replay", "--run", F("volumes"), "--no-dashboard", "--no-lsl", "--speed", "max", "--record", F("volumes")],
        "convert --out into the DICOM folder INPUT" => ["convert", F("dicom"), "--out", Path.Combine(F("dicom"), "run.nii.gz")],
        "replay --record = Session:Model" => ["replay", "--run", F("run.nii.gz"), "--config", Config("model.json", "Model", F("M")), "--no-dashboard", "--no-lsl", "--speed", "max", "--record", F("M")],
        "replay --record = Session:Run" => ["replay", "--config", Config("run.json", "Run", F("volumes")), "--no-dashboard", "--no-lsl", "--speed", "max", "--record", F("volumes")],
        "replay --record writes over Session:Labels" => ["replay", "--run", F("run.nii.gz"), "--atlas", F("A.nii.gz"), "--config", Config("labels.json", "Labels", Path.Combine(F("R"), "roi.tsv")), "--no-dashboard", "--no-lsl", "--speed", "max", "--record", F("R")],
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>A configuration file setting <c>Session:<paramref name="key"/></c> to <paramref name="value"/>.</summary>
    private string Config(string name, string key, string value)
    {
        File.WriteAllText(F(name), $"{{\"Session\": {{\"{key}\": {System.Text.Json.JsonSerializer.Serialize(value)}}}}}\n");
        return F(name);
    }

    private static string Link(string link, string target)
    {
        File.CreateSymbolicLink(link, target);
        return link;
    }

    private static string LinkFolder(string link, string target)
    {
        Directory.CreateSymbolicLink(link, target);
        return link;
    }

    [Theory]
    [MemberData(nameof(Clashes))]
    public void Command_OutputIsOneOfItsInputs_OneLineExit2InputUnchanged(string name, string inputs, string says)
    {
        var kept = inputs.Split(',').Select(F).SelectMany(p => Snapshot(p)).ToDictionary();
        var args = Args(name);

        var r = CliRunner.Run(args);

        Assert.True(r.ExitCode == 2, $"{name}: exit {r.ExitCode}: {r.Out} {r.Error}");
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.True(line.Contains(says.Replace("{dir}", _dir.Path, StringComparison.Ordinal), StringComparison.Ordinal), line);
        Assert.Contains("give another", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Error);
        foreach (var (path, bytes) in kept) Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"{path} changed");
    }

    [Fact]
    public void Replay_RecordIsTheBundledModelReadByDefault_OneLineExit2ModelUnchanged()
    {
        // Neither the command line nor the configuration names a model: the session reads the bundled one.
        string model = RealtimeDecode.Host.Session.BundledSession.Model;
        var kept = Snapshot(model);

        var r = CliRunner.Run("replay", "--run", F("run.nii.gz"), "--atlas", F("A.nii.gz"), "--no-dashboard", "--no-lsl", "--speed", "max", "--record", model);

        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Out} {r.Error}");
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: {model}: --record is the same folder as the default --model {model}: give another --record", line);
        Assert.Equal(kept.Keys.Order(), Snapshot(model).Keys.Order());
        foreach (var (path, bytes) in kept) Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"{path} changed");
    }

    [Fact]
    public void Targets_OutputIsAJsonFile_RefusedBecauseItsSidecarWouldReplaceIt()
    {
        var r = CliRunner.Run("targets", "--annotations", F("ann.tsv"), "--tr", "2", "--volumes", "10", "--out", F("t.json"));

        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("t.json: --out is a .json file, but its sidecar is written beside it as the same name with .json", line, StringComparison.Ordinal);
        Assert.False(File.Exists(F("t.json")));
    }

    public static TheoryData<string, string> TwoOutputs => new()
    {
        // case, what the error says
        { "extract --motion = --out", "--out is the same file as --motion" },
        { "realign --resliced = --out", "--out is the same file as --resliced" },
        { "annotate --cache = the sidecar of --out", "writes its sidecar here, the same file as --cache" },
        { "train --report = --out", "--out is the same folder as --report" },
        { "train --report = the --out package .zip", "--out is the same file as --report" },
    };

    private string[] TwoRuns => ["train", "--features", "dfc", "--table", F("dfc2.tsv"), "--table", F("dfc2.tsv"), "--targets", F("t.tsv"), "--targets", F("t.tsv"), "--alpha", "1", "--cv", "leave-run-out"];

    private string[] TwoOutputArgs(string name) => name switch
    {
        "extract --motion = --out" => ["extract", "--bold", F("run.nii.gz"), "--atlas", F("A.nii.gz"), "--realign", "--motion", F("new/x.tsv"), "--out", F("new/x.tsv")],
        "realign --resliced = --out" => ["realign", "--bold", F("run.nii.gz"), "--resliced", F("new/x.nii"), "--out", F("new/x.nii")],
        "annotate --cache = the sidecar of --out" => ["annotate", "--transcript", F("transcript.tsv"), "--endpoint", "http://127.0.0.1:9/v1", "--llm-model", "m", "--cache", F("new/a.json"), "--out", F("new/a.tsv")],
        "train --report = --out" => [.. TwoRuns, "--out", F("new/m"), "--report", F("new/m")],
        _ => [.. TwoRuns, "--out", F("new.zip"), "--report", F("new.zip")],
    };

    [Theory]
    [MemberData(nameof(TwoOutputs))]
    public void Command_TwoOfItsOutputsOnOnePath_OneLineExit2NothingWritten(string name, string says)
    {
        var args = TwoOutputArgs(name);

        var r = CliRunner.Run(args);

        Assert.True(r.ExitCode == 2, $"{name}: exit {r.ExitCode}: {r.Out} {r.Error}");
        var line = Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.True(line.Contains(says, StringComparison.Ordinal), line);
        Assert.Contains("give another", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(F("new")) && Directory.EnumerateFileSystemEntries(F("new")).Any(), $"{name}: something was written");
        Assert.False(File.Exists(F("new.zip")), $"{name}: the package was written");
    }

    public static TheoryData<string> Beside => new()
    {
        "extract", "predict", "connectivity", "targets", "protocol feedback", "convert",
        "extract into the --bold folder", "predict into the --model folder", "evaluate --report beside --targets",
        "convert beside the DICOM folder", "convert into a folder under the DICOM folder",
    };

    [Theory]
    [MemberData(nameof(Beside))]
    public void Command_OutputBesideItsInputWithAnotherName_Written(string command)
    {
        string[] args = command switch
        {
            "extract" => ["extract", "--bold", F("run.nii.gz"), "--atlas", F("A.nii.gz"), "--labels", F("L.tsv"), "--out", F("A.tsv")],
            "predict" => ["predict", "--model", F("M"), "--features", F("dfc2.tsv"), "--out", F("dfc2-predicted.tsv")],
            "connectivity" => ["connectivity", "--roi", F("roi.tsv"), "--out", F("roi-dfc.tsv")],
            "targets" => ["targets", "--annotations", F("ann.tsv"), "--tr", "2", "--volumes", "10", "--out", F("ann-targets.tsv")],
            "protocol feedback" => ["protocol", "feedback", F("p.tsv"), "--estimates", Path.Combine(F("rec"), "estimates.tsv"), "--tr", "2", "--window", "1", "--out", Path.Combine(F("rec"), "feedback.tsv")],
            // A table is not a volume of the run; a table is not part of the package; the report writes none of the inputs' names.
            "extract into the --bold folder" => ["extract", "--bold", F("volumes"), "--tr", "2", "--atlas", F("A.nii.gz"), "--out", Path.Combine(F("volumes"), "roi.tsv")],
            "predict into the --model folder" => ["predict", "--model", F("M"), "--features", F("dfc2.tsv"), "--out", Path.Combine(F("M"), "predictions.tsv")],
            "evaluate --report beside --targets" => ["evaluate", "--model", F("M"), "--table", F("dfc2.tsv"), "--targets", Path.Combine(F("R"), "t.tsv"), "--report", F("R")],
            // The series is read from the folder's own files, not from a folder under it.
            "convert beside the DICOM folder" => ["convert", F("dicom"), "--out", F("dicom.nii.gz")],
            "convert into a folder under the DICOM folder" => ["convert", F("dicom"), "--out", Path.Combine(F("dicom"), "nifti", "run.nii.gz")],
            _ => ["convert", F("run.nii.gz"), "--out", F("run-converted.nii.gz")],
        };

        var r = CliRunner.Run(args);

        Assert.True(r.ExitCode == 0, $"{command}: exit {r.ExitCode}: {r.Error}");
        Assert.True(File.Exists(args[^1]) || File.Exists(Path.Combine(args[^1], "index.html")), $"{args[^1]} not written");
    }
}
