using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Reports;
using RealtimeDecode.Engine.Networks;

namespace RealtimeDecode.Training.Explanations;

/// <summary>Options of <see cref="ModelExplainer"/>.</summary>
public sealed record ExplainOptions
{
    /// <summary>Edges listed per target in the top-edges table.</summary>
    public int TopEdges { get; init; } = 20;

    /// <summary>Seed of the permutations (kernel models).</summary>
    public int Seed { get; init; }

    /// <summary>Default of <see cref="Repeats"/>.</summary>
    public const int DefaultRepeats = 10;

    /// <summary>Permutations per block (kernel models); their mean is the importance.</summary>
    public int Repeats { get; init; } = DefaultRepeats;

    /// <summary>Default of <see cref="EdgesPerPair"/>.</summary>
    public const int DefaultEdgesPerPair = 3;

    /// <summary>
    /// Strongest edges per network pair whose mean |importance| ranks the pairs (see
    /// <see cref="NetworkPairs.TopMeanAbsolute"/>). A few: a coupling that involves a handful of ROIs
    /// in a block of hundreds of edges is still seen, while a single outlying edge does not decide.
    /// </summary>
    public int EdgesPerPair { get; init; } = DefaultEdgesPerPair;
}

/// <summary>
/// Explains a model package per target: which features (edges or ROIs) and which network pairs the
/// decoder relies on, and the graph topology of its edge importance.
/// </summary>
/// <remarks>
/// <para><b>Importance.</b> Linear models: Haufe activation patterns Cov(X)·W_rawᵀ·Cov(ŝ)⁻¹
/// (<see cref="EdgeImportance.HaufePatterns"/>), the interpretable quantity for a decoder, on the given
/// data or else the training patterns stored in the package (<see cref="ModelPackage.Patterns"/>); without either,
/// the raw-unit coefficients W_raw = W / scale (<see cref="LinearCoefficients.Raw"/>).
/// Kernel models need data: the importance of a network pair is the drop in R² when its block of
/// edges is permuted across rows (<see cref="EdgeImportance.Permutation"/>); there is no per-edge
/// importance and no graph.</para>
/// <para><b>Graph</b> (DFC, per-edge importance): <see cref="ImportanceGraphAnalysis"/> of |importance|
/// per target, and the weighted Jaccard distance between every two targets' spanning trees.</para>
/// <para><b>Network pairs</b> (network labels needed): mean |importance| of each pair's
/// <see cref="ExplainOptions.EdgesPerPair"/> strongest edges, ranked highest first. ROI models get a mean |importance| per network instead.</para>
/// </remarks>
public static class ModelExplainer
{
    /// <summary>Explains <paramref name="package"/>.</summary>
    /// <param name="package">The model package.</param>
    /// <param name="labels">ROI names and networks, <see cref="RoiLabels.Count"/> = the package's RoiCount.</param>
    /// <param name="data">Features and targets for Haufe patterns or permutation importance, or null.</param>
    /// <param name="options">Options, or null for the defaults.</param>
    /// <exception cref="InputDataException">A kernel model without data or without network labels, or labels of the wrong size.</exception>
    public static ModelExplanation Explain(ModelPackage package, RoiLabels labels, ExplainData? data = null, ExplainOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(package);
        ArgumentNullException.ThrowIfNull(labels);
        options ??= new ExplainOptions();
        string where = package.SourcePath ?? "model package";
        var spec = package.Features;
        var model = package.Model;
        if (labels.Count != spec.RoiCount)
            throw new InputDataException(where, $"the labels list {labels.Count} ROIs but the model has {spec.RoiCount}");
        if (data is not null && data.X.Length != (long)data.Rows * model.FeatureCount)
            throw new ArgumentException($"data has {data.X.Length / Math.Max(1, data.Rows)} features per row, the model {model.FeatureCount}", nameof(data));
        var notes = new List<string>();
        bool linear = model.Estimator is LinearRegressor;
        bool dfc = spec.Settings.Kind == FeatureKind.Dfc;
        var pairs = labels.Networks is { } nets && dfc ? new NetworkPairs(nets) : null;
        if (labels.Networks is null)
            notes.Add("No network labels (pass --labels with a network column): network-level outputs are skipped.");

        int t = model.TargetCount;
        ImportanceSource source;
        double[]? importance = null;
        PermutationImportanceResult? perm = null;
        string[] blockNames = [];
        double[]? coefficients = null;
        SplitHalfPatterns? halves = null;
        double[]? splitHalfR = null;
        int patternRows = data?.Rows ?? 0;
        if (linear)
        {
            coefficients = LinearCoefficients.Raw(model);
            if (data is not null)
            {
                importance = EdgeImportance.HaufePatterns(data.X, data.Rows, coefficients, t);
                source = ImportanceSource.HaufePatterns;
                notes.Add($"Importance: Haufe activation patterns Cov(X)·Wᵀ·Cov(estimates)⁻¹ on {data.Rows} rows of the given data (each target's pattern with the other targets' estimates held fixed).");
                if (data.Rows >= 8)
                {
                    halves = EdgeImportance.SplitHalf(data.X, data.Rows, coefficients, t);
                    splitHalfR = halves.R;
                    notes.Add($"Split-half reliability: the patterns on rows 1–{data.Rows / 2} and on rows {data.Rows / 2 + 1}–{data.Rows} of the data, correlated feature by feature per target.");
                }
            }
            else if (package.Patterns is { } stored)
            {
                importance = stored;
                patternRows = package.PatternRows;
                source = ImportanceSource.HaufePatterns;
                splitHalfR = package.PatternSplitHalfR;
                notes.Add($"Importance: Haufe activation patterns Cov(X)·Wᵀ·Cov(estimates)⁻¹ on the model's {package.PatternRows} training samples, stored in the package by train (each target's pattern with the other targets' estimates held fixed); pass --data and --targets to compute them on other data.");
                if (splitHalfR is not null)
                    notes.Add("Split-half reliability (from train): the patterns on the first and on the second half of the training samples, correlated feature by feature per target.");
            }
            else
            {
                importance = coefficients;
                source = ImportanceSource.Coefficients;
                notes.Add(model.Scaler is null
                    ? "Importance: the model's coefficients (the package holds no training patterns and no data was given: pass --data and --targets for Haufe activation patterns, which are the interpretable quantity for a decoder)."
                    : "Importance: the model's coefficients divided by the scaler's scale, i.e. per raw feature unit (the package holds no training patterns and no data was given: pass --data and --targets for Haufe activation patterns, which are the interpretable quantity for a decoder).");
            }
        }
        else
        {
            if (data is null)
                throw new InputDataException(where, $"{EstimatorKinds.ToName(model.Kind)} is a kernel model without coefficients: pass --data FEATURES.tsv --targets TARGETS.tsv for permutation importance");
            if (labels.Networks is null)
                throw new InputDataException(where, "a kernel model is explained per network block: pass --labels with a network column");
            int[][] blocks;
            if (dfc)
            {
                blocks = pairs!.EdgeBlocks();
                blockNames = Enumerable.Range(0, pairs.Pairs.Count).Select(pairs.Label).ToArray();
            }
            else
            {
                var networks = labels.Networks.Distinct(StringComparer.Ordinal).ToArray();
                blocks = networks.Select(n => Enumerable.Range(0, labels.Count).Where(i => labels.Networks[i] == n).ToArray()).ToArray();
                blockNames = networks;
            }

            perm = EdgeImportance.Permutation(model, data.X, data.Y, blocks, options.Seed, options.Repeats);
            source = ImportanceSource.PermutationR2Drop;
            notes.Add($"Importance: drop in R² when a network block's features are permuted across {data.Rows} rows (seed {options.Seed}, {options.Repeats} repeat(s)); a kernel model has no per-edge importance, so graph metrics are skipped.");
            if (data.Pairing is { } pairing) notes.Add($"R² is against {pairing}.");
        }

        if (pairs is not null && importance is not null)
            notes.Add($"Network pairs are ranked by the mean |importance| of their {options.EdgesPerPair} strongest edges.");
        if (!dfc && importance is not null)
            notes.Add("ROI-feature model: importance is per ROI, there is no connectivity graph, so graph metrics are skipped.");

        int p = model.FeatureCount;
        var analysis = dfc && importance is not null ? new ImportanceGraphAnalysis(spec.RoiCount, labels.Networks) : null;
        var targets = new List<TargetExplanation>(t);
        for (int k = 0; k < t; k++)
        {
            double[]? imp = importance?.AsSpan(k * p, p).ToArray();
            ImportanceGraphResult? graph = null;
            IReadOnlyList<RankedEdge> top = [];
            IReadOnlyList<RankedNetworkPair> ranked = [];
            IReadOnlyList<KeyValuePair<string, double>> networkMeans = [];
            if (imp is not null && dfc)
            {
                graph = analysis!.Analyze(imp);
                top = TopEdges(imp, spec.RoiCount, options.TopEdges);
                if (pairs is not null) ranked = Rank(pairs, pairs.TopMeanAbsolute(imp, options.EdgesPerPair));
            }
            else if (imp is not null)
            {
                networkMeans = labels.Networks is null ? [] : MeanAbsByNetwork(labels.Networks, imp);
            }
            else if (perm is not null)
            {
                var drops = Enumerable.Range(0, perm.BlockCount).Select(b => perm.DropR2[b * t + k]).ToArray();
                if (dfc) ranked = Rank(pairs!, drops);
                else networkMeans = blockNames.Select((n, b) => new KeyValuePair<string, double>(n, drops[b])).ToArray();
            }

            (string, string)? halfPairs = null;
            double halfPairR = double.NaN;
            if (halves is not null && pairs is not null && dfc)
            {
                var s1 = pairs.TopMeanAbsolute(halves.First.AsSpan(k * p, p), options.EdgesPerPair);
                var s2 = pairs.TopMeanAbsolute(halves.Second.AsSpan(k * p, p), options.EdgesPerPair);
                string Top(double[] scores)
                {
                    var first = Rank(pairs, scores)[0];
                    return $"{first.NetworkA}–{first.NetworkB}";
                }

                halfPairs = (Top(s1), Top(s2));
                var withEdges = Enumerable.Range(0, s1.Length).Where(q => pairs.EdgesPerPair[q] > 0).ToArray();
                halfPairR = RegressionMetrics.Pearson(withEdges.Select(q => s1[q]).ToArray(), withEdges.Select(q => s2[q]).ToArray());
            }

            targets.Add(new TargetExplanation(model.Targets[k], imp, graph, top, ranked, networkMeans, perm?.BaselineR2[k] ?? double.NaN)
            {
                SplitHalfR = splitHalfR?[k] ?? double.NaN,
                SplitHalfTopPairs = halfPairs,
                SplitHalfPairR = halfPairR,
            });
        }

        double[,]? jaccard = null;
        if (targets.All(x => x.Graph is not null))
        {
            jaccard = new double[t, t];
            for (int a = 0; a < t; a++)
                for (int b = 0; b < t; b++)
                    jaccard[a, b] = a == b ? 0 : ImportanceGraphAnalysis.Jaccard(targets[a].Graph!, targets[b].Graph!);
        }

        return new ModelExplanation(spec.Settings.Kind, model.Kind, source, labels, pairs, targets, jaccard, patternRows, notes) { Coefficients = coefficients, EdgesPerPair = options.EdgesPerPair };
    }

    /// <summary>The <paramref name="count"/> edges with the largest |importance|, ties by edge index.</summary>
    public static IReadOnlyList<RankedEdge> TopEdges(ReadOnlySpan<double> edgeImportance, int roiCount, int count)
    {
        var order = Enumerable.Range(0, edgeImportance.Length).ToArray();
        var keys = new double[order.Length];
        for (int e = 0; e < keys.Length; e++) keys[e] = -Math.Abs(edgeImportance[e]);
        Array.Sort(keys, order);
        var result = new List<RankedEdge>();
        for (int r = 0; r < Math.Min(count, order.Length); r++)
        {
            var (i, j) = EdgeLayout.Endpoints(order[r], roiCount);
            result.Add(new RankedEdge(r + 1, i, j, edgeImportance[order[r]]));
        }

        return result;
    }

    private static RankedNetworkPair[] Rank(NetworkPairs pairs, double[] scores)
    {
        var order = Enumerable.Range(0, scores.Length)
            .OrderByDescending(q => double.IsNaN(scores[q]) ? double.NegativeInfinity : scores[q]).ThenBy(q => q).ToArray();
        return order.Select((q, r) => new RankedNetworkPair(r + 1, q, pairs.Networks[pairs.Pairs[q].A], pairs.Networks[pairs.Pairs[q].B], pairs.EdgesPerPair[q], scores[q])).ToArray();
    }

    private static KeyValuePair<string, double>[] MeanAbsByNetwork(IReadOnlyList<string> networks, double[] imp) =>
        GraphMetrics.MeanByLabel(networks, imp.Select(Math.Abs).ToArray()).Select(g => new KeyValuePair<string, double>(g.Label, g.Mean)).ToArray();
}
