using System.CommandLine;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Host.Commands;

/// <summary><c>realtime-decode extract</c>: ROI mean time series of a run.</summary>
internal sealed class ExtractCommand : ICliCommand
{
    public Command Build()
    {
        var bold = new Option<string>("--bold") { Description = "Run: a 4D NIfTI, a folder of 3D volumes, or a BIDS subject/root folder", Required = true };
        var atlas = new Option<string>("--atlas") { Description = "Integer label NIfTI on the run's grid (0 = background)", Required = true };
        var labels = new Option<string?>("--labels") { Description = "Labels TSV (index, name, network); names the columns" };
        var tr = new Option<double?>("--tr") { Description = "Repetition time (s) when the run does not say" };
        var output = new Option<string>("--out") { Description = "ROI table to write (TSV: volume, one column per label)", Required = true };
        var cmd = new Command("extract", "ROI mean time series of a run: one row per volume, one column per atlas label (ascending).")
        {
            bold, atlas, labels, tr, output,
        };
        cmd.SetAction(parse =>
        {
            var run = BoldRun.Open(CliOptions.ExistingFile(parse, bold), CliOptions.RepetitionTime(parse.GetValue(tr)));
            var a = Atlas.Load(CliOptions.ExistingFile(parse, atlas), parse.GetValue(labels));
            a.EnsureMatches(run.Nx, run.Ny, run.Nz, run.Affine, run.Name); // a wrong grid says more than an empty atlas on it
            CliOptions.WithRegions(a);
            string outPath = CliOptions.OutputFile(parse, output);
            var table = ConsoleProgress.Run("extracting", p => FeatureTables.RoiTable(run, a, p));
            table.Write(outPath);
            Console.WriteLine($"{outPath}: {table.RowCount} volumes × {table.ColumnCount} ROIs from {run.Name} ({run.Shape}, TR {run.RepetitionTimeSeconds:0.###} s)");
            return 0;
        });
        return cmd;
    }
}
