using RealtimeDecode.Training.Explanations;

namespace RealtimeDecode.Training.Tests.Explanations;

public sealed class GraphMetricsTests
{
    [Fact]
    public void TreeBetweenness_RandomTrees_EqualsBruteForcePathCount()
    {
        var rng = new Random(11);
        for (int trial = 0; trial < 10; trial++)
        {
            int n = rng.Next(3, 40);
            var tree = RandomTree(n, rng);

            var fast = GraphMetrics.TreeBetweenness(tree);

            var brute = BruteForceBetweenness(tree);
            for (int v = 0; v < n; v++)
            {
                Assert.Equal(brute[v], fast[v], 1e-12);
            }
        }
    }

    [Fact]
    public void TreeBetweenness_Star_CentreIsOneLeavesZero()
    {
        var star = new WeightedGraph(5, Enumerable.Range(1, 4).Select(v => new WeightedEdge(0, v, 0.1 * v)));

        var b = GraphMetrics.TreeBetweenness(star);

        Assert.Equal([1.0, 0, 0, 0, 0], b);
    }

    [Fact]
    public void TreeBetweenness_NotATree_Throws()
    {
        var cycle = new WeightedGraph(3, [new(0, 1, 1), new(1, 2, 1), new(0, 2, 1)]);

        Assert.Throws<ArgumentException>(() => GraphMetrics.TreeBetweenness(cycle));
    }

    [Fact]
    public void Diameter_PathAndStar_HopCounts()
    {
        var path = new WeightedGraph(6, Enumerable.Range(0, 5).Select(v => new WeightedEdge(v, v + 1, 9)));
        var star = new WeightedGraph(6, Enumerable.Range(1, 5).Select(v => new WeightedEdge(0, v, 9)));

        Assert.Equal(5, GraphMetrics.Diameter(path));
        Assert.Equal(2, GraphMetrics.Diameter(star));
    }

    [Fact]
    public void Diameter_Disconnected_Throws()
    {
        var g = new WeightedGraph(4, [new(0, 1, 1), new(2, 3, 1)]);

        Assert.Throws<ArgumentException>(() => GraphMetrics.Diameter(g));
    }

    [Fact]
    public void GlobalEfficiency_Star_MatchesClosedForm()
    {
        const int n = 8;
        var star = new WeightedGraph(n, Enumerable.Range(1, n - 1).Select(v => new WeightedEdge(0, v, 5)));
        // 2(n-1) ordered pairs at distance 1, (n-1)(n-2) ordered leaf pairs at distance 2.
        double expected = (2.0 * (n - 1) + (n - 1) * (n - 2) / 2.0) / (n * (n - 1.0));

        Assert.Equal(expected, GraphMetrics.GlobalEfficiency(star), 1e-15);
    }

    [Fact]
    public void WeightedGraph_DuplicatePair_Throws()
    {
        Assert.Throws<ArgumentException>(() => new WeightedGraph(3, [new(0, 1, 1), new(1, 0, 2)]));
    }

    internal static WeightedGraph RandomTree(int n, Random rng, Func<double>? weight = null)
    {
        var edges = new List<WeightedEdge>();
        for (int v = 1; v < n; v++)
        {
            int u = rng.Next(v);
            edges.Add(new WeightedEdge(u, v, weight?.Invoke() ?? rng.NextDouble()));
        }

        return new WeightedGraph(n, edges);
    }

    private static double[] BruteForceBetweenness(WeightedGraph tree)
    {
        int n = tree.NodeCount;
        var result = new double[n];
        var dist = new int[n];
        var queue = new int[n];
        var parent = new int[n];
        for (int s = 0; s < n; s++)
        {
            tree.HopDistances(s, dist, queue);
            for (int k = 1; k < n; k++)
            {
                int w = queue[k];
                foreach (int p in tree.Neighbours(w))
                {
                    if (dist[p] == dist[w] - 1)
                    {
                        parent[w] = p;
                    }
                }
            }

            for (int t = 0; t < n; t++)
            {
                if (t == s)
                {
                    continue;
                }

                for (int v = parent[t]; v != s; v = parent[v])
                {
                    result[v] += 1;
                }
            }
        }

        for (int v = 0; v < n; v++)
        {
            result[v] /= (n - 1.0) * (n - 2.0);
        }

        return result;
    }
}
