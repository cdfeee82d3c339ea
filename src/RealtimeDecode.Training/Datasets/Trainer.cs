using System.Globalization;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Explanations;
using RealtimeDecode.Training.Fitting;
using RealtimeDecode.Training.Reports;

namespace RealtimeDecode.Training.Datasets;

/// <summary>What to fit and how to evaluate it.</summary>
/// <param name="Hyperparameters">Base hyperparameters as "key=value,…" (see <see cref="EstimatorOptions.Parse"/>).</param>
/// <param name="Search">Grid for nested cross-validation, "key=v1,v2;key2=…", or null.</param>
/// <param name="Cv">leave-run-out, blocked:K, random:K or none.</param>
/// <param name="Permutations">Circular-shift permutations for per-target p-values (0 = none).</param>
public sealed record TrainRequest(EstimatorKind Kind, string Hyperparameters, string? Search, string Cv, int Permutations = 0, int Seed = 0);

/// <summary>The fitted model with its honest evaluation.</summary>
public sealed record TrainOutcome(
    DecodingModel Model, EstimatorOptions Chosen, string ChosenText, ICrossValidationSplitter? Splitter, CvResult? Cv,
    PermutationResult? Permutation, IReadOnlyList<string> SearchLog)
{
    /// <summary>Haufe activation patterns of a linear model on all training samples [targets × features], else null.</summary>
    public double[]? Patterns { get; init; }

    /// <summary>Per target, the split-half reliability of <see cref="Patterns"/> over the training samples, else null.</summary>
    public double[]? PatternSplitHalfR { get; init; }
}

/// <summary>
/// Fits a multi-target regressor with honest cross-validation: blocked K-fold with a gap of one
/// window on each side of every test block, or leave-run-out; random K-fold only on request (it
/// leaks through overlapping windows). With a search grid, the hyperparameters of each outer fold are
/// chosen by an inner cross-validation on that fold's training samples only (nested CV), and the final
/// model's by cross-validation on all samples. The score that chooses is the mean over targets of the
/// out-of-fold Pearson r.
/// </summary>
public static class Trainer
{
    /// <summary>Parses a --cv value; <paramref name="span"/> is the window (gap) in volumes.</summary>
    public static ICrossValidationSplitter? Splitter(string spec, int span, int runCount, int seed = 0)
    {
        var s = spec.Trim().ToLowerInvariant();
        if (s == "none") return null;
        if (s == "leave-run-out")
        {
            if (runCount < 2) throw new InputDataException(null, "--cv leave-run-out needs at least two runs (give --bold/--table and --targets once per run), or use --cv blocked:K");
            return new LeaveRunOutSplitter();
        }
        var parts = s.Split(':');
        if (parts.Length == 2 && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) && k >= 2)
        {
            if (parts[0] == "blocked") return new BlockedKFoldSplitter(k, span);
            if (parts[0] == "random") return new RandomKFoldSplitter(k, seed);
        }
        throw new InputDataException(null, $"--cv '{spec}' is not one of leave-run-out, blocked:K, random:K, none (K ≥ 2)");
    }

    /// <summary>The hyperparameter sets of a search grid, each as "key=value,…" text.</summary>
    public static IReadOnlyList<string> Grid(string? search)
    {
        if (string.IsNullOrWhiteSpace(search)) return [""];
        IEnumerable<string> points = [""];
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var axis in search.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = axis.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length != 2 || kv[1].Length == 0) throw new InputDataException(null, $"--search '{axis}' is not key=v1,v2,…");
            // A key given twice would make points that hold it twice, of which the last would win: one list per key.
            if (!keys.Add(kv[0])) throw new InputDataException(null, $"--search names '{kv[0]}' twice: give all its values in one list ({kv[0]}=v1,v2,…)");
            var values = kv[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            points = points.SelectMany(p => values.Select(v => p.Length == 0 ? $"{kv[0]}={v}" : $"{p},{kv[0]}={v}")).ToArray();
        }
        return points.ToArray();
    }

    /// <summary>
    /// Checks the hyperparameters of a request before any work, each refused as an <see cref="InputDataException"/> that
    /// names where it was given: every value of <paramref name="given"/> (pairs of where, e.g. "--C 5" or "--params", and
    /// its "key=value,…" text) and every point of <paramref name="search"/> parses and is in range; every key is one
    /// <paramref name="kind"/> takes (<see cref="EstimatorOptions.KeysOf"/>), so none would be silently ignored; svr is
    /// not given the laplacian kernel; and no key is both given and searched (the search would override it).
    /// <paramref name="estimatorName"/> names the estimator in the messages.
    /// </summary>
    public static void Validate(EstimatorKind kind, string estimatorName, IReadOnlyList<(string Where, string Text)> given, string? search)
    {
        ArgumentNullException.ThrowIfNull(given);
        foreach (var (where, text) in given)
        {
            try { EstimatorOptions.Parse(text); }
            catch (FormatException e) { throw new InputDataException(null, $"{where}: {e.Message}"); }
            foreach (var key in EstimatorOptions.KeysIn(text))
                if (EstimatorOptions.NotTakenBy(kind, estimatorName, key) is { } problem) throw new InputDataException(null, $"{where}: {problem}");
        }

        var grid = Grid(search);
        foreach (var key in EstimatorOptions.KeysIn(grid[0])) // every point holds every searched key
        {
            if (EstimatorOptions.NotTakenBy(kind, estimatorName, key) is { } problem) throw new InputDataException(null, $"--search: {problem}");
            if (given.FirstOrDefault(g => EstimatorOptions.KeysIn(g.Text).Contains(key)) is { Where: { } where })
                throw new InputDataException(null, $"{EstimatorOptions.DisplayName(key)} is given ({where}) and searched (--search), and the search would override it: give one of them");
        }

        string baseText = string.Join(",", given.Select(g => g.Text));
        foreach (var point in grid)
        {
            EstimatorOptions options;
            try { options = EstimatorOptions.Parse(string.Join(",", new[] { baseText, point }.Where(t => t.Length > 0))); }
            catch (FormatException e) { throw new InputDataException(null, $"--search: {e.Message}"); }
            if (kind == EstimatorKind.Svr && options.Kernel == KernelKind.Laplacian)
                throw new InputDataException(null, $"{(point.Contains("kernel=", StringComparison.OrdinalIgnoreCase) ? "--search" : "--kernel")}: svr takes the linear, rbf and poly kernels, not laplacian (kernel-ridge takes it)");
        }
    }

    public static EstimatorOptions Options(string baseText, string point)
    {
        string text = string.Join(",", new[] { baseText, point }.Where(t => !string.IsNullOrWhiteSpace(t)));
        try { return EstimatorOptions.Parse(text); }
        catch (FormatException e) { throw new InputDataException(null, e.Message); }
    }

    public static TrainOutcome Train(TrainingSet set, TrainRequest req, int span, IProgress<double>? progress = null)
    {
        var splitter = Splitter(req.Cv, span, set.Runs.Count, req.Seed);
        var grid = Grid(req.Search);
        var log = new List<string>();
        int steps = (splitter is null ? 0 : 1) + (grid.Count > 1 ? 1 : 0) + 1 + req.Permutations;
        int done = 0;
        void Step() => progress?.Report(++done / (double)steps);

        CvResult? cv = null;
        if (splitter is not null)
        {
            cv = grid.Count == 1
                ? CrossValidation.Run(req.Kind, Options(req.Hyperparameters, grid[0]), set.X, set.Y, set.Targets, set.Samples, splitter)
                : NestedCv(set, req, grid, splitter, span, log);
            Step();
        }

        string chosenText = grid[0];
        if (grid.Count > 1)
        {
            var inner = splitter ?? new BlockedKFoldSplitter(3, span);
            chosenText = Choose(set.X, set.Y, set.Targets, set.Samples, req, grid, inner, log, $"final ({inner.Name})");
            Step();
        }
        var chosen = Options(req.Hyperparameters, chosenText);
        var model = EstimatorFactory.Fit(req.Kind, chosen, set.X, set.Y, set.Targets);
        // The interpretable map of a linear decoder, on the data it learnt from; explain reads it from the package.
        double[]? patterns = null, splitHalf = null;
        if (model.Estimator is LinearRegressor && set.X.Rows >= 2)
        {
            var raw = LinearCoefficients.Raw(model);
            patterns = EdgeImportance.HaufePatterns(set.X.Data, set.X.Rows, raw, model.TargetCount);
            if (set.X.Rows >= 8) splitHalf = EdgeImportance.SplitHalf(set.X.Data, set.X.Rows, raw, model.TargetCount).R;
        }
        Step();

        PermutationResult? perm = null;
        if (req.Permutations > 0 && splitter is not null)
        {
            perm = PermutationTest.Run(y =>
            {
                var r = CrossValidation.Run(req.Kind, chosen, set.X, y, set.Targets, set.Samples, splitter);
                Step();
                return r.Scores.Select(s => s.PearsonR).ToArray();
            }, set.Y, req.Permutations, req.Seed, set.Samples);
        }
        return new TrainOutcome(model, chosen, chosenText, splitter, cv, perm, log) { Patterns = patterns, PatternSplitHalfR = splitHalf };
    }

    private static CvResult NestedCv(TrainingSet set, TrainRequest req, IReadOnlyList<string> grid, ICrossValidationSplitter outer, int span, List<string> log)
    {
        var folds = outer.Split(set.Samples);
        var pred = new RowMajorMatrix(set.X.Rows, set.Y.Cols);
        Array.Fill(pred.Data, double.NaN);
        foreach (var f in folds)
        {
            var trainSamples = f.Train.Select(i => set.Samples[i]).ToArray();
            int runs = trainSamples.Select(s => s.Run).Distinct().Count();
            ICrossValidationSplitter inner = outer is LeaveRunOutSplitter && runs >= 2 ? new LeaveRunOutSplitter() : new BlockedKFoldSplitter(3, span);
            var xt = set.X.SelectRows(f.Train);
            var yt = set.Y.SelectRows(f.Train);
            string best = Choose(xt, yt, set.Targets, trainSamples, req, grid, inner, log, $"outer fold {f.Index} (inner {inner.Name} on {runs} run{(runs == 1 ? "" : "s")})");
            var model = EstimatorFactory.Fit(req.Kind, Options(req.Hyperparameters, best), xt, yt, set.Targets);
            foreach (int i in f.Test) model.Predict(set.X.Row(i), pred.Row(i));
        }
        // Score the nested out-of-fold predictions as CrossValidation does.
        return new CvResult("nested " + outer.Name, outer.Leaks, folds, pred, CrossValidation.Score(folds, set.Y, pred, set.Targets));
    }

    private static string Choose(RowMajorMatrix x, RowMajorMatrix y, IReadOnlyList<string> targets, IReadOnlyList<SampleWindow> samples,
        TrainRequest req, IReadOnlyList<string> grid, ICrossValidationSplitter splitter, List<string> log, string where)
    {
        string best = grid[0];
        double bestScore = double.NegativeInfinity;
        var results = CrossValidation.RunGrid(req.Kind, [.. grid.Select(point => Options(req.Hyperparameters, point))], x, y, targets, samples, splitter);
        foreach (var (point, r) in grid.Zip(results))
        {
            double score = r.Scores.Select(s => s.PearsonR).Where(double.IsFinite).DefaultIfEmpty(double.NegativeInfinity).Average();
            log.Add(string.Create(CultureInfo.InvariantCulture, $"{where}: {point} → r of pooled predictions {score:0.000}"));
            if (score > bestScore) { bestScore = score; best = point; }
        }
        log.Add($"{where}: chose {best}");
        return best;
    }

    /// <summary>
    /// The out-of-fold predictions of <paramref name="cv"/> as report folds, headlined as train's console and model.json's
    /// cv_metrics give them: by the metrics of the pooled predictions (<see cref="Headline.Pooled"/>).
    /// </summary>
    public static ModelEvaluation ToEvaluation(string name, TrainingSet set, CvResult cv) =>
        new(name, set.Targets, cv.Folds.Select(f =>
        {
            var test = f.Test.OrderBy(i => set.Samples[i].Run).ThenBy(i => set.Samples[i].LastVolume).ToArray();
            var actual = new double[test.Length, set.Y.Cols];
            var predicted = new double[test.Length, set.Y.Cols];
            for (int r = 0; r < test.Length; r++)
                for (int t = 0; t < set.Y.Cols; t++) { actual[r, t] = set.Y[test[r], t]; predicted[r, t] = cv.Predictions[test[r], t]; }
            string runs = string.Join("+", test.Select(i => set.Runs[set.Samples[i].Run]).Distinct());
            return new FoldPredictions($"fold {f.Index + 1} ({runs})", test.Select(i => set.Samples[i].LastVolume).ToArray(), actual, predicted);
        }).ToArray()) { Headline = Headline.Pooled };
}
