using System.CommandLine;
using System.Globalization;
using RealtimeDecode.Engine.Ingest;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Dicom;

namespace RealtimeDecode.Host.Commands;

/// <summary>
/// <c>simulate-scanner</c>: writes a recorded run into an export folder as the scanner's real-time
/// export would (DICOM mosaics or NIfTI volumes, at TR pace, in pieces, with optional seeded faults
/// logged to <c>faults.tsv</c>), to exercise <c>live</c> without a scanner.
/// </summary>
internal sealed class SimulateScannerCommand : ICliCommand
{
    public Command Build()
    {
        var run = CliOptions.ReadsRun(new Option<string>("--run") { Description = "The run: a 4D NIfTI, a folder of 3D NIfTI volumes, or a BIDS folder with one bold run.", Required = true });
        var output = CliOptions.WritesFolder(new Option<string>("--out") { Description = "Export folder to write into (created when missing).", Required = true },
            CliOptions.Names(ScannerSimulator.FileNames));
        var format = new Option<string>("--format") { Description = "dicom (Siemens mosaics, 001_SSSSSS_VVVVVV.dcm) or nifti (run-SS_vol_IIIIII.nii); both carry --series.", DefaultValueFactory = _ => "dicom" };
        var tr = new Option<double?>("--tr") { Description = "Repetition time in seconds (default: the run's)." };
        var speed = new Option<string>("--speed") { Description = "Speed factor of real time, or max.", DefaultValueFactory = _ => "1" };
        var faults = new Option<string?>("--faults") { Description = "Faults per volume, e.g. drop=0.05,duplicate=0.03,reorder=0.05,jitter=200,partial=0.02,corrupt=0.02 (jitter in ms)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the fault draws.", DefaultValueFactory = _ => 0 };
        var series = new Option<int>("--series") { Description = "Scanner series number in DICOM names and headers.", DefaultValueFactory = _ => 1 };
        var rename = new Option<bool>("--rename") { Description = "Write each file under a temporary name and rename it when whole." };
        var cmd = new Command("simulate-scanner", "Write a run into an export folder as a scanner does, at TR pace, with optional faults.")
        {
            run, output, format, tr, speed, faults, seed, series, rename,
        };
        // async so that Ctrl+C cancels the run between two files
        cmd.SetAction((parse, cancellationToken) =>
        {
            string runPath = CliOptions.ExistingFile(parse, run);
            CliOptions.RefuseInputs(parse, output, parse.GetValue(output)!); // a folder run's own volumes would be written over
            return ExecuteAsync(runPath, parse.GetValue(output)!, parse.GetValue(format)!, parse.GetValue(tr), parse.GetValue(speed)!,
                parse.GetValue(faults), parse.GetValue(seed), parse.GetValue(series), parse.GetValue(rename), cancellationToken);
        });
        return cmd;
    }

    private static async Task<int> ExecuteAsync(string runPath, string outDir, string formatText, double? tr, string speedText, string? faultText, int seed, int series,
        bool rename, CancellationToken cancellationToken)
    {
        var format = formatText.Trim().ToLowerInvariant() switch
        {
            "dicom" => ExportFormat.Dicom,
            "nifti" => ExportFormat.Nifti,
            _ => throw new InputDataException(null, $"--format '{formatText}': use dicom or nifti"),
        };
        if (!ReplaySpeed.TryParse(speedText, out var speed)) throw new InputDataException(null, $"--speed '{speedText}': use a positive factor or max");
        CliOptions.RepetitionTime(tr);
        if (series is < 0 or > 999999) throw new InputDataException(null, $"--series {series}: use 0 to 999999");
        var faults = FaultSpec.Parse(faultText);
        var boldRun = BoldRun.Open(runPath, tr);
        if (format == ExportFormat.Dicom && !DicomWriter.CanRepresent(boldRun.Affine, out var why))
            throw new InputDataException(runPath, $"cannot be written as DICOM: the affine {why}");
        CliOptions.EnsureWritableFolder("--out", Path.GetFullPath(outDir));

        var readers = boldRun.VolumeReaders();
        Func<int, Volume> volume = i => readers[i]();
        var options = new ScannerSimulatorOptions
        {
            Folder = outDir,
            Format = format,
            RepetitionTime = TimeSpan.FromSeconds(boldRun.RepetitionTimeSeconds),
            Speed = speed,
            Faults = faults,
            Seed = seed,
            SeriesNumber = series,
            WriteThenRename = rename,
        };
        using var loop = new DedicatedThreadScheduler("simulate-scanner");
        var simulator = new ScannerSimulator(options, loop, TimeProvider.System);
        int count = boldRun.VolumeCount;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"simulate-scanner: {count} volumes of {boldRun.Shape} from {runPath} into {outDir} ({formatText.ToLowerInvariant()}, TR {boldRun.RepetitionTimeSeconds:0.###} s, speed {speed}, faults {faults}, seed {seed})"));
        int reported = 0, files = 0;
        var summary = await simulator.RunAsync(count, volume, f =>
        {
            files++;
            // one line each time ten more write slots have passed (dropped volumes count as passed)
            if ((f.Slot + 1) / 10 <= reported / 10) return;
            reported = f.Slot + 1;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {reported}/{count} volumes, {files} files written"));
        }, cancellationToken).ConfigureAwait(false);

        var counts = string.Join(", ", new[] { "drop", "duplicate", "reorder", "jitter", "partial", "corrupt" }
            .Select(k => (k, n: summary.Count(k))).Where(x => x.n > 0).Select(x => $"{x.k} {x.n}"));
        Console.WriteLine($"simulate-scanner: {summary.Files} files for {summary.Volumes} volumes; faults injected: {(counts.Length == 0 ? "none" : counts)}; log {summary.FaultLogPath}");
        return 0;
    }
}
