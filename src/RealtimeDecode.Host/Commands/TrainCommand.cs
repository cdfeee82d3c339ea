using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Datasets;
using RealtimeDecode.Training.Fitting;
using RealtimeDecode.Training.Reports;

namespace RealtimeDecode.Host.Commands;

/// <summary><c>realtime-decode train</c>: fit a multi-target regressor with honest cross-validation.</summary>
internal sealed class TrainCommand : ICliCommand
{
    public Command Build()
    {
        var inputs = new FeatureInputs();
        var targets = CliOptions.ReadsWithSidecar(new Option<string[]>("--targets") { Description = "Targets TSV (volume, one column per target); repeat per run, in the runs' order", Required = true },
            Training.Targets.TargetBuilder.ProvenancePath);
        var estimator = new Option<string>("--estimator") { Description = "ridge, linear, lasso, elastic-net, kernel-ridge, svr or linear-svr", DefaultValueFactory = _ => "ridge" };
        var alpha = new Option<double?>("--alpha") { Description = "Regularisation strength (ridge, lasso, elastic-net, kernel-ridge)" };
        var l1 = new Option<double?>("--l1-ratio") { Description = "Elastic-net mixing (0 = ridge-like, 1 = lasso)" };
        var kernel = new Option<string?>("--kernel") { Description = "rbf, linear, poly or laplacian" };
        var gamma = new Option<string?>("--gamma") { Description = "Kernel gamma: a number, scale or auto" };
        var c = new Option<double?>("--C") { Description = "SVR penalty" };
        var epsilon = new Option<double?>("--epsilon") { Description = "SVR epsilon-insensitive margin" };
        var degree = new Option<double?>("--degree") { Description = "Polynomial kernel degree" };
        var coef0 = new Option<double?>("--coef0") { Description = "Polynomial kernel coef0" };
        var extra = new Option<string?>("--params") { Description = "More hyperparameters as key=value,… (tol, max_iter, fit_intercept, float32 (kernel rows; default true), seed)" };
        var search = new Option<string?>("--search") { Description = "Grid for nested CV, e.g. \"alpha=1,10,100,1000\" or \"C=1,10;gamma=scale,0.001\"" };
        var cv = new Option<string>("--cv") { Description = "leave-run-out, blocked:K (gap of one window around each test block), random:K (leaks; warns) or none", DefaultValueFactory = _ => "blocked:5" };
        var align = new Option<string>("--align") { Description = "Targets of a feature row: window (mean over its window's volumes) or last (its last volume)", DefaultValueFactory = _ => "window" };
        var standardize = new Option<bool>("--standardize") { Description = "StandardScaler on the features, fitted within each training fold", DefaultValueFactory = _ => true };
        var permutations = new Option<int>("--permutations") { Description = "Circular-shift permutations for a p-value per target (0 = none)", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Seed for random folds and permutations", DefaultValueFactory = _ => 0 };
        var compareRoi = new Option<bool>("--compare-roi") { Description = "Also cross-validate ROI-amplitude features the same way and compare them in the report (with --bold)" };
        var output = CliOptions.Writes(new Option<string>("--out") { Description = "Model package to write (a folder, or a .zip)", Required = true },
            folder: p => p.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) ? null : CliOptions.Names(ModelPackage.FileNames));
        var report = CliOptions.WritesFolder(new Option<string?>("--report") { Description = "Folder for the evaluation report (metrics, plots, index.html)" }, CliOptions.Names(EvaluationReport.FileNames));

        var cmd = new Command("train", "Fit a multi-target regressor on ROI or DFC features with honest cross-validation; write a model package and a report.");
        foreach (var o in inputs.All()) cmd.Options.Add(o);
        foreach (var o in new Option[] { targets, estimator, alpha, l1, kernel, gamma, c, epsilon, degree, coef0, extra, search, cv, align, standardize, permutations, seed, compareRoi, output, report })
            cmd.Options.Add(o);

        cmd.SetAction(parse =>
        {
            string estimatorName = parse.GetValue(estimator)!.Trim().ToLowerInvariant();
            if (!EstimatorKinds.TryParse(estimatorName, out EstimatorKind kind))
                throw new InputDataException(null, $"--estimator '{parse.GetValue(estimator)}' is not one of ridge, linear, lasso, elastic-net, kernel-ridge, svr, linear-svr");
            var settings = inputs.Settings(parse);
            var alignment = ParseAlignment(parse.GetValue(align)!);
            // Each hyperparameter with the option it came from, so that a refusal names the option.
            var hp = new List<(string Where, string Text)>();
            void Add(Option option, string key, object? value)
            {
                if (value is null) return;
                string text = string.Create(CultureInfo.InvariantCulture, $"{value}");
                hp.Add(($"{option.Name} {text}", $"{key}={text}"));
            }
            Add(alpha, "alpha", parse.GetValue(alpha)); Add(l1, "l1_ratio", parse.GetValue(l1)); Add(kernel, "kernel", parse.GetValue(kernel));
            Add(gamma, "gamma", parse.GetValue(gamma)); Add(c, "c", parse.GetValue(c)); Add(epsilon, "epsilon", parse.GetValue(epsilon));
            Add(degree, "degree", parse.GetValue(degree)); Add(coef0, "coef0", parse.GetValue(coef0));
            Add(standardize, "standardize", parse.GetValue(standardize) ? "true" : "false");
            if (parse.GetValue(extra) is { } x) hp.Add((extra.Name, x));
            Trainer.Validate(kind, estimatorName, hp, parse.GetValue(search));
            string hyper = string.Join(",", hp.Select(h => h.Text));

            // Everything the options alone decide is checked here, before a run is read or a feature computed.
            int runCount = inputs.RunCount(parse);
            var targetPaths = parse.GetValue(targets)!;
            FeatureInputs.CheckTargetCount(runCount, targetPaths);
            bool crossValidated = Trainer.Splitter(parse.GetValue(cv)!, settings.Span, runCount, parse.GetValue(seed)) is not null;
            int permutationCount = parse.GetValue(permutations);
            if (permutationCount < 0) throw new InputDataException(null, $"--permutations {permutationCount}: give 0 (none) or a positive count");
            if (permutationCount > 0 && !crossValidated)
                throw new InputDataException(null, $"--permutations {permutationCount} permutes cross-validated predictions, which --cv none does not make: leave it out, or give --cv");
            string? reportDir = parse.GetValue(report);
            if (reportDir is not null && !crossValidated)
                throw new InputDataException(null, "--report shows cross-validated predictions, which --cv none does not make: leave --report out and evaluate the model on a held-out run, or give --cv");
            if (parse.GetValue(compareRoi))
            {
                if (settings.Kind != FeatureKind.Dfc) throw new InputDataException(null, "--compare-roi compares DFC features with ROI amplitudes: give it with --features dfc");
                if ((parse.GetValue(inputs.Table) ?? []).Length > 0) throw new InputDataException(null, "--compare-roi needs the runs' ROI amplitudes, which feature tables do not hold: give --bold or --recording");
                if (reportDir is null) throw new InputDataException(null, "--compare-roi puts its comparison in the report: give --report");
            }
            string outArg = parse.GetValue(output)!;
            bool zipPackage = outArg.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);
            CheckOutput(parse, outArg, output, folder: !zipPackage);
            if (reportDir is not null) CheckOutput(parse, reportDir, report, folder: true);
            var targetTables = targetPaths.Select(FeatureInputs.ReadTargets).ToList();
            FeatureInputs.CheckTargetsMadeFor(targetPaths, parse.GetValue(inputs.Bold) ?? []);

            List<(string Name, NumericTable Features, string Source)> runs;
            Atlas? atlas = null;
            FeatureSpec spec;
            List<NumericTable>? recordedRoi = null;
            if ((parse.GetValue(inputs.Recording) ?? []).Length > 0)
            {
                var recorded = inputs.LoadRecordings(parse, settings);
                (runs, recordedRoi, settings, spec) = (recorded.Runs, recorded.RoiSeries, recorded.Settings, recorded.Spec);
            }
            else
            {
                (runs, atlas, settings) = inputs.Load(parse, settings);
                spec = FeatureInputs.Spec(settings, atlas, runs[0].Features, runs[0].Source);
            }
            inputs.Motion.WarnWithoutRealign(parse, settings.Realign);
            var data = FeatureInputs.Pair(runs, targetPaths, targetTables);
            var set = TrainingSet.Build(data, settings.Span, alignment);
            if (set.X.Rows < 2)
            {
                string censored = settings.Realign && settings.Censor == Engine.Motion.CensorPolicy.Withhold
                    ? string.Create(CultureInfo.InvariantCulture, $", after --censor withhold left out every window holding a volume of framewise displacement above {settings.FdThresholdMm} mm")
                    : "";
                throw new InputDataException(data[0].FeaturesSource, $"{set.X.Rows} training sample(s) with targets{censored}: at least 2 are needed");
            }
            var request = new TrainRequest(kind, hyper, parse.GetValue(search), parse.GetValue(cv)!, permutationCount, parse.GetValue(seed));
            var splitter = Trainer.Splitter(request.Cv, settings.Span, set.Runs.Count, request.Seed);
            // A blocked fold needs a test block and a gap of one window on each side of it.
            int perFold = request.Cv.Trim().StartsWith("blocked", StringComparison.OrdinalIgnoreCase) ? 2 * settings.Span + 1 : 2;
            if (splitter is not null and not LeaveRunOutSplitter && int.TryParse(request.Cv.Split(':')[^1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int folds)
                && folds > set.X.Rows / perFold)
                throw new InputDataException(null, $"--cv {request.Cv}: {set.X.Rows} samples allow at most {set.X.Rows / perFold} folds ({perFold} samples per fold)");
            if (splitter?.Leaks == true) Console.Error.WriteLine($"warning: {RandomKFoldSplitter.Warning}");
            Console.WriteLine($"training {EstimatorKinds.ToName(kind)} on {set.X.Rows} samples × {set.X.Cols} features ({settings}), {set.Targets.Count} targets, {set.Runs.Count} run(s); CV {splitter?.Name ?? "none"}");

            var outcome = ConsoleProgress.Run("fitting", p => Trainer.Train(set, request, settings.Span, p));
            foreach (var line in outcome.SearchLog) Console.WriteLine("  " + line);

            var training = new JsonObject
            {
                ["tool"] = "realtime-decode " + Version(),
                ["runs"] = new JsonArray(data.Select(d => (JsonNode)new JsonObject { ["name"] = d.Name, ["features"] = d.FeaturesSource, ["targets"] = d.TargetsSource }).ToArray()),
                ["samples"] = set.X.Rows,
                ["target_alignment"] = alignment == TargetAlignment.Window ? "window" : "last",
                ["hyperparameters_text"] = string.Join(",", new[] { hyper, outcome.ChosenText }.Where(s => s.Length > 0)),
                ["search"] = parse.GetValue(search),
                ["cv"] = outcome.Splitter?.Name ?? "none",
            };
            var cvMetrics = new JsonObject();
            if (outcome.Cv is { } result)
            {
                cvMetrics["splitter"] = result.Splitter;
                cvMetrics["leaks"] = result.Leaks;
                cvMetrics["folds"] = result.Folds.Count;
                cvMetrics["per_target"] = new JsonObject(result.Scores.Select((s, i) => KeyValuePair.Create(s.Target, (JsonNode?)new JsonObject
                {
                    ["pearson_r"] = Num(s.PearsonR), ["r2"] = Num(s.R2), ["mean_fold_r2"] = Num(s.MeanFoldR2), ["mse"] = Num(s.Mse),
                    ["p_value"] = outcome.Permutation is { } perm ? Num(perm.PValues[i]) : null,
                    ["mean_fold_pearson_r"] = Num(s.MeanFoldR),
                })));
                cvMetrics["mean_pearson_r"] = Num(result.Scores.Average(s => s.PearsonR));
                cvMetrics["mean_r2"] = Num(result.Scores.Average(s => s.R2));
                cvMetrics["mean_fold_pearson_r"] = Num(result.Scores.Average(s => s.MeanFoldR));
                cvMetrics["definitions"] = new JsonObject
                {
                    ["pearson_r"] = "r of pooled predictions: the Pearson r of all folds' out-of-fold predictions together (mean_pearson_r: its mean over targets), the headline of train's console and report",
                    ["mean_fold_pearson_r"] = "mean of per-fold r: the mean over folds of each fold's Pearson r (and its mean over targets)",
                };
            }
            var package = new ModelPackage(outcome.Model, spec, training, cvMetrics) { Patterns = outcome.Patterns, PatternRows = outcome.Patterns is null ? 0 : set.X.Rows, PatternSplitHalfR = outcome.PatternSplitHalfR };
            string outPath = zipPackage ? CliOptions.OutputFile(parse, output) : CliOptions.OutputFolder(parse, output);
            package.Save(outPath);

            if (outcome.Cv is { } cvr)
            {
                Console.WriteLine($"cross-validated ({cvr.Splitter}{(cvr.Leaks ? ", LEAKS" : "")}): r, R² and MSE of pooled predictions (all folds' together); fold r: mean of per-fold r");
                foreach (var (s, i) in cvr.Scores.Select((s, i) => (s, i)))
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {s.Target,-14} r {s.PearsonR,6:0.000}  fold r {s.MeanFoldR,6:0.000}  R² {s.R2,7:0.000}  MSE {s.Mse:0.0000}{(outcome.Permutation is { } p ? $"  p {p.PValues[i]:0.000}" : "")}"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {"mean",-14} r {cvr.Scores.Average(s => s.PearsonR),6:0.000}  fold r {cvr.Scores.Average(s => s.MeanFoldR),6:0.000}  R² {cvr.Scores.Average(s => s.R2),7:0.000}"));
            }

            if (reportDir is not null)
            {
                var evaluations = new List<ModelEvaluation>();
                if (outcome.Cv is { } r1) evaluations.Add(Trainer.ToEvaluation($"{KindName(settings)} {EstimatorKinds.ToName(kind)}", set, r1));
                if (parse.GetValue(compareRoi) && settings.Kind == FeatureKind.Dfc && (atlas is not null || recordedRoi is not null) && outcome.Splitter is not null)
                {
                    var roiSettings = settings with { Kind = FeatureKind.Roi };
                    // From a recording the ROI features are its series itself (already preprocessed by the live path).
                    var roiRuns = recordedRoi is not null
                        ? runs.Select((r, i) => (r.Name, recordedRoi[i], r.Source)).ToList()
                        : (parse.GetValue(inputs.Bold) ?? []).Select(b =>
                        {
                            var run = BoldRun.Open(b);
                            return (run.Name, ConsoleProgress.Run($"ROI features of {run.Name}", p => FeatureTables.FromRun(run, atlas!, roiSettings, p)), b);
                        }).ToList();
                    var roiSet = TrainingSet.Build(FeatureInputs.Pair(roiRuns, targetPaths, targetTables), roiSettings.Span, alignment);
                    var roiReq = request with { Permutations = 0 };
                    var roiOutcome = ConsoleProgress.Run("fitting ROI comparison", p => Trainer.Train(roiSet, roiReq, settings.Span, p));
                    if (roiOutcome.Cv is { } r2)
                    {
                        evaluations.Add(Trainer.ToEvaluation($"ROI {EstimatorKinds.ToName(kind)}", roiSet, r2));
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"ROI-amplitude comparison: r of pooled predictions {r2.Scores.Average(s => s.PearsonR):0.000}, mean of per-fold r {r2.Scores.Average(s => s.MeanFoldR):0.000} (means over targets)"));
                    }
                }
                EvaluationReport.Write(reportDir, evaluations, training);
                Console.WriteLine($"report: {Path.Combine(reportDir, "index.html")}");
            }
            Console.WriteLine($"model package: {outPath}");
            return 0;
        });
        return cmd;
    }

    /// <summary>
    /// Refuses, before any work and without making anything, an output that the write at the end would refuse: a
    /// folder output that is an existing file, a file output that is an existing folder, an input of the command
    /// (<see cref="CliOptions.RefuseInputs"/>), a path under a file, or a folder that cannot be written (the deepest
    /// existing folder of the path is probed as <see cref="CliOptions.EnsureWritableFolder"/> does).
    /// </summary>
    private static void CheckOutput(ParseResult parse, string path, Option option, bool folder)
    {
        if (folder && File.Exists(path)) throw new InputDataException(path, $"{option.Name} is an existing file; give a folder");
        if (!folder && Directory.Exists(path)) throw new InputDataException(path, $"{option.Name} is a folder; give a file name");
        CliOptions.RefuseInputs(parse, option, path);
        string full = Path.GetFullPath(path);
        string? existing = folder ? full : Path.GetDirectoryName(full);
        while (existing is not null && !Directory.Exists(existing))
        {
            if (File.Exists(existing)) throw new InputDataException(existing, $"is a file, not a folder ({option.Name})");
            existing = Path.GetDirectoryName(existing);
        }
        if (existing is null) throw new InputDataException(full, $"{option.Name}: this folder cannot be made");
        CliOptions.EnsureWritableFolder(option.Name, existing);
    }

    internal static TargetAlignment ParseAlignment(string s) => s.Trim().ToLowerInvariant() switch
    {
        "window" => TargetAlignment.Window,
        "last" => TargetAlignment.Last,
        _ => throw new InputDataException(null, $"--align '{s}' is not window or last"),
    };

    private static string KindName(FeatureSettings s) => s.Kind == FeatureKind.Dfc ? "DFC" : "ROI";

    private static JsonNode? Num(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    internal static string Version() =>
        typeof(TrainCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";
}
