namespace RealtimeDecode.Training.Explanations;

/// <summary>
/// Newman's weighted modularity of a partition, as networkx's
/// <c>community.modularity(G, communities, weight="weight", resolution=1)</c>:
/// Q = Σ_c [ L_c / m − (k_c / 2m)² ], where m is the total edge weight, L_c the weight of the edges
/// inside community c and k_c the summed weighted degree of its nodes.
/// </summary>
internal static class Modularity
{
    /// <summary>Modularity of the partition that puts node v in community <c>communityOfNode[v]</c> (any non-negative labels).</summary>
    /// <returns>Q in [−1/2, 1]; NaN when the total weight is 0 (networkx divides by zero).</returns>
    /// <exception cref="ArgumentException">The label count differs from N or a label is negative.</exception>
    public static double Compute(WeightedGraph graph, ReadOnlySpan<int> communityOfNode)
    {
        ArgumentNullException.ThrowIfNull(graph);
        int n = graph.NodeCount;
        if (communityOfNode.Length != n)
        {
            throw new ArgumentException($"Got {communityOfNode.Length} community labels for {n} nodes.", nameof(communityOfNode));
        }

        int labels = 0;
        foreach (int c in communityOfNode)
        {
            if (c < 0)
            {
                throw new ArgumentException($"Community label {c} is negative.", nameof(communityOfNode));
            }

            labels = Math.Max(labels, c + 1);
        }

        var inside = new double[labels];
        var degreeSum = new double[labels];
        double total = 0;
        for (int v = 0; v < n; v++)
        {
            double d = graph.WeightedDegree(v);
            degreeSum[communityOfNode[v]] += d;
            total += d;
        }

        foreach (var e in graph.Edges)
        {
            if (communityOfNode[e.I] == communityOfNode[e.J])
            {
                inside[communityOfNode[e.I]] += e.Weight;
            }
        }

        if (total == 0)
        {
            return double.NaN;
        }

        double m = total / 2;
        double norm = 1 / (total * total);
        double q = 0;
        for (int c = 0; c < labels; c++)
        {
            q += inside[c] / m - degreeSum[c] * degreeSum[c] * norm;
        }

        return q;
    }

    /// <summary>Modularity of a partition given as lists of nodes (every node exactly once).</summary>
    /// <exception cref="ArgumentException">The lists are not a partition of the N nodes.</exception>
    public static double Compute(WeightedGraph graph, IReadOnlyList<IReadOnlyList<int>> communities)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(communities);
        return Compute(graph, MembershipOf(graph.NodeCount, communities));
    }

    /// <summary>Node → community index for a partition given as lists of nodes.</summary>
    /// <exception cref="ArgumentException">The lists are not a partition of the N nodes.</exception>
    public static int[] MembershipOf(int nodeCount, IReadOnlyList<IReadOnlyList<int>> communities)
    {
        ArgumentNullException.ThrowIfNull(communities);
        var membership = new int[nodeCount];
        membership.AsSpan().Fill(-1);
        for (int c = 0; c < communities.Count; c++)
        {
            foreach (int v in communities[c])
            {
                if ((uint)v >= (uint)nodeCount || membership[v] >= 0)
                {
                    throw new ArgumentException($"Node {v} is outside [0, {nodeCount}) or in two communities: not a partition.", nameof(communities));
                }

                membership[v] = c;
            }
        }

        int missing = Array.IndexOf(membership, -1);
        if (missing >= 0)
        {
            throw new ArgumentException($"Node {missing} is in no community: not a partition.", nameof(communities));
        }

        return membership;
    }
}
