namespace RealtimeDecode.Training.Explanations;

/// <summary>
/// Clauset–Newman–Moore greedy modularity maximisation, reproducing networkx's
/// <c>community.greedy_modularity_communities(G, weight="weight")</c> (resolution 1, cutoff 1,
/// best_n None) partition and community order exactly, ties included.
/// </summary>
/// <remarks>
/// <para>Every node starts alone; a community's id is its largest node. Each step merges the pair of
/// adjacent communities (u, v), u &lt; v, with the largest modularity gain ΔQ; ties go to the
/// smallest u, then the smallest v (networkx's heaps order entries by (−ΔQ, u, v)). Community u is
/// merged into v. Merging stops when the best ΔQ is negative (a ΔQ of exactly 0 still merges) or no
/// adjacent pair remains. Only communities joined by an edge are candidates, so zero-weight edges
/// count as adjacency.</para>
/// <para>Arithmetic follows networkx operation by operation (m = Σ weighted degree / 2,
/// aᵢ = kᵢ·(1/m)·0.5, ΔQ_uv = w_uv/m − 2aᵤa_v, CNM update rules), so exact ties are broken the same
/// way. The result is sorted by size, largest first, equal sizes by ascending largest node (the order
/// of networkx's stable sort over its community dictionary); nodes ascending within each.</para>
/// <para>Cost: each merge scans all adjacent community pairs; on a tree that is O(N) per merge,
/// O(N²) overall.</para>
/// <para>When the total weight is 0 modularity is undefined (networkx raises); every node is then
/// returned as its own community.</para>
/// </remarks>
internal static class GreedyModularity
{
    /// <summary>The communities found, largest first; see the class remarks for the exact order.</summary>
    public static int[][] Communities(WeightedGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int n = graph.NodeCount;
        var degree = graph.WeightedDegrees();
        double total = 0;
        foreach (double d in degree)
        {
            total += d;
        }

        var members = new List<int>?[n];
        for (int v = 0; v < n; v++)
        {
            members[v] = [v];
        }

        if (total == 0)
        {
            return Sorted(members);
        }

        double m = total / 2;
        double q0 = 1 / m;
        var a = new double[n];
        for (int v = 0; v < n; v++)
        {
            a[v] = degree[v] * q0 * 0.5;
        }

        var dq = new Dictionary<int, double>[n];
        for (int u = 0; u < n; u++)
        {
            var neighbours = graph.Neighbours(u);
            var weights = graph.NeighbourWeights(u);
            var row = new Dictionary<int, double>(neighbours.Length);
            for (int k = 0; k < neighbours.Length; k++)
            {
                int v = neighbours[k];
                row[v] = q0 * weights[k] - (a[u] * a[v] + a[u] * a[v]);
            }

            dq[u] = row;
        }

        var updates = new List<(int W, double Dq)>();
        while (true)
        {
            int bu = -1;
            int bv = -1;
            double best = double.NegativeInfinity;
            for (int u = 0; u < n; u++)
            {
                foreach (var (v, d) in dq[u])
                {
                    // Rows are scanned by ascending u, so among equal gains only a smaller v can win.
                    if (v > u && (d > best || (d == best && u == bu && v < bv)))
                    {
                        best = d;
                        bu = u;
                        bv = v;
                    }
                }
            }

            if (bu < 0 || best < 0)
            {
                break;
            }

            Merge(bu, bv, dq, a, updates);
            members[bv]!.AddRange(members[bu]!);
            members[bu] = null;
        }

        return Sorted(members);
    }

    /// <summary>Node → index into <see cref="Communities"/>' result.</summary>
    public static int[] Membership(int nodeCount, int[][] communities)
    {
        ArgumentNullException.ThrowIfNull(communities);
        return Modularity.MembershipOf(nodeCount, communities);
    }

    private static void Merge(int u, int v, Dictionary<int, double>[] dq, double[] a, List<(int W, double Dq)> updates)
    {
        var du = dq[u];
        var dv = dq[v];
        updates.Clear();
        foreach (var (w, x) in du)
        {
            if (w == v)
            {
                continue;
            }

            updates.Add(dv.TryGetValue(w, out double y)
                ? (w, y + x)
                : (w, x - (a[v] * a[w] + a[w] * a[v])));
        }

        foreach (var (w, y) in dv)
        {
            if (w != u && !du.ContainsKey(w))
            {
                updates.Add((w, y - (a[u] * a[w] + a[w] * a[u])));
            }
        }

        foreach (var (w, value) in updates)
        {
            dv[w] = value;
            dq[w][v] = value;
        }

        foreach (var w in du.Keys)
        {
            dq[w].Remove(u);
        }

        du.Clear();
        a[v] += a[u];
        a[u] = 0;
    }

    private static int[][] Sorted(List<int>?[] members)
    {
        // Ascending id, then a stable sort by size (descending), as networkx sorts its dict values.
        return members
            .Where(c => c is not null)
            .Select(c => { var arr = c!.ToArray(); Array.Sort(arr); return arr; })
            .OrderByDescending(c => c.Length)
            .ToArray();
    }
}
