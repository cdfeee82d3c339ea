using System.CommandLine;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Host.Commands;

/// <summary><c>realtime-decode predict</c>: batch predictions of a model package.</summary>
internal sealed class PredictCommand : ICliCommand
{
    public Command Build()
    {
        var model = CliOptions.ReadsModel(new Option<string>("--model") { Description = "Model package (folder or .zip)", Required = true });
        var features = CliOptions.ReadsWithSidecar(new Option<string[]>("--features") { Description = "Feature table (TSV) to predict from" }, ConnectivityTableSidecar.PathFor);
        var bold = CliOptions.ReadsRun(new Option<string[]>("--bold") { Description = "Or a run of volumes (with --atlas): features computed as the model was trained" });
        var atlas = new Option<string?>("--atlas") { Description = "Label NIfTI for --bold" };
        var labels = new Option<string?>("--labels") { Description = "Labels TSV for --atlas" };
        var output = CliOptions.Writes(new Option<string>("--out") { Description = "Predictions TSV (volume, one column per target)", Required = true });
        var realign = new Option<bool>("--realign") { Description = "Realign the run as the model was trained (the package says so; refused for a model trained without)" };
        var reference = new Option<string?>("--reference") { Description = "3D NIfTI on the runs' grid to realign to, as the session did (default: each run's first volume); the model must be realigned" };
        var motion = new MotionCliOptions();
        var cmd = new Command("predict", "Batch predictions from a model package.") { model, features, bold, atlas, labels, output, realign, reference };
        foreach (var o in motion.All) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            string modelPath = CliOptions.ExistingFile(parse, model);
            var package = ModelPackage.Load(modelPath);
            motion.Check(parse, parse.GetValue(realign) || parse.GetValue(reference) is not null, package.Features.Settings, modelPath,
                parse.GetValue(reference) is null ? "--realign" : "--reference");
            CliOptions.RefuseInputs(parse, output, parse.GetValue(output)!); // before the features of a run are computed
            var runs = ModelInputs.Features(package, modelPath, parse.GetValue(bold) ?? [], parse.GetValue(atlas), parse.GetValue(labels), parse.GetValue(features) ?? [], parse.GetValue(reference), "--features");
            if (runs.Count != 1) throw new InputDataException(null, "predict takes one feature table or one run");
            var table = runs[0].Features;
            var values = new double[table.RowCount * package.Targets.Count];
            for (int r = 0; r < table.RowCount; r++)
                package.Model.Predict(table.Row(r), values.AsSpan(r * package.Targets.Count, package.Targets.Count));
            string outPath = CliOptions.OutputFile(parse, output);
            new NumericTable(package.Targets, table.Volumes, values).Write(outPath);
            Console.WriteLine($"{outPath}: {table.RowCount} predictions × {package.Targets.Count} targets");
            return 0;
        });
        return cmd;
    }
}
