namespace RealtimeDecode.Training.Explanations;

/// <summary>Mean tree metrics of the nodes carrying one network label (for example a Schaefer network).</summary>
/// <param name="Network">The label.</param>
/// <param name="NodeCount">How many nodes carry it.</param>
/// <param name="MeanDegree">Mean weighted degree of those nodes on the maximum spanning tree.</param>
/// <param name="MeanBetweenness">Mean normalised betweenness of those nodes on the maximum spanning tree.</param>
public sealed record NetworkSummary(string Network, int NodeCount, double MeanDegree, double MeanBetweenness);

/// <summary>
/// The graph-theoretic reading of one target's importance graph (see
/// <see cref="ImportanceGraphAnalysis"/> for the definitions). Every metric except
/// <see cref="TotalWeight"/> is computed on the maximum spanning tree <see cref="MstEdges"/>.
/// </summary>
/// <param name="NodeCount">R, the number of ROIs.</param>
/// <param name="MstEdges">The R−1 tree edges (I &lt; J, Weight = importance), in Kruskal order: descending weight, ties row-major.</param>
/// <param name="TotalWeight">Sum of the tree's weights.</param>
/// <param name="Degree">Weighted degree per node: sum of its tree edges' weights.</param>
/// <param name="Betweenness">Normalised betweenness per node on the tree (weight-independent on a tree).</param>
/// <param name="Networks">Per-network means, in order of first appearance of each label; empty without labels.</param>
/// <param name="Communities">Greedy-modularity communities of the tree, largest first, nodes ascending.</param>
/// <param name="CommunityOfNode">Node → index into <see cref="Communities"/>.</param>
/// <param name="Modularity">Weighted modularity of <see cref="Communities"/> on the tree; NaN when every weight is 0.</param>
/// <param name="GlobalEfficiency">Unweighted global efficiency of the tree (hop distances), as networkx's <c>global_efficiency</c>.</param>
/// <param name="InverseWeightEfficiency">Weighted variant: global efficiency of the tree with edge length 1/weight (<see cref="GraphMetrics.InverseWeightTreeEfficiency"/>); not a networkx function.</param>
/// <param name="Diameter">Unweighted diameter of the tree, in edges.</param>
public sealed record ImportanceGraphResult(
    int NodeCount,
    IReadOnlyList<WeightedEdge> MstEdges,
    double TotalWeight,
    IReadOnlyList<double> Degree,
    IReadOnlyList<double> Betweenness,
    IReadOnlyList<NetworkSummary> Networks,
    IReadOnlyList<IReadOnlyList<int>> Communities,
    IReadOnlyList<int> CommunityOfNode,
    double Modularity,
    double GlobalEfficiency,
    double InverseWeightEfficiency,
    int Diameter);
