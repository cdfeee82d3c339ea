using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Training.Explanations;

namespace RealtimeDecode.Training.Tests.Explanations;

public sealed class MaximumSpanningTreeTests
{
    [Fact]
    public void Compute_RandomWeightsOnFiveNodes_TotalEqualsBestOfAllSpanningTrees()
    {
        const int n = 5;
        var rng = new Random(7);
        var mst = new MaximumSpanningTree(n);
        for (int trial = 0; trial < 20; trial++)
        {
            var w = Enumerable.Range(0, EdgeLayout.EdgeCount(n)).Select(_ => rng.NextDouble() * 2 - 0.5).ToArray();

            var tree = mst.Compute(w);

            Assert.True(tree.IsTree);
            Assert.Equal(BestSpanningTreeTotal(n, w), tree.Edges.Sum(e => e.Weight), 1e-12);
        }
    }

    [Fact]
    public void Compute_TieHeavyWeights_SameEdgesAndOrderAsStableSortKruskal()
    {
        var rng = new Random(17);
        for (int trial = 0; trial < 60; trial++)
        {
            int n = rng.Next(2, 45);
            int levels = 1 + trial % 4;
            var w = Enumerable.Range(0, EdgeLayout.EdgeCount(n))
                .Select(_ => rng.NextDouble() < 0.5 ? 0.0 : rng.Next(levels) * (rng.NextDouble() < 0.5 ? 1.0 : -0.0))
                .ToArray();

            var tree = new MaximumSpanningTree(n).Compute(w);

            Assert.Equal(StableSortKruskal(n, w), tree.Edges.Select(e => (e.I, e.J)).ToArray());
        }
    }

    [Fact]
    public void Compute_AllZeroWeights_StillSpansWithRowMajorTieBreakStar()
    {
        var tree = new MaximumSpanningTree(6).Compute(new double[15]);

        Assert.True(tree.IsTree);
        Assert.Equal([(0, 1), (0, 2), (0, 3), (0, 4), (0, 5)], tree.Edges.Select(e => (e.I, e.J)).ToArray());
    }

    [Fact]
    public void Compute_OneStrongEdgeAmongZeros_KeepsItFirst()
    {
        const int n = 5;
        var w = new double[EdgeLayout.EdgeCount(n)];
        w[EdgeLayout.Index(2, 4, n)] = 3;

        var tree = new MaximumSpanningTree(n).Compute(w);

        Assert.Equal(new WeightedEdge(2, 4, 3), tree.Edges[0]);
        Assert.Equal([(0, 1), (0, 2), (0, 3)], tree.Edges.Skip(1).Select(e => (e.I, e.J)).ToArray());
    }

    [Fact]
    public void Compute_NaNWeight_ThrowsNamingTheEdge()
    {
        var w = new double[6];
        w[EdgeLayout.Index(1, 3, 4)] = double.NaN;

        var ex = Assert.Throws<ArgumentException>(() => new MaximumSpanningTree(4).Compute(w));
        Assert.Contains("(1, 3)", ex.Message);
    }

    [Fact]
    public void Compute_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => new MaximumSpanningTree(4).Compute(new double[5]));
    }

    [Fact]
    public void Compute_400Nodes_SpansWithCutProperty()
    {
        const int n = 400;
        var rng = new Random(3);
        var w = Enumerable.Range(0, EdgeLayout.EdgeCount(n)).Select(_ => rng.NextDouble()).ToArray();

        var tree = new MaximumSpanningTree(n).Compute(w);

        Assert.True(tree.IsTree);
        // Cut property on a sample of tree edges: each is the heaviest edge across the cut it defines.
        foreach (var e in tree.Edges.Where((_, k) => k % 40 == 0))
        {
            var side = SideOf(tree, e);
            double heaviest = double.NegativeInfinity;
            for (int i = 0; i < n; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    if (side[i] != side[j])
                    {
                        heaviest = Math.Max(heaviest, w[EdgeLayout.Index(i, j, n)]);
                    }
                }
            }

            Assert.Equal(heaviest, e.Weight);
        }
    }

    /// <summary>Kruskal over a stable sort by descending weight, as networkx does over row-major G.edges.</summary>
    private static (int, int)[] StableSortKruskal(int n, double[] w)
    {
        var order = Enumerable.Range(0, w.Length).OrderByDescending(k => w[k]).ToArray();
        var component = Enumerable.Range(0, n).ToArray();
        var accepted = new List<(int, int)>();
        foreach (int k in order)
        {
            var (i, j) = EdgeLayout.Endpoints(k, n);
            int ci = component[i];
            int cj = component[j];
            if (ci != cj)
            {
                accepted.Add((i, j));
                for (int v = 0; v < n; v++)
                {
                    if (component[v] == cj)
                    {
                        component[v] = ci;
                    }
                }
            }
        }

        return accepted.ToArray();
    }

    private static bool[] SideOf(WeightedGraph tree, WeightedEdge removed)
    {
        var side = new bool[tree.NodeCount];
        var stack = new Stack<int>();
        stack.Push(removed.I);
        side[removed.I] = true;
        while (stack.Count > 0)
        {
            int v = stack.Pop();
            foreach (int u in tree.Neighbours(v))
            {
                bool isRemoved = (v == removed.I && u == removed.J) || (v == removed.J && u == removed.I);
                if (!isRemoved && !side[u])
                {
                    side[u] = true;
                    stack.Push(u);
                }
            }
        }

        return side;
    }

    /// <summary>Enumerates all n^(n-2) labelled trees through Prüfer sequences.</summary>
    private static double BestSpanningTreeTotal(int n, double[] w)
    {
        double best = double.NegativeInfinity;
        var seq = new int[n - 2];
        int count = (int)Math.Pow(n, n - 2);
        for (int code = 0; code < count; code++)
        {
            int c = code;
            for (int k = 0; k < seq.Length; k++)
            {
                seq[k] = c % n;
                c /= n;
            }

            var degree = Enumerable.Repeat(1, n).ToArray();
            foreach (int s in seq)
            {
                degree[s]++;
            }

            double total = 0;
            foreach (int s in seq)
            {
                int leaf = Array.FindIndex(degree, d => d == 1);
                total += w[EdgeLayout.Index(leaf, s, n)];
                degree[leaf]--;
                degree[s]--;
            }

            int u = Array.FindIndex(degree, d => d == 1);
            int v = Array.FindLastIndex(degree, d => d == 1);
            total += w[EdgeLayout.Index(u, v, n)];
            best = Math.Max(best, total);
        }

        return best;
    }
}
