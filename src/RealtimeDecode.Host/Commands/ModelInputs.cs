using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Datasets;

namespace RealtimeDecode.Host.Commands;

/// <summary>Features for a loaded model package: computed from runs with the package's own settings, or read from tables.</summary>
internal static class ModelInputs
{
    /// <summary>
    /// One feature table per run, checked against the package (atlas hash, feature count); a realigned package's runs
    /// are realigned to <paramref name="reference"/> when given (<c>--reference</c>), else each to its first volume.
    /// <paramref name="tableOption"/> is the command's option for tables, as its messages name it.
    /// </summary>
    public static List<(string Name, NumericTable Features, string Source)> Features(
        ModelPackage package, string modelPath, string[] bold, string? atlasPath, string? labels, string[] tables, string? reference = null, string tableOption = "--table")
    {
        if (bold.Length > 0 == tables.Length > 0)
            throw new InputDataException(null, $"give either --bold (with --atlas) or {tableOption}");
        if (reference is not null && tables.Length > 0)
            throw new InputDataException(reference, "--reference realigns volumes: give it with --bold runs, not feature tables");
        var result = new List<(string, NumericTable, string)>();
        if (tables.Length > 0)
        {
            foreach (var t in tables)
            {
                var table = NumericTable.Read(t);
                CheckTable(package, modelPath, table, t);
                result.Add((Path.GetFileName(t), table, t));
            }
            return result;
        }
        if (atlasPath is null) throw new InputDataException(null, "--bold needs --atlas");
        var atlas = CliOptions.WithRegions(Atlas.Load(atlasPath, labels));
        var settings = package.Features.Settings;
        var live = new FeatureSpec(settings, atlas.LabelCount, atlas.Sha256);
        try { package.Validate(live); }
        catch (InputDataException e) { throw new InputDataException(modelPath, $"{e.Problem} (atlas {atlasPath})"); }
        if (package.UncheckedAtlasWarning(modelPath, atlasPath) is { } atlasWarning) Console.Error.WriteLine($"warning: {atlasWarning}");
        var opened = bold.Select(b => BoldRun.Open(b)).ToList();
        var realignment = RealignCommand.RunRealignments(reference, opened);
        for (int i = 0; i < bold.Length; i++)
        {
            var run = opened[i];
            result.Add((run.Name, ConsoleProgress.Run($"features of {run.Name}", p => FeatureTables.FromRun(run, atlas, settings, p, realignment?.Invoke())), bold[i]));
        }
        return result;
    }

    /// <summary>
    /// Refuses a feature table the package cannot take: another feature count, edge columns for a model of ROI
    /// amplitudes, or a connectivity table made with other window settings than the model's (<see cref="CheckWindows"/>).
    /// With <paramref name="sidecarOnly"/> (rows that need not be a whole run, as explain's), a connectivity table
    /// without a sidecar is not judged by its first row.
    /// </summary>
    public static void CheckTable(ModelPackage package, string modelPath, NumericTable table, string path, bool sidecarOnly = false)
    {
        if (table.ColumnCount != package.Model.FeatureCount)
        {
            // Say what the model takes: a table of one column per ROI given to a DFC model is the commonest slip.
            var spec = package.Features;
            string takes = spec.Settings.Kind == FeatureKind.Dfc
                ? $"the edges of {spec.RoiCount} ROIs (DFC, window {spec.Settings.Window.Window})" + (table.ColumnCount == spec.RoiCount
                    ? ": this looks like an ROI table; give the table `connectivity` makes of it with the model's window, or --bold with --atlas" : "")
                : $"one column per ROI ({spec.RoiCount} ROIs, ROI amplitudes)";
            throw new InputDataException(path, $"has {table.ColumnCount} feature columns, the model {modelPath} expects {package.Model.FeatureCount}, {takes}");
        }
        // The model fixes the feature count, so only a positive sign of the other kind is refused: edge columns for ROI amplitudes.
        if (package.Features.Settings.Kind == FeatureKind.Roi) FeatureInputs.CheckTableKind(FeatureKind.Roi, table, path, $"the model {modelPath}");
        if (package.Features.Settings.Kind == FeatureKind.Dfc) CheckWindows(table, path, package.Features.Settings.Window, modelPath, sidecarOnly);
    }

    /// <summary>
    /// Refuses a connectivity table made with other window settings than the model's: those its sidecar
    /// (<see cref="ConnectivityTableSidecar"/>) states, with columns that must be the edges of the sidecar's ROIs; for
    /// a table without a sidecar, a first row other than volume W − 1 (<see cref="FeatureInputs.FirstWindowProblem"/>).
    /// </summary>
    private static void CheckWindows(NumericTable table, string path, SlidingWindowOptions model, string modelPath, bool sidecarOnly)
    {
        if (ConnectivityTableSidecar.TryRead(path) is { } sidecar)
        {
            string json = ConnectivityTableSidecar.PathFor(path);
            if (sidecar.Differences(model).Count > 0)
                throw new InputDataException(json, $"{path} was made with {sidecar.Describe()}, but the model {modelPath} takes {ConnectivityTableSidecar.Describe(model)}: remake the table with the model's settings");
            sidecar.CheckColumns(table.Columns, path);
            return;
        }
        if (!sidecarOnly && FeatureInputs.FirstWindowProblem(table, model.Window, $"the window of the model {modelPath}") is { } problem)
            throw new InputDataException(path, $"{problem}: it was not made with the model's settings ({ConnectivityTableSidecar.Describe(model)})");
    }

    public static TargetAlignment Alignment(ModelPackage package) =>
        package.Training["target_alignment"]?.GetValue<string>() == "last" ? TargetAlignment.Last : TargetAlignment.Window;

    public static int Span(ModelPackage package) => package.Features.Settings.Span;
}
