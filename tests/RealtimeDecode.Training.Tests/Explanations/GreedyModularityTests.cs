using System.Text.Json;
using RealtimeDecode.Training.Explanations;

namespace RealtimeDecode.Training.Tests.Explanations;

public sealed class GreedyModularityTests
{
    private const string NetworkxScript = """
        import json, sys
        import networkx as nx
        from networkx.algorithms.community import greedy_modularity_communities, modularity
        out = []
        for case in json.load(sys.stdin):
            g = nx.Graph()
            g.add_nodes_from(range(case["n"]))
            for i, j, w in sorted(case["edges"]):
                g.add_edge(i, j, weight=w)
            comms = greedy_modularity_communities(g, weight="weight")
            out.append({"communities": [sorted(c) for c in comms], "q": modularity(g, comms, weight="weight")})
        json.dump(out, sys.stdout)
        """;

    [Fact]
    public void Communities_ManyRandomGraphsWithTies_SamePartitionAndOrderAsNetworkx()
    {
        var rng = new Random(2024);
        var graphs = new List<WeightedGraph>();
        for (int trial = 0; trial < 240; trial++)
        {
            int n = rng.Next(3, 36);
            graphs.Add((trial % 6) switch
            {
                0 => RandomGraph(n, 0.25, () => 1.0, rng),                       // unweighted: ties everywhere
                1 => RandomGraph(n, 0.3, rng.NextDouble, rng),                   // continuous weights
                2 => RandomGraph(n, 0.4, () => rng.Next(0, 3), rng),             // small integers with zero-weight edges
                3 => GraphMetricsTests.RandomTree(n, rng, () => 1.0),            // unit-weight trees
                4 => GraphMetricsTests.RandomTree(n, rng, () => rng.Next(1, 3)), // two-level tree weights
                _ => GraphMetricsTests.RandomTree(n, rng),                       // spanning-tree-like
            });
        }

        graphs.RemoveAll(g => g.TotalWeight() == 0);
        var payload = graphs.Select(g => new { n = g.NodeCount, edges = g.Edges.Select(e => new object[] { e.I, e.J, e.Weight }) });
        using var reference = JsonDocument.Parse(ReferencePython.Run(NetworkxScript, JsonSerializer.Serialize(payload)));
        var expected = reference.RootElement.EnumerateArray().ToArray();
        Assert.Equal(graphs.Count, expected.Length);

        for (int k = 0; k < graphs.Count; k++)
        {
            var communities = GreedyModularity.Communities(graphs[k]);
            var want = expected[k].GetProperty("communities").EnumerateArray()
                .Select(c => c.EnumerateArray().Select(x => x.GetInt32()).ToArray()).ToArray();
            Assert.True(want.Length == communities.Length && want.Zip(communities).All(p => p.First.SequenceEqual(p.Second)),
                $"graph {k} ({graphs[k].NodeCount} nodes, {graphs[k].EdgeCount} edges): networkx {Show(want)}, got {Show(communities)}");
            Assert.Equal(expected[k].GetProperty("q").GetDouble(), Modularity.Compute(graphs[k], communities), 1e-9);
        }
    }

    [Fact]
    public void Communities_TwoTrianglesJoinedByWeakEdge_SplitsIntoTriangles()
    {
        var g = new WeightedGraph(6, [
            new(0, 1, 1), new(0, 2, 1), new(1, 2, 1),
            new(3, 4, 1), new(3, 5, 1), new(4, 5, 1),
            new(2, 3, 0.1)]);

        var communities = GreedyModularity.Communities(g);

        Assert.Equal([[0, 1, 2], [3, 4, 5]], communities);
        Assert.True(Modularity.Compute(g, communities) > 0.4);
    }

    [Fact]
    public void Communities_ZeroTotalWeight_EveryNodeAlone()
    {
        var g = new WeightedGraph(3, [new(0, 1, 0), new(1, 2, 0)]);

        Assert.Equal([[0], [1], [2]], GreedyModularity.Communities(g));
    }

    [Fact]
    public void ModularityCompute_OneCommunity_IsZero()
    {
        var g = new WeightedGraph(4, [new(0, 1, 2), new(1, 2, 1), new(2, 3, 0.5)]);

        Assert.Equal(0, Modularity.Compute(g, [0, 0, 0, 0]), 1e-15);
    }

    [Fact]
    public void ModularityCompute_NotAPartition_Throws()
    {
        var g = new WeightedGraph(3, [new(0, 1, 1), new(1, 2, 1)]);

        Assert.Throws<ArgumentException>(() => Modularity.Compute(g, new[] { new[] { 0, 1 } }));
        Assert.Throws<ArgumentException>(() => Modularity.Compute(g, new[] { new[] { 0, 1 }, new[] { 1, 2 } }));
    }

    private static WeightedGraph RandomGraph(int n, double density, Func<double> weight, Random rng)
    {
        var edges = new List<WeightedEdge>();
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                if (rng.NextDouble() < density)
                {
                    edges.Add(new WeightedEdge(i, j, weight()));
                }
            }
        }

        return new WeightedGraph(n, edges);
    }

    private static string Show(int[][] partition) => string.Join(" ", partition.Select(c => "{" + string.Join(",", c) + "}"));
}
