using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Training.Explanations;

namespace RealtimeDecode.Training.Tests.Explanations;

/// <summary>Every metric against networkx 2.8.8 on the fixtures written by make_graph_golden.py.</summary>
public sealed class GraphGoldenTests
{
    private const double Tol = 1e-9;

    public static IEnumerable<object[]> Cases => GraphGoldenCase.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void MaximumSpanningTree_GoldenCase_SameEdgesOrderAndTotalAsNetworkx(string name)
    {
        var c = GraphGoldenCase.Get(name);
        var tree = new MaximumSpanningTree(c.N).Compute(c.AbsWeights);

        Assert.Equal(c.N - 1, tree.EdgeCount);
        Assert.Equal(c.MstKruskalOrder, tree.Edges.Select(e => (e.I, e.J)).ToArray());
        var sorted = tree.Edges.OrderBy(e => e.I).ThenBy(e => e.J).ToArray();
        for (int k = 0; k < sorted.Length; k++)
        {
            Assert.Equal((c.MstEdges[k].I, c.MstEdges[k].J), (sorted[k].I, sorted[k].J));
            Assert.Equal(c.MstEdges[k].W, sorted[k].Weight, Tol);
        }

        Assert.Equal(c.MstTotalWeight, tree.TotalWeight(), Tol);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ImportanceGraphAnalysis_GoldenCase_MatchesNetworkxMetrics(string name)
    {
        var c = GraphGoldenCase.Get(name);
        var r = new ImportanceGraphAnalysis(c.N, c.Labels).Analyze(c.Coefficients);

        Assert.Equal(c.MstTotalWeight, r.TotalWeight, Tol);
        AssertClose(c.Degree, r.Degree);
        AssertClose(c.Betweenness, r.Betweenness);
        Assert.Equal(c.Networks.Length, r.Networks.Count);
        for (int g = 0; g < c.Networks.Length; g++)
        {
            Assert.Equal(c.Networks[g].Network, r.Networks[g].Network);
            Assert.Equal(c.Networks[g].Count, r.Networks[g].NodeCount);
            Assert.Equal(c.Networks[g].MeanDegree, r.Networks[g].MeanDegree, Tol);
            Assert.Equal(c.Networks[g].MeanBetweenness, r.Networks[g].MeanBetweenness, Tol);
        }

        Assert.Equal(c.GlobalEfficiency, r.GlobalEfficiency, Tol);
        Assert.Equal(c.InverseWeightEfficiency, r.InverseWeightEfficiency, Tol);
        Assert.Equal(c.Diameter, r.Diameter);
        Assert.NotNull(c.TreeGreedyCommunities);
        Assert.Equal(c.TreeGreedyCommunities, r.Communities.Select(x => x.ToArray()).ToArray());
        Assert.Equal(c.TreeGreedyModularity, r.Modularity, Tol);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Modularity_GivenPartitionOnTree_MatchesNetworkx(string name)
    {
        var c = GraphGoldenCase.Get(name);
        var tree = new MaximumSpanningTree(c.N).Compute(c.AbsWeights);

        Assert.Equal(c.TreeModularityGiven, Modularity.Compute(tree, c.GivenPartition), Tol);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Jaccard_GoldenCase_MatchesReferenceDistance(string name)
    {
        var c = GraphGoldenCase.Get(name);
        var analysis = new ImportanceGraphAnalysis(c.N);

        double d = ImportanceGraphAnalysis.Jaccard(analysis.Analyze(c.Coefficients), analysis.Analyze(c.CoefficientsB));

        Assert.Equal(c.JaccardDistanceAB, d, Tol);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GreedyModularity_NonzeroGeneralGraph_SamePartitionAsNetworkx(string name)
    {
        var c = GraphGoldenCase.Get(name);
        var graph = NonzeroGraph(c);
        Assert.NotNull(c.GraphGreedyCommunities);

        var communities = GreedyModularity.Communities(graph);

        Assert.Equal(c.GraphGreedyCommunities, communities);
        Assert.Equal(c.GraphGreedyModularity, Modularity.Compute(graph, communities), Tol);
        Assert.Equal(c.GraphModularityGiven, Modularity.Compute(graph, c.GivenPartition), Tol);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GraphMetrics_NonzeroGeneralGraph_EfficiencyAndDiameterMatchNetworkx(string name)
    {
        var c = GraphGoldenCase.Get(name);
        var graph = NonzeroGraph(c);

        Assert.Equal(c.GraphGlobalEfficiency, GraphMetrics.GlobalEfficiency(graph), Tol);
        if (c.GraphDiameter is int diameter)
        {
            Assert.Equal(diameter, GraphMetrics.Diameter(graph));
        }
        else
        {
            Assert.Throws<ArgumentException>(() => GraphMetrics.Diameter(graph));
        }
    }

    private static WeightedGraph NonzeroGraph(GraphGoldenCase c)
    {
        var w = c.AbsWeights;
        var edges = new List<WeightedEdge>();
        for (int k = 0; k < w.Length; k++)
        {
            if (w[k] != 0)
            {
                var (i, j) = EdgeLayout.Endpoints(k, c.N);
                edges.Add(new WeightedEdge(i, j, w[k]));
            }
        }

        return new WeightedGraph(c.N, edges);
    }

    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int k = 0; k < expected.Count; k++)
        {
            Assert.True(Math.Abs(expected[k] - actual[k]) <= Tol, $"index {k}: expected {expected[k]:R}, got {actual[k]:R}");
        }
    }
}
