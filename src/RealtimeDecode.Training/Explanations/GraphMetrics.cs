namespace RealtimeDecode.Training.Explanations;

/// <summary>
/// Path-based node and graph metrics matching networkx 2.8/3.x definitions.
/// </summary>
internal static class GraphMetrics
{
    /// <summary>
    /// Normalised betweenness centrality of every node of a tree, equal to networkx's
    /// <c>betweenness_centrality(T, normalized=True)</c>: the number of ordered pairs (s, t),
    /// s ≠ v ≠ t, whose path passes through v, divided by (N−1)(N−2); 0 for every node when N ≤ 2.
    /// </summary>
    /// <remarks>
    /// <para>On a tree each pair has exactly one path, so betweenness does not depend on edge weights:
    /// networkx's <c>weight="weight"</c> (weights read as distances) gives the same numbers whenever
    /// every tree weight is positive. With zero-weight tree edges networkx's Dijkstra counts a settled
    /// neighbour as a second shortest path and departs from the true path count; this method returns
    /// the true count.</para>
    /// <para>Computed in O(N) from subtree sizes: removing v splits the tree into components of
    /// sizes s₁…s_k (Σ = N−1), and (N−1)² − Σ sᵢ² ordered pairs cross v.</para>
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="tree"/> is not a tree.</exception>
    public static double[] TreeBetweenness(WeightedGraph tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        RequireTree(tree);
        int n = tree.NodeCount;
        var result = new double[n];
        if (n <= 2)
        {
            return result;
        }

        var order = new int[n];
        var parent = new int[n];
        var subtree = new long[n];
        var sumSquares = new long[n];
        RootedOrder(tree, order, parent);
        for (int k = n - 1; k >= 0; k--)
        {
            int v = order[k];
            subtree[v] += 1;
            if (parent[v] >= 0)
            {
                subtree[parent[v]] += subtree[v];
                sumSquares[parent[v]] += subtree[v] * subtree[v];
            }
        }

        long others = n - 1;
        double scale = 1.0 / ((double)(n - 1) * (n - 2));
        for (int v = 0; v < n; v++)
        {
            long above = n - subtree[v];
            long crossing = others * others - sumSquares[v] - above * above;
            result[v] = crossing * scale;
        }

        return result;
    }

    /// <summary>
    /// Unweighted global efficiency, as networkx's <c>global_efficiency(G)</c>: the mean over the
    /// N(N−1) ordered pairs of distinct nodes of 1 / (shortest-path length in hops), unreachable pairs
    /// contributing 0; 0 when N &lt; 2. Edge weights are ignored.
    /// </summary>
    /// <remarks>One breadth-first search per source: O(N(N + E)), O(N²) on a tree.</remarks>
    public static double GlobalEfficiency(WeightedGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int n = graph.NodeCount;
        if (n < 2)
        {
            return 0;
        }

        var dist = new int[n];
        var queue = new int[n];
        // Pairs counted per hop distance, then Σ count(d)/d: exact integer counting, one division per distance.
        var pairsAtDistance = new long[n];
        for (int s = 0; s < n; s++)
        {
            int reached = graph.HopDistances(s, dist, queue);
            for (int k = 1; k < reached; k++)
            {
                pairsAtDistance[dist[queue[k]]]++;
            }
        }

        double sum = 0;
        for (int d = 1; d < n; d++)
        {
            sum += pairsAtDistance[d] / (double)d;
        }

        return sum / ((double)n * (n - 1));
    }

    /// <summary>
    /// Weighted global efficiency of a tree with edge length = 1 / weight (strong edges are short):
    /// the mean over the N(N−1) ordered pairs of distinct nodes of 1 / L(s, t), where L is the sum of
    /// 1/w along the unique tree path; a path through a zero-weight edge has infinite length and
    /// contributes 0; 0 when N &lt; 2. This is not what networkx's <c>global_efficiency</c> computes
    /// (it ignores weights; see <see cref="GlobalEfficiency"/>); it equals the mean of
    /// 1 / <c>nx.shortest_path_length(T, s, t, weight=lambda u, v, d: 1 / d["weight"])</c>.
    /// </summary>
    /// <remarks>O(N²): one traversal per source.</remarks>
    /// <exception cref="ArgumentException">Not a tree, or a negative weight.</exception>
    public static double InverseWeightTreeEfficiency(WeightedGraph tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        RequireTree(tree);
        int n = tree.NodeCount;
        if (tree.Edges.Any(e => e.Weight < 0))
        {
            throw new ArgumentException("Edge lengths 1/w need non-negative weights.", nameof(tree));
        }

        if (n < 2)
        {
            return 0;
        }

        var length = new double[n];
        var from = new int[n];
        var stack = new int[n];
        double sum = 0;
        for (int s = 0; s < n; s++)
        {
            length[s] = 0;
            from[s] = -1;
            stack[0] = s;
            int top = 1;
            while (top > 0)
            {
                int v = stack[--top];
                var neighbours = tree.Neighbours(v);
                var weights = tree.NeighbourWeights(v);
                for (int k = 0; k < neighbours.Length; k++)
                {
                    int w = neighbours[k];
                    if (w == from[v])
                    {
                        continue;
                    }

                    // 1/0 = +inf: everything beyond a zero-weight edge is unreachable and adds 1/inf = 0.
                    length[w] = length[v] + 1 / weights[k];
                    from[w] = v;
                    sum += 1 / length[w];
                    stack[top++] = w;
                }
            }
        }

        return sum / ((double)n * (n - 1));
    }

    /// <summary>
    /// Unweighted diameter, as networkx's <c>diameter(G)</c>: the largest hop eccentricity. On a tree
    /// two breadth-first searches suffice (O(N)); other graphs use one search per node. Edge weights
    /// are ignored.
    /// </summary>
    /// <exception cref="ArgumentException">The graph is empty or not connected (networkx raises too).</exception>
    public static int Diameter(WeightedGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int n = graph.NodeCount;
        if (n == 0)
        {
            throw new ArgumentException("The diameter of a graph with no nodes is undefined.", nameof(graph));
        }

        var dist = new int[n];
        var queue = new int[n];
        if (graph.HopDistances(0, dist, queue) != n)
        {
            throw new ArgumentException("The diameter of a disconnected graph is infinite.", nameof(graph));
        }

        if (graph.EdgeCount == n - 1)
        {
            // Connected with N-1 edges: a tree. The farthest node from any node is one end of a longest path.
            int end = queue[n - 1];
            graph.HopDistances(end, dist, queue);
            return dist[queue[n - 1]];
        }

        int diameter = 0;
        for (int s = 0; s < n; s++)
        {
            graph.HopDistances(s, dist, queue);
            diameter = Math.Max(diameter, dist[queue[n - 1]]);
        }

        return diameter;
    }

    /// <summary>
    /// Mean of <paramref name="values"/> per group of nodes sharing a label, groups in order of
    /// their first appearance in <paramref name="labels"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The label and value counts differ.</exception>
    internal static IReadOnlyList<(string Label, int Count, double Mean)> MeanByLabel(IReadOnlyList<string> labels, ReadOnlySpan<double> values)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != values.Length)
        {
            throw new ArgumentException($"Got {labels.Count} labels for {values.Length} nodes.", nameof(labels));
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new List<string>();
        var sums = new List<double>();
        var counts = new List<int>();
        for (int v = 0; v < values.Length; v++)
        {
            if (!index.TryGetValue(labels[v], out int g))
            {
                g = names.Count;
                index.Add(labels[v], g);
                names.Add(labels[v]);
                sums.Add(0);
                counts.Add(0);
            }

            sums[g] += values[v];
            counts[g]++;
        }

        var result = new (string, int, double)[names.Count];
        for (int g = 0; g < names.Count; g++)
        {
            result[g] = (names[g], counts[g], sums[g] / counts[g]);
        }

        return result;
    }

    internal static void RequireTree(WeightedGraph graph)
    {
        if (!graph.IsTree)
        {
            throw new ArgumentException(
                $"Expected a tree (connected, N-1 edges); got {graph.NodeCount} nodes and {graph.EdgeCount} edges{(graph.IsConnected ? "" : ", not connected")}.",
                nameof(graph));
        }
    }

    /// <summary>Breadth-first order from node 0 and each node's parent (−1 for the root).</summary>
    private static void RootedOrder(WeightedGraph tree, Span<int> order, Span<int> parent)
    {
        parent[0] = -1;
        order[0] = 0;
        int head = 0;
        int tail = 1;
        while (head < tail)
        {
            int v = order[head++];
            foreach (int w in tree.Neighbours(v))
            {
                if (w != parent[v])
                {
                    parent[w] = v;
                    order[tail++] = w;
                }
            }
        }
    }
}
