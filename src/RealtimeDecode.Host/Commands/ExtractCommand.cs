using System.CommandLine;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Host.Commands;

/// <summary><c>realtime-decode extract</c>: ROI mean time series of a run.</summary>
internal sealed class ExtractCommand : ICliCommand
{
    public Command Build()
    {
        var bold = CliOptions.ReadsRun(new Option<string>("--bold") { Description = "Run: a 4D NIfTI, a folder of 3D volumes, or a BIDS subject/root folder", Required = true });
        var atlas = new Option<string>("--atlas") { Description = "Integer label NIfTI on the run's grid (0 = background)", Required = true };
        var labels = new Option<string?>("--labels") { Description = "Labels TSV (index, name, network); names the columns" };
        var tr = new Option<double?>("--tr") { Description = "Repetition time (s) when the run does not say" };
        var output = CliOptions.Writes(new Option<string>("--out") { Description = "ROI table to write (TSV: volume, one column per label)", Required = true });
        var realign = new Option<bool>("--realign") { Description = "Realign every volume (rigid body) before the ROI means, as the live path does with --realign" };
        var reference = new Option<string?>("--reference") { Description = "3D NIfTI on the run's grid to realign to (default: the run's first volume); implies --realign" };
        var motion = CliOptions.Writes(new Option<string?>("--motion") { Description = "With realignment, also write the run's motion.tsv here" });
        var cmd = new Command("extract", "ROI mean time series of a run: one row per volume, one column per atlas label (ascending).")
        {
            bold, atlas, labels, tr, output, realign, reference, motion,
        };
        cmd.SetAction(parse =>
        {
            var run = BoldRun.Open(CliOptions.ExistingFile(parse, bold), CliOptions.RepetitionTime(parse.GetValue(tr)));
            var a = Atlas.Load(CliOptions.ExistingFile(parse, atlas), parse.GetValue(labels));
            a.EnsureMatches(run.Nx, run.Ny, run.Nz, run.Affine, run.Name); // a wrong grid says more than an empty atlas on it
            CliOptions.WithRegions(a);
            string outPath = CliOptions.OutputFile(parse, output);
            string? motionPath = CliOptions.OptionalOutputFile(parse, motion);
            bool realigned = parse.GetValue(realign) || parse.GetValue(reference) is not null;
            var realignment = realigned ? RealignCommand.LoadRealignment(parse.GetValue(reference), new RealignOptions()) : null;
            realignment?.CheckGrid(run.Nx, run.Ny, run.Nz, run.Affine, run.Name);
            var estimates = new List<MotionEstimate>();
            var table = ConsoleProgress.Run("extracting", p => FeatureTables.RoiTable(run, a, p, realignment, estimates.Add));
            if (motionPath is not null && realignment is not null)
            {
                AtomicFile.WriteText(motionPath, w =>
                {
                    var m = new MotionTable(w);
                    foreach (var e in estimates) m.Write(e);
                });
            }
            table.Write(outPath);
            Console.WriteLine($"{outPath}: {table.RowCount} volumes × {table.ColumnCount} ROIs from {run.Name} ({run.Shape}, TR {run.RepetitionTimeSeconds:0.###} s)");
            return 0;
        });
        return cmd;
    }
}
