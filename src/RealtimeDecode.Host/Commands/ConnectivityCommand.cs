using System.CommandLine;
using System.Globalization;
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
        var output = CliOptions.Writes(new Option<string>("--out") { Description = "Connectivity table to write (TSV: volume = last volume of the window, then roiA~roiB), with its settings in a JSON sidecar of the same name (.json)", Required = true },
            [ConnectivityTableSidecar.PathFor]);
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
            catch (ArgumentOutOfRangeException e)
            {
                Option? named = e.ParamName switch
                {
                    nameof(SlidingWindowOptions.Window) => window,
                    nameof(SlidingWindowOptions.GaussianSigma) => sigma,
                    nameof(SlidingWindowOptions.HalfLife) => halfLife,
                    _ => null,
                };
                string given = named is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{named.Name} {e.ActualValue}: ");
                throw new InputDataException(null, given + e.Message.Split(" (Parameter")[0].Split(Environment.NewLine)[0]);
            }
            // A taper's parameter given with another taper would be silently ignored.
            if (parse.GetResult(sigma) is { Implicit: false } && options.Taper != WindowTaper.Gaussian)
                Console.Error.WriteLine($"warning: --sigma applies to the gaussian taper; the {FeatureSettings.TaperName(options.Taper)} taper ignores it");
            if (parse.GetResult(halfLife) is { Implicit: false } && options.Taper != WindowTaper.Exponential)
                Console.Error.WriteLine($"warning: --half-life applies to the exp taper; the {FeatureSettings.TaperName(options.Taper)} taper ignores it");
            var table = NumericTable.Read(roiPath);
            RefuseUnfitColumns(table, roiPath, options);
            string outPath = CliOptions.OutputFile(parse, output);
            var dfc = FeatureTables.Connectivity(table, options, roiPath);
            var sidecar = new ConnectivityTableSidecar(options, table.Columns, Path.GetFullPath(roiPath));
            string sidecarPath = ConnectivityTableSidecar.PathFor(outPath);
            // Table and sidecar replace their previous versions together, so a sidecar never describes another table.
            using (var files = new AtomicFileSet("connectivity table"))
            {
                files.WriteText(outPath, dfc.Write);
                files.WriteAllText(sidecarPath, sidecar.ToJsonText());
                files.Commit();
            }
            Console.WriteLine($"{outPath}: {dfc.RowCount} windows × {dfc.ColumnCount} edges ({table.ColumnCount} ROIs, {sidecar.Describe()}); settings in {sidecarPath}");
            return 0;
        });
        return cmd;
    }

    /// <summary>
    /// Refuses, before any window is computed, an ROI table whose columns are already connectivity edges
    /// (<see cref="EdgeColumns"/>), and one whose R columns would make more values (R(R−1)/2 edges per window,
    /// times the windows) than one table holds (<see cref="Array.MaxLength"/>): both in one line naming the
    /// file, its column count and the edge count.
    /// </summary>
    internal static void RefuseUnfitColumns(NumericTable table, string path, SlidingWindowOptions options)
    {
        int r = table.ColumnCount;
        long edges = EdgeLayout.PairCount(r);
        long windows = Math.Max(0, table.RowCount - options.FramesToReady + 1);
        bool tooMany = edges > Array.MaxLength || (windows > 0 && edges > Array.MaxLength / windows);
        bool edgeNames = EdgeColumns.AreEdges(table.Columns);
        if (!tooMany && !edgeNames) return;
        string hint = edgeNames ? $"; is this a connectivity table? its columns are named like edges ({table.Columns[0]}, …): give the ROI table it was made from" : "";
        throw new InputDataException(path, tooMany
            ? string.Create(CultureInfo.InvariantCulture, $"{r:N0} ROI columns would make {edges:N0} edges per window, {(decimal)edges * windows:N0} values for {windows:N0} windows: more than one table holds ({Array.MaxLength:N0}){hint}")
            : string.Create(CultureInfo.InvariantCulture, $"{r:N0} columns would make {edges:N0} edges per window{hint}"));
    }
}
