using System.CommandLine;
using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Host.Commands;

/// <summary><c>realtime-decode connectivity</c>: sliding-window DFC from an ROI table.</summary>
internal sealed class ConnectivityCommand : ICliCommand
{
    public Command Build()
    {
        var roi = new Option<string>("--roi") { Description = "ROI table (TSV from extract)", Required = true };
        var window = new Option<int>("--window") { Description = "Window length W in volumes", DefaultValueFactory = _ => 13 };
        var taper = new Option<string>("--taper") { Description = "rect, gaussian (rectangle ⊛ Gaussian, σ = --sigma) or exp (half-life --half-life)", DefaultValueFactory = _ => "rect" };
        var sigma = new Option<double>("--sigma") { Description = "Gaussian taper σ in volumes", DefaultValueFactory = _ => 3.0 };
        var halfLife = new Option<double>("--half-life") { Description = "Exponential taper half-life in volumes (default W/2)" };
        var fisher = new Option<bool>("--fisher") { Description = "Fisher z-transform the correlations (|r| clipped below 1)" };
        var output = new Option<string>("--out") { Description = "Connectivity table to write (TSV: volume = last volume of the window, then roiA~roiB)", Required = true };
        var cmd = new Command("connectivity", "Sliding-window dynamic functional connectivity: one row per complete window, the upper triangle of its correlation matrix.")
        {
            roi, window, taper, sigma, halfLife, fisher, output,
        };
        cmd.SetAction(parse =>
        {
            string roiPath = CliOptions.ExistingFile(parse, roi);
            var options = new SlidingWindowOptions
            {
                Window = parse.GetValue(window),
                Taper = FeatureSettings.ParseTaper(parse.GetValue(taper)!),
                GaussianSigma = parse.GetValue(sigma),
                HalfLife = parse.GetValue(halfLife),
                FisherZ = parse.GetValue(fisher),
            };
            try { options.Validate(); }
            catch (ArgumentOutOfRangeException e) { throw new InputDataException(null, e.Message.Split(" (Parameter")[0]); }
            var table = NumericTable.Read(roiPath);
            string outPath = CliOptions.OutputFile(parse, output);
            var dfc = FeatureTables.Connectivity(table, options, roiPath);
            dfc.Write(outPath);
            Console.WriteLine($"{outPath}: {dfc.RowCount} windows × {dfc.ColumnCount} edges ({table.ColumnCount} ROIs, W = {options.Window}, {FeatureSettings.TaperName(options.Taper)}{(options.FisherZ ? ", Fisher z" : "")})");
            return 0;
        });
        return cmd;
    }
}
