using System.Text.Json.Serialization;
using RealtimeDecode.Engine.Decoding;

namespace RealtimeDecode.Training.Explanations;

/// <summary>
/// explain.json (format "rtdecode-explain", version 1) as records, serialised by <see cref="ExplanationJsonContext"/>:
/// properties in declaration order, snake_case names. A null property is left out, except where marked as always
/// written; an undefined number (NaN) is written as null (<see cref="FiniteOrNullJsonConverter"/>), so a metric that
/// belongs to the output but could not be computed is present as null.
/// </summary>
internal sealed record ExplanationJson(
    string Format,
    int Version,
    string FeatureKind,
    string Estimator,
    string ImportanceSource,
    int RoiCount,
    int DataRows,
    int? PairEdges,
    ExplanationArraysJson Arrays,
    IReadOnlyList<string> RoiNames,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] IReadOnlyList<string>? RoiNetworks,
    IReadOnlyList<string> Notes,
    IReadOnlyList<TargetExplanationJson> Targets,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double[][]? Jaccard)
{
    /// <summary>The format name in explain.json.</summary>
    public const string FormatName = "rtdecode-explain";

    /// <summary>The document of an explanation.</summary>
    public static ExplanationJson From(ModelExplanation e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var labels = e.Labels;
        return new ExplanationJson(
            FormatName,
            1,
            e.FeatureKind == Engine.Decoding.FeatureKind.Roi ? "roi" : "dfc",
            EstimatorKinds.ToName(e.EstimatorKind),
            ExplanationWriter.SourceName(e.Source),
            labels.Count,
            e.DataRows,
            e.Pairs is not null ? e.EdgesPerPair : null,
            new ExplanationArraysJson(
                e.Coefficients is not null ? "coefficients.npy" : null,
                e.Source == Explanations.ImportanceSource.HaufePatterns ? "patterns.npy" : null),
            labels.Names,
            labels.Networks,
            e.Notes,
            [.. e.Targets.Select(t => TargetExplanationJson.From(e, t))],
            e.Jaccard is { } j
                ? [.. Enumerable.Range(0, j.GetLength(0)).Select(a => Enumerable.Range(0, j.GetLength(1)).Select(b => j[a, b]).ToArray())]
                : null);
    }
}

/// <summary>The per-feature array files of an explanation.</summary>
internal sealed record ExplanationArraysJson(string? Coefficients, string? Patterns);

/// <summary>One target of explain.json; the graph fields are present with a graph, the tables when non-empty.</summary>
internal sealed record TargetExplanationJson(
    string Name,
    double? BaselineR2,
    SplitHalfJson? SplitHalf,
    IReadOnlyList<double[]>? MstEdges,
    IReadOnlyList<double>? Degree,
    IReadOnlyList<double>? Betweenness,
    double? Modularity,
    double? GlobalEfficiency,
    double? InverseWeightEfficiency,
    int? Diameter,
    IReadOnlyList<IReadOnlyList<int>>? Communities,
    IReadOnlyList<NetworkMeanJson>? NetworkMeans,
    IReadOnlyList<TopEdgeJson>? TopEdges,
    IReadOnlyList<NetworkPairJson>? NetworkPairs,
    [property: JsonPropertyName("network_r2_drop")] Dictionary<string, double>? NetworkR2Drop,
    Dictionary<string, double>? NetworkMeanAbsImportance,
    IReadOnlyList<double>? RoiImportance)
{
    public static TargetExplanationJson From(ModelExplanation e, TargetExplanation t)
    {
        var names = e.Labels.Names;
        var nets = e.Labels.Networks;
        var g = t.Graph;
        Dictionary<string, double>? means = t.NetworkMeans.Count > 0 ? t.NetworkMeans.ToDictionary(StringComparer.Ordinal) : null;
        bool drop = e.Source == ImportanceSource.PermutationR2Drop;
        return new TargetExplanationJson(
            t.Name,
            double.IsFinite(t.BaselineR2) ? t.BaselineR2 : null,
            double.IsFinite(t.SplitHalfR) || t.SplitHalfTopPairs is not null
                ? new SplitHalfJson(t.SplitHalfR, double.IsFinite(t.SplitHalfPairR) ? t.SplitHalfPairR : null, t.SplitHalfTopPairs?.FirstHalf, t.SplitHalfTopPairs?.SecondHalf)
                : null,
            // An edge is the triple [i, j, weight]; integral doubles are written without a fraction, as integers are.
            g?.MstEdges.Select(edge => new double[] { edge.I, edge.J, edge.Weight }).ToList(),
            g?.Degree,
            g?.Betweenness,
            g?.Modularity,
            g?.GlobalEfficiency,
            g?.InverseWeightEfficiency,
            g?.Diameter,
            g?.Communities,
            g?.Networks.Select(n => new NetworkMeanJson(n.Network, n.NodeCount, n.MeanDegree, n.MeanBetweenness)).ToList(),
            t.TopEdges.Count > 0
                ? [.. t.TopEdges.Select(te => new TopEdgeJson(te.Rank, te.RoiA, te.RoiB, names[te.RoiA], names[te.RoiB], nets?[te.RoiA], nets?[te.RoiB], te.Importance))]
                : null,
            t.NetworkPairs.Count > 0
                ? [.. t.NetworkPairs.Select(np => new NetworkPairJson(np.Rank, np.NetworkA, np.NetworkB, np.Edges, np.Score))]
                : null,
            drop ? means : null,
            drop ? null : means,
            e.FeatureKind == FeatureKind.Roi ? t.Importance : null);
    }
}

/// <summary>Split-half reliability of a target's importance.</summary>
internal sealed record SplitHalfJson(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double PatternR,
    double? PairScoreR,
    string? TopPairFirstHalf,
    string? TopPairSecondHalf);

/// <summary>Mean tree metrics of one network's ROIs.</summary>
internal sealed record NetworkMeanJson(string Network, int Rois, double MeanDegree, double MeanBetweenness);

/// <summary>One ranked edge, with its ROIs' names and (when known) networks.</summary>
internal sealed record TopEdgeJson(int Rank, int RoiA, int RoiB, string NameA, string NameB, string? NetworkA, string? NetworkB, double Importance);

/// <summary>One ranked network pair.</summary>
internal sealed record NetworkPairJson(int Rank, string NetworkA, string NetworkB, int Edges, double Score);

/// <summary>Source-generated serialisation of explain.json.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(FiniteOrNullJsonConverter)])]
[JsonSerializable(typeof(ExplanationJson))]
internal sealed partial class ExplanationJsonContext : JsonSerializerContext;
