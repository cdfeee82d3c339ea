using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Networks;

namespace RealtimeDecode.Training.Explanations;

/// <summary>Which quantity the explanation's importances are.</summary>
public enum ImportanceSource
{
    /// <summary>Linear coefficients in raw feature units (w / scale).</summary>
    Coefficients,

    /// <summary>Haufe activation patterns Cov(X)·Wᵀ·Cov(ŝ)⁻¹ on the given data or the training data.</summary>
    HaufePatterns,

    /// <summary>Drop in R² when one network pair's block of features is permuted (kernel models).</summary>
    PermutationR2Drop,
}

/// <summary>One ranked edge of a target's importance.</summary>
/// <param name="Rank">1-based rank by |importance|.</param>
/// <param name="RoiA">Smaller 0-based ROI index.</param>
/// <param name="RoiB">Larger 0-based ROI index.</param>
/// <param name="Importance">Signed importance.</param>
public sealed record RankedEdge(int Rank, int RoiA, int RoiB, double Importance);

/// <summary>One network pair's score for a target.</summary>
/// <param name="Rank">1-based rank, highest score first (NaN scores last).</param>
/// <param name="Pair">Index into <see cref="NetworkPairs.Pairs"/>.</param>
/// <param name="NetworkA">First network.</param>
/// <param name="NetworkB">Second network (equal to A for within-network edges).</param>
/// <param name="Edges">Number of features in the pair's block.</param>
/// <param name="Score">Mean |importance| of the pair's strongest edges (<see cref="ModelExplanation.EdgesPerPair"/>), or the permutation R² drop.</param>
public sealed record RankedNetworkPair(int Rank, int Pair, string NetworkA, string NetworkB, int Edges, double Score);

/// <summary>The explanation of one target.</summary>
/// <param name="Name">Target name.</param>
/// <param name="Importance">Signed importance per feature (edge-vector order for DFC, per ROI for ROI models); null for permutation importance.</param>
/// <param name="Graph">Graph analysis of |importance| (DFC models with per-edge importance), else null.</param>
/// <param name="TopEdges">Edges with the largest |importance| (DFC, per-edge importance).</param>
/// <param name="NetworkPairs">Network pairs ranked by score (empty without networks or for ROI models).</param>
/// <param name="NetworkMeans">Mean |importance| per network over ROIs (ROI models), else empty; keys in network order.</param>
/// <param name="BaselineR2">R² of the model on the data (permutation importance), else NaN.</param>
public sealed record TargetExplanation(
    string Name,
    double[]? Importance,
    ImportanceGraphResult? Graph,
    IReadOnlyList<RankedEdge> TopEdges,
    IReadOnlyList<RankedNetworkPair> NetworkPairs,
    IReadOnlyList<KeyValuePair<string, double>> NetworkMeans,
    double BaselineR2)
{
    /// <summary>Split-half reliability of the Haufe patterns (Pearson r between halves of the data), or NaN when not computed.</summary>
    public double SplitHalfR { get; init; } = double.NaN;

    /// <summary>With data and network labels: the top-ranked network pair on each half of the data ("A–B"), else null.</summary>
    public (string FirstHalf, string SecondHalf)? SplitHalfTopPairs { get; init; }

    /// <summary>With data and network labels: Pearson r between the network-pair scores of the two halves of the data, else NaN.</summary>
    public double SplitHalfPairR { get; init; } = double.NaN;
}

/// <summary>The explanation of a model package (<see cref="ModelExplainer"/>).</summary>
/// <param name="FeatureKind">ROI or DFC features.</param>
/// <param name="EstimatorKind">The estimator.</param>
/// <param name="Source">What the importances are.</param>
/// <param name="Labels">ROI names and networks.</param>
/// <param name="Pairs">Network pairs, or null without network labels.</param>
/// <param name="Targets">Per target, in the package's order.</param>
/// <param name="Jaccard">Weighted Jaccard distance between targets' spanning trees [T × T], or null without graphs.</param>
/// <param name="DataRows">Rows of data the importances were computed on (given data or, for stored patterns, the training samples); 0 for coefficients.</param>
/// <param name="Notes">What was skipped and why, in plain sentences.</param>
public sealed record ModelExplanation(
    FeatureKind FeatureKind,
    EstimatorKind EstimatorKind,
    ImportanceSource Source,
    RoiLabels Labels,
    NetworkPairs? Pairs,
    IReadOnlyList<TargetExplanation> Targets,
    double[,]? Jaccard,
    int DataRows,
    IReadOnlyList<string> Notes)
{
    /// <summary>A linear model's coefficients in raw feature units, row-major [targets × features], else null.</summary>
    public double[]? Coefficients { get; init; }

    /// <summary>Strongest edges per network pair whose mean |importance| is the pair's score.</summary>
    public int EdgesPerPair { get; init; } = ExplainOptions.DefaultEdgesPerPair;
}
