using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Datasets;
using RealtimeDecode.Training.Reports;

namespace RealtimeDecode.Host.Commands;

/// <summary><c>realtime-decode evaluate</c>: metrics and plots of model(s) on held-out runs.</summary>
internal sealed class EvaluateCommand : ICliCommand
{
    public Command Build()
    {
        var model = new Option<string[]>("--model") { Description = "Model package(s); several are compared in the report (the first is the main one)", Required = true };
        var bold = new Option<string[]>("--bold") { Description = "Held-out run(s) of volumes (with --atlas); repeat per run" };
        var atlas = new Option<string?>("--atlas") { Description = "Label NIfTI for --bold" };
        var labels = new Option<string?>("--labels") { Description = "Labels TSV for --atlas" };
        var table = new Option<string[]>("--table") { Description = "Or feature table(s), one per run (one model only)" };
        var targets = new Option<string[]>("--targets") { Description = "Targets TSV of each run, in the runs' order", Required = true };
        var report = new Option<string>("--report") { Description = "Report folder (metrics.json, metrics.tsv, plots, index.html)", Required = true };
        var cmd = new Command("evaluate", "Metrics and plots of model(s) on held-out runs.") { model, bold, atlas, labels, table, targets, report };
        cmd.SetAction(parse =>
        {
            var evaluations = new List<ModelEvaluation>();
            var models = parse.GetValue(model)!;
            foreach (var m in models)
            {
                if (!File.Exists(m) && !Directory.Exists(m)) throw new InputDataException(m, "file not found");
                var package = ModelPackage.Load(m);
                var runs = ModelInputs.Features(package, m, parse.GetValue(bold) ?? [], parse.GetValue(atlas), parse.GetValue(labels), parse.GetValue(table) ?? []);
                var data = FeatureInputs.Pair(runs, parse.GetValue(targets)!);
                var folds = new List<FoldPredictions>();
                foreach (var run in data)
                {
                    var set = TrainingSet.Build([run], ModelInputs.Span(package), ModelInputs.Alignment(package));
                    if (!set.Targets.SequenceEqual(package.Targets))
                        throw new InputDataException(run.TargetsSource, $"target columns ({string.Join(", ", set.Targets)}) differ from the model's ({string.Join(", ", package.Targets)})");
                    var actual = new double[set.X.Rows, set.Y.Cols];
                    var predicted = new double[set.X.Rows, set.Y.Cols];
                    var row = new double[set.Y.Cols];
                    for (int r = 0; r < set.X.Rows; r++)
                    {
                        package.Model.Predict(set.X.Row(r), row);
                        for (int t = 0; t < row.Length; t++) { actual[r, t] = set.Y[r, t]; predicted[r, t] = row[t]; }
                    }
                    folds.Add(new FoldPredictions(run.Name, set.Samples.Select(s => s.LastVolume).ToArray(), actual, predicted));
                }
                string name = $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(m))} ({(package.Features.Kind == FeatureKind.Dfc ? "DFC" : "ROI")} {EstimatorKinds.ToName(package.Model.Kind)})";
                var evaluation = new ModelEvaluation(name, package.Targets, folds);
                evaluations.Add(evaluation);
                var pt = evaluation.PerTarget();
                Console.WriteLine($"{name} on {string.Join(", ", data.Select(d => d.Name))}:");
                for (int t = 0; t < pt.Length; t++)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {package.Targets[t],-14} r {pt[t].PearsonR,6:0.000}  R² {pt[t].R2,7:0.000}  MSE {pt[t].Mse:0.0000}"));
                var mean = evaluation.Mean();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"mean",-14} r {mean.PearsonR,6:0.000}  R² {mean.R2,7:0.000}"));
            }
            string dir = CliOptions.OutputFolder(parse, report);
            EvaluationReport.Write(dir, evaluations, new JsonObject
            {
                ["command"] = "realtime-decode evaluate",
                ["models"] = new JsonArray(models.Select(m => (JsonNode)m).ToArray()),
                ["runs"] = new JsonArray((parse.GetValue(bold) ?? parse.GetValue(table) ?? []).Select(r => (JsonNode)r).ToArray()),
            });
            Console.WriteLine($"report: {Path.Combine(dir, "index.html")}");
            return 0;
        });
        return cmd;
    }
}
