using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Datasets;
using RealtimeDecode.Training.Reports;

namespace RealtimeDecode.Host.Commands;

/// <summary><c>realtime-decode evaluate</c>: metrics and plots of model(s) on held-out runs.</summary>
internal sealed class EvaluateCommand : ICliCommand
{
    public Command Build()
    {
        var model = CliOptions.ReadsModel(new Option<string[]>("--model") { Description = "Model package(s); several are compared in the report (the first is the main one)", Required = true });
        var bold = CliOptions.ReadsRun(new Option<string[]>("--bold") { Description = "Held-out run(s) of volumes (with --atlas); repeat per run" });
        var atlas = new Option<string?>("--atlas") { Description = "Label NIfTI for --bold" };
        var labels = new Option<string?>("--labels") { Description = "Labels TSV for --atlas" };
        var table = CliOptions.ReadsWithSidecar(new Option<string[]>("--table") { Description = "Or feature table(s), one per run (each --model must take them)" }, ConnectivityTableSidecar.PathFor);
        var targets = CliOptions.ReadsWithSidecar(new Option<string[]>("--targets") { Description = "Targets TSV of each run, in the runs' order", Required = true }, Training.Targets.TargetBuilder.ProvenancePath);
        var report = CliOptions.WritesFolder(new Option<string>("--report") { Description = "Report folder (metrics.json, metrics.tsv, lag.tsv, plots, index.html)", Required = true }, CliOptions.Names(EvaluationReport.FileNames));
        var trOption = new Option<double?>("--tr") { Description = "Repetition time in seconds for the lag of the estimates (default: from the first --bold run)" };
        var storeLag = new Option<bool>("--store-lag") { Description = "Write the measured lag into the first model package's model.json (package folder only), for the dashboard and LSL" };
        var realign = new Option<bool>("--realign") { Description = "Realign the runs as the model was trained (the package says so; refused for a model trained without)" };
        var reference = new Option<string?>("--reference") { Description = "3D NIfTI on the runs' grid to realign to, as the session did (default: each run's first volume); the model must be realigned" };
        var motion = new MotionCliOptions();
        var cmd = new Command("evaluate", "Metrics, lag of the estimates and plots of model(s) on held-out runs.") { model, bold, atlas, labels, table, targets, report, trOption, storeLag, realign, reference };
        foreach (var o in motion.All) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var evaluations = new List<ModelEvaluation>();
            var models = parse.GetValue(model)!;
            var boldRuns = parse.GetValue(bold) ?? [];
            double? tr = parse.GetValue(trOption);
            if (tr is { } given && (!(given > 0) || !double.IsFinite(given)))
                throw new InputDataException(null, string.Create(CultureInfo.InvariantCulture, $"--tr must be a positive number of seconds, got {given}"));
            bool store = parse.GetValue(storeLag);
            if (store && tr is null && boldRuns.Length == 0) throw new InputDataException(null, "--store-lag needs the TR: give --tr or --bold runs");
            if (store && !Directory.Exists(models[0])) throw new InputDataException(models[0], "--store-lag writes into a package folder, not a .zip");
            // Everything that can be checked without the runs' features is, before any run is read: the models
            // exist, each run has its targets table and each table reads, and the report folder can be written.
            foreach (var m in models)
                if (!File.Exists(m) && !Directory.Exists(m)) throw new InputDataException(m, "file not found");
            var targetFiles = parse.GetValue(targets)!;
            int runCount = boldRuns.Length + (parse.GetValue(table) ?? []).Length;
            if (runCount > 0) FeatureInputs.CheckTargetCount(runCount, targetFiles);
            var targetTables = targetFiles.Select(FeatureInputs.ReadTargets).ToList();
            FeatureInputs.CheckTargetsMadeFor(targetFiles, boldRuns);
            CliOptions.OutputFolder(parse, report, create: false);
            // The TR of the lag: --tr, else the first run's (a run's header alone).
            var firstRun = boldRuns.Length > 0 ? BoldRun.Open(boldRuns[0]) : null;
            if (tr is { } option && firstRun is { RepetitionTimeSeconds: > 0 and var stated } && Math.Abs(stated - option) > 0.01 * stated)
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"warning: --tr {option} but {firstRun.Path} states TR {stated} s: the lag of the estimates is measured at TR {option} s"));
            tr ??= firstRun?.RepetitionTimeSeconds;
            EstimateLag? stored = null;
            foreach (var m in models)
            {
                var package = ModelPackage.Load(m);
                motion.Check(parse, parse.GetValue(realign) || parse.GetValue(reference) is not null, package.Features.Settings, m,
                    parse.GetValue(reference) is null ? "--realign" : "--reference");
                var runs = ModelInputs.Features(package, m, parse.GetValue(bold) ?? [], parse.GetValue(atlas), parse.GetValue(labels), parse.GetValue(table) ?? [], parse.GetValue(reference));
                var data = FeatureInputs.Pair(runs, targetFiles, targetTables);
                var folds = new List<FoldPredictions>();
                var lagRuns = new List<LagRun>();
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
                    lagRuns.Add(new LagRun(set.Samples.Select(s => s.LastVolume).ToArray(), predicted, run.Targets));
                }
                string name = $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(m))} ({(package.Features.Settings.Kind == FeatureKind.Dfc ? "DFC" : "ROI")} {EstimatorKinds.ToName(package.Model.Kind)})";
                LagResult? lag = null;
                if (tr is { } seconds)
                {
                    try { lag = LagAnalysis.Analyse(lagRuns, seconds, ModelInputs.Span(package)); }
                    catch (ArgumentException e) { Console.Error.WriteLine($"note: {name}: no lag measured: {e.Message.Split(" (Parameter")[0]}"); }
                }
                else Console.Error.WriteLine("note: no TR (feature tables without --tr): the lag of the estimates is not measured");
                var evaluation = new ModelEvaluation(name, package.Targets, folds) { Lag = lag };
                evaluations.Add(evaluation);
                var pt = evaluation.PerTarget();
                Console.WriteLine($"{name} on {string.Join(", ", data.Select(d => d.Name))}:");
                string LagText(int c) => lag is null ? "" : double.IsNaN(lag.Peak[c]) ? "  lag: none (no positive correlation at any lag)" : string.Create(CultureInfo.InvariantCulture,
                    $"  lag {lag.Peak[c],5:0.0} s ± {lag.StandardError[c]:0.0}{(lag.AtEdge[c] ? " (edge of the searched range)" : "")}");
                for (int t = 0; t < pt.Length; t++)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {package.Targets[t],-14} r {pt[t].PearsonR,6:0.000}  R² {pt[t].R2,7:0.000}  MSE {pt[t].Mse:0.0000}{LagText(t)}"));
                var mean = evaluation.Mean();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"mean",-14} r {mean.PearsonR,6:0.000}  R² {mean.R2,7:0.000}{LagText(pt.Length)}"));
                if (store && evaluations.Count == 1 && lag is not null)
                {
                    int k = package.Targets.Count;
                    stored = new EstimateLag(lag.Peak[k], lag.StandardError[k], lag.Low95[k], lag.High95[k], package.Targets,
                        lag.Peak[..k], lag.StandardError[..k],
                        $"realtime-decode evaluate on {string.Join(", ", data.Select(d => d.Name))}: centre of the peak of the lag-correlation curve, block bootstrap")
                    {
                        RepetitionTimeSeconds = tr,
                    };
                }
            }
            string dir = CliOptions.OutputFolder(parse, report);
            EvaluationReport.Write(dir, evaluations, new JsonObject
            {
                ["command"] = "realtime-decode evaluate",
                ["models"] = new JsonArray(models.Select(m => (JsonNode)m).ToArray()),
                ["runs"] = new JsonArray((parse.GetValue(bold) ?? parse.GetValue(table) ?? []).Select(r => (JsonNode)r).ToArray()),
            });
            Console.WriteLine($"report: {Path.Combine(dir, "index.html")}");
            if (store)
            {
                if (stored is null) throw new InputDataException(models[0], "--store-lag: no lag could be measured, nothing stored");
                var jsonPath = Path.Combine(models[0], "model.json");
                var root = JsonNode.Parse(File.ReadAllText(jsonPath)) as JsonObject ?? throw new InputDataException(jsonPath, "not a JSON object");
                root["estimate_lag"] = stored.ToJson();
                AtomicFile.WriteAllText(jsonPath, root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
                Console.WriteLine($"stored the lag in {jsonPath}: each estimate {stored.Describe()}");
            }
            return 0;
        });
        return cmd;
    }
}
