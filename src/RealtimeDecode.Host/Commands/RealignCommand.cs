using System.CommandLine;
using System.Globalization;
using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Host.Commands;

/// <summary>
/// <c>realtime-decode realign --bold RUN --out motion.tsv [--reference FILE] [--resliced OUT.nii.gz]</c>:
/// rigid-body realignment of a whole run with the kernel the live pipeline uses, written as
/// <see cref="MotionTable"/>. A reference on another grid or an unreadable one stops the command before
/// the first volume; a volume whose estimate fails gets <c>n/a</c> and its status, and the run goes on.
/// </summary>
internal sealed class RealignCommand : ICliCommand
{
    public Command Build()
    {
        var bold = CliOptions.ReadsRun(new Option<string>("--bold") { Description = "Run: a 4D NIfTI, a folder of 3D volumes, or a BIDS subject/root folder", Required = true });
        var output = CliOptions.Writes(new Option<string>("--out") { Description = "motion.tsv to write (fMRIPrep confounds layout)", Required = true });
        var reference = new Option<string?>("--reference") { Description = "3D NIfTI on the run's grid to realign to (default: the run's first volume)" };
        var resliced = CliOptions.Writes(new Option<string?>("--resliced") { Description = "Write the realigned run to this NIfTI (float32; NaN outside the field of view)" });
        var interpolation = new Option<string>("--interpolation") { Description = "Reslicing: trilinear or cubic", DefaultValueFactory = _ => "trilinear" };
        var tr = new Option<double?>("--tr") { Description = "Repetition time (s) when the run does not say" };
        var cmd = new Command("realign", "Rigid-body realignment of a run: six parameters and framewise displacement per volume.")
        {
            bold, output, reference, resliced, interpolation, tr,
        };
        cmd.SetAction(parse =>
        {
            var options = new RealignOptions(Interpolation: ParseInterpolation(parse.GetValue(interpolation)));
            var run = BoldRun.Open(CliOptions.ExistingFile(parse, bold), parse.GetValue(tr));
            var realignment = LoadRealignment(parse.GetValue(reference), options);
            realignment.CheckGrid(run.Nx, run.Ny, run.Nz, run.Affine, run.Name);
            string outPath = CliOptions.OutputFile(parse, output);
            string? reslicedPath = CliOptions.OptionalOutputFile(parse, resliced);
            return Execute(run, realignment, outPath, reslicedPath, parse.GetValue(reference));
        });
        return cmd;
    }

    /// <summary>Parses <c>--interpolation</c>.</summary>
    public static ResliceInterpolation ParseInterpolation(string? value) => value?.ToLowerInvariant() switch
    {
        null or "" or "trilinear" or "linear" => ResliceInterpolation.Trilinear,
        "cubic" or "spline" => ResliceInterpolation.CubicSpline,
        _ => throw new InputDataException(null, $"--interpolation must be trilinear or cubic, got '{value}'"),
    };

    /// <summary>
    /// The realignment of one session: to <paramref name="referencePath"/> when given (one 3D NIfTI volume,
    /// read now so that a bad file stops the command before the first volume), else to each series' first volume.
    /// </summary>
    public static VolumeRealignment LoadRealignment(string? referencePath, RealignOptions options) =>
        string.IsNullOrWhiteSpace(referencePath) ? new VolumeRealignment(options) : new VolumeRealignment(ReadReference(referencePath), referencePath, options);

    /// <summary>
    /// A fresh realignment per run to the <c>--reference</c> volume <paramref name="referencePath"/>, read once now (so that
    /// a missing or unreadable file stops the command before the first volume) and checked against the grid of every run in
    /// <paramref name="runs"/>; null when no reference was given (each run then realigns to its own first volume).
    /// </summary>
    public static Func<VolumeRealignment>? RunRealignments(string? referencePath, IEnumerable<BoldRun> runs, RealignOptions? options = null)
    {
        if (string.IsNullOrWhiteSpace(referencePath)) return null;
        var volume = ReadReference(referencePath);
        var settings = options ?? new RealignOptions();
        foreach (var run in runs) new VolumeRealignment(volume, referencePath, settings).CheckGrid(run.Nx, run.Ny, run.Nz, run.Affine, run.Name);
        return () => new VolumeRealignment(volume, referencePath, settings);
    }

    private static Volume ReadReference(string referencePath)
    {
        if (!File.Exists(referencePath)) throw new InputDataException(referencePath, "--reference: file not found");
        using var reader = NiftiReader.Open(referencePath);
        if (reader.VolumeCount != 1)
            throw new InputDataException(referencePath, $"--reference must be one 3D volume, it holds {reader.VolumeCount}");
        return reader.ReadVolume(0);
    }

    private static int Execute(BoldRun run, VolumeRealignment realignment, string outPath, string? reslicedPath, string? referencePath)
    {
        int failed = 0;
        double maxFd = 0, sumFd = 0;
        int n = 0;
        var estimates = new List<MotionEstimate>();
        void Realign(NiftiWriter? writer)
        {
            foreach (var volume in run.ReadVolumes())
            {
                var (estimate, resliced) = realignment.Process(volume);
                estimates.Add(estimate);
                writer?.WriteVolume(resliced);
                n++;
                if (!estimate.IsValid) failed++;
                else { maxFd = Math.Max(maxFd, estimate.FramewiseDisplacement); sumFd += estimate.FramewiseDisplacement; }
            }
        }

        // The parameters and the resliced run replace previous outputs together, once both are complete.
        using (var set = new AtomicFileSet("realignment"))
        {
            if (!string.IsNullOrWhiteSpace(reslicedPath))
            {
                set.WriteVia(reslicedPath, tmp =>
                {
                    using var writer = NiftiWriter.Create(tmp, run.Nx, run.Ny, run.Nz, run.VolumeCount, run.Affine,
                        new NiftiWriteOptions { DataType = NiftiDataType.Float32, RepetitionTimeSeconds = run.RepetitionTimeSeconds });
                    Realign(writer);
                    writer.Complete();
                });
            }
            else
            {
                Realign(null);
            }

            // A run none of whose volumes could be realigned says the reference (or the run) is not what the user meant:
            // nothing is written, as for any other refused input.
            if (n > 0 && failed == n)
            {
                var reasons = estimates.GroupBy(e => e.Status).OrderByDescending(g => g.Count())
                    .Select(g => $"{RealignStatusNames.Name(g.Key)} {g.Count()}");
                throw new InputDataException(referencePath ?? run.Path,
                    $"none of the {n} volumes of {run.Name} could be realigned to {(referencePath is null ? "its first volume" : "this reference")} ({string.Join(", ", reasons)}): {(referencePath is null ? "is the run an fMRI series?" : "is it an image of the run's subject and session?")}");
            }

            set.WriteText(outPath, w =>
            {
                var table = new MotionTable(w);
                foreach (var e in estimates) table.Write(e);
            });
            set.Commit();
        }

        string resliceNote = string.IsNullOrWhiteSpace(reslicedPath) ? "" : $"; resliced run in {reslicedPath}";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{outPath}: {n} volumes of {run.Name} ({run.Shape}) realigned, {failed} failed; FD mean {(n - failed > 0 ? sumFd / (n - failed) : 0):0.###} mm, max {maxFd:0.###} mm{resliceNote}"));
        return 0;
    }
}
