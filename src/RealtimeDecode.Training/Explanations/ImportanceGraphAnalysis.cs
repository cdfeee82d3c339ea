using RealtimeDecode.Engine.Connectivity;

namespace RealtimeDecode.Training.Explanations;

/// <summary>
/// Maps one target's model coefficients onto the ROI graph and reads its topology, following the
/// published analysis (networkx on the maximum spanning tree of the importance graph).
/// </summary>
/// <remarks>
/// <para><b>Input.</b> R(R−1)/2 coefficients in edge-vector order (upper triangle i &lt; j,
/// row-major; see <see cref="EdgeLayout"/>), one per connectivity feature.</para>
/// <para><b>Importance graph.</b> The complete graph on the R ROIs; edge (i, j) weighs
/// |coefficient(i, j)|, the magnitude of the decoder's use of that connection whatever its sign.
/// Every pair is an edge, zero weights included, so the tree below always spans all R ROIs even for a
/// sparse (lasso) model.</para>
/// <para><b>Tree.</b> Its maximum spanning tree (<see cref="MaximumSpanningTree"/>, identical to
/// networkx's Kruskal tree including tie-breaking). All metrics are computed on this tree:</para>
/// <list type="bullet">
/// <item>Degree: weighted degree, Σ of incident tree weights.</item>
/// <item>Betweenness: networkx-normalised betweenness (÷ (R−1)(R−2)); on a tree paths are unique,
/// so reading weights as distances (networkx <c>weight=</c>) or ignoring them gives the same value
/// (<see cref="GraphMetrics.TreeBetweenness"/>).</item>
/// <item>Networks: mean degree and betweenness per label, when labels are given.</item>
/// <item>Communities and Modularity: CNM greedy modularity with tree weights
/// (<see cref="GreedyModularity"/>) and the weighted modularity of that partition. Communities are
/// found on the tree, not on the dense graph, as in the published analysis. A ROI whose tree edges
/// all weigh 0 (sparse models) has merge gain exactly 0 and, as in networkx, joins a neighbouring
/// community.</item>
/// <item>GlobalEfficiency and Diameter: unweighted (hop counts), as networkx's
/// <c>global_efficiency</c> and <c>diameter</c>; InverseWeightEfficiency is the documented weighted
/// variant with edge length 1/weight.</item>
/// </list>
/// <para>Targets are compared with <see cref="Jaccard"/>. Cost at R = 400: a few milliseconds per
/// target. The instance holds scratch buffers and is not thread-safe.</para>
/// </remarks>
internal sealed class ImportanceGraphAnalysis
{
    private readonly MaximumSpanningTree _mst;
    private readonly double[] _weights;
    private readonly string[]? _labels;

    /// <summary>Prepares an analysis of <paramref name="nodeCount"/>-ROI importance graphs.</summary>
    /// <param name="nodeCount">R ≥ 2.</param>
    /// <param name="networkLabels">Optional network name per ROI (length R) for per-network means.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nodeCount"/> is below 2.</exception>
    /// <exception cref="ArgumentException">The label count differs from R or a label is null.</exception>
    public ImportanceGraphAnalysis(int nodeCount, IReadOnlyList<string>? networkLabels = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodeCount, 2);
        if (networkLabels is not null)
        {
            if (networkLabels.Count != nodeCount)
            {
                throw new ArgumentException($"Got {networkLabels.Count} network labels for {nodeCount} ROIs.", nameof(networkLabels));
            }

            if (networkLabels.Any(l => l is null))
            {
                throw new ArgumentException("A network label is null.", nameof(networkLabels));
            }

            _labels = networkLabels.ToArray();
        }

        _mst = new MaximumSpanningTree(nodeCount);
        _weights = new double[_mst.EdgeCount];
    }

    /// <summary>R.</summary>
    public int NodeCount => _mst.NodeCount;

    /// <summary>R(R−1)/2, the expected coefficient count.</summary>
    public int EdgeCount => _mst.EdgeCount;

    /// <summary>Analyses one target's coefficients.</summary>
    /// <exception cref="ArgumentException">The coefficient count is not R(R−1)/2, or a coefficient is NaN or infinite.</exception>
    public ImportanceGraphResult Analyze(ReadOnlySpan<double> coefficients)
    {
        if (coefficients.Length != EdgeCount)
        {
            throw new ArgumentException(
                $"Expected {EdgeCount} coefficients (upper triangle of {NodeCount}x{NodeCount}); got {coefficients.Length}.",
                nameof(coefficients));
        }

        for (int k = 0; k < coefficients.Length; k++)
        {
            _weights[k] = Math.Abs(coefficients[k]);
        }

        var tree = _mst.Compute(_weights);
        return AnalyzeTree(tree);
    }

    /// <summary>
    /// Weighted Jaccard distance between two results' trees,
    /// 1 − Σ min(w_a, w_b) / Σ max(w_a, w_b) over the union of their edges (a missing edge weighs 0);
    /// see <see cref="WeightedJaccard"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The results have different node counts.</exception>
    public static double Jaccard(ImportanceGraphResult a, ImportanceGraphResult b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.NodeCount != b.NodeCount)
        {
            throw new ArgumentException($"Cannot compare trees on {a.NodeCount} and {b.NodeCount} nodes.", nameof(b));
        }

        return WeightedJaccard.Distance(a.MstEdges, b.MstEdges);
    }

    private ImportanceGraphResult AnalyzeTree(WeightedGraph tree)
    {
        var degree = tree.WeightedDegrees();
        var betweenness = GraphMetrics.TreeBetweenness(tree);
        var networks = new List<NetworkSummary>();
        if (_labels is not null)
        {
            var meanDegree = GraphMetrics.MeanByLabel(_labels, degree);
            var meanBetweenness = GraphMetrics.MeanByLabel(_labels, betweenness);
            for (int g = 0; g < meanDegree.Count; g++)
            {
                networks.Add(new NetworkSummary(meanDegree[g].Label, meanDegree[g].Count, meanDegree[g].Mean, meanBetweenness[g].Mean));
            }
        }

        var communities = GreedyModularity.Communities(tree);
        var membership = GreedyModularity.Membership(tree.NodeCount, communities);
        return new ImportanceGraphResult(
            NodeCount: tree.NodeCount,
            MstEdges: tree.Edges,
            TotalWeight: tree.TotalWeight(),
            Degree: degree,
            Betweenness: betweenness,
            Networks: networks,
            Communities: communities,
            CommunityOfNode: membership,
            Modularity: Modularity.Compute(tree, membership),
            GlobalEfficiency: GraphMetrics.GlobalEfficiency(tree),
            InverseWeightEfficiency: GraphMetrics.InverseWeightTreeEfficiency(tree),
            Diameter: GraphMetrics.Diameter(tree));
    }
}
