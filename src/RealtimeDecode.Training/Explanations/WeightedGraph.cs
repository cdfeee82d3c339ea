namespace RealtimeDecode.Training.Explanations;

/// <summary>
/// An immutable simple undirected weighted graph on nodes 0..N−1 (no self-loops, no parallel
/// edges), stored as an edge list plus a compressed adjacency in which every node's neighbours are
/// in ascending index order. Used for maximum spanning trees and for small general graphs.
/// </summary>
/// <remarks>
/// Weighted degree sums a node's incident weights in ascending neighbour order, the order networkx
/// uses for a graph whose edges were added in row-major (i &lt; j) order, so sums agree bit for bit.
/// </remarks>
public sealed class WeightedGraph
{
    private readonly WeightedEdge[] _edges;
    private readonly int[] _offsets;
    private readonly int[] _neighbours;
    private readonly double[] _neighbourWeights;

    /// <summary>Builds a graph from an edge list; each edge is stored with I &lt; J, in the given order.</summary>
    /// <exception cref="ArgumentException">An edge is a self-loop, repeats a pair, has an endpoint outside [0, N) or a non-finite weight.</exception>
    public WeightedGraph(int nodeCount, IEnumerable<WeightedEdge> edges)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodeCount);
        ArgumentNullException.ThrowIfNull(edges);
        NodeCount = nodeCount;
        var list = new List<WeightedEdge>();
        foreach (var e in edges)
        {
            if ((uint)e.I >= (uint)nodeCount || (uint)e.J >= (uint)nodeCount || e.I == e.J)
            {
                throw new ArgumentException($"Edge ({e.I}, {e.J}) is not a pair of distinct nodes of a {nodeCount}-node graph.", nameof(edges));
            }

            if (!double.IsFinite(e.Weight))
            {
                throw new ArgumentException($"Edge ({e.I}, {e.J}) has non-finite weight {e.Weight}.", nameof(edges));
            }

            list.Add(e.I < e.J ? e : new WeightedEdge(e.J, e.I, e.Weight));
        }

        _edges = list.ToArray();
        _offsets = new int[nodeCount + 1];
        foreach (var e in _edges)
        {
            _offsets[e.I + 1]++;
            _offsets[e.J + 1]++;
        }

        for (int v = 0; v < nodeCount; v++)
        {
            _offsets[v + 1] += _offsets[v];
        }

        _neighbours = new int[2 * _edges.Length];
        _neighbourWeights = new double[2 * _edges.Length];
        var fill = _offsets.AsSpan(0, nodeCount).ToArray();
        foreach (var e in _edges)
        {
            _neighbours[fill[e.I]] = e.J;
            _neighbourWeights[fill[e.I]++] = e.Weight;
            _neighbours[fill[e.J]] = e.I;
            _neighbourWeights[fill[e.J]++] = e.Weight;
        }

        for (int v = 0; v < nodeCount; v++)
        {
            int start = _offsets[v];
            int length = _offsets[v + 1] - start;
            Array.Sort(_neighbours, _neighbourWeights, start, length);
            for (int k = start + 1; k < start + length; k++)
            {
                if (_neighbours[k] == _neighbours[k - 1])
                {
                    throw new ArgumentException($"Edge ({Math.Min(v, _neighbours[k])}, {Math.Max(v, _neighbours[k])}) appears more than once.", nameof(edges));
                }
            }
        }
    }

    /// <summary>Number of nodes N.</summary>
    public int NodeCount { get; }

    /// <summary>Number of edges.</summary>
    public int EdgeCount => _edges.Length;

    /// <summary>The edges (I &lt; J) in construction order.</summary>
    public IReadOnlyList<WeightedEdge> Edges => _edges;

    /// <summary>Whether the graph is a tree: N−1 edges and connected (N ≥ 1).</summary>
    public bool IsTree => NodeCount >= 1 && _edges.Length == NodeCount - 1 && IsConnected;

    /// <summary>Whether every node can reach every other (true for N ≤ 1).</summary>
    public bool IsConnected
    {
        get
        {
            if (NodeCount <= 1)
            {
                return true;
            }

            var dist = new int[NodeCount];
            var queue = new int[NodeCount];
            return HopDistances(0, dist, queue) == NodeCount;
        }
    }

    /// <summary>Neighbours of <paramref name="node"/>, ascending.</summary>
    public ReadOnlySpan<int> Neighbours(int node) => _neighbours.AsSpan(_offsets[node], _offsets[node + 1] - _offsets[node]);

    /// <summary>Weights of the edges to <see cref="Neighbours(int)"/>, in the same order.</summary>
    public ReadOnlySpan<double> NeighbourWeights(int node) => _neighbourWeights.AsSpan(_offsets[node], _offsets[node + 1] - _offsets[node]);

    /// <summary>Sum of all edge weights (each edge once), summed as half the sum of weighted degrees like networkx's <c>G.size(weight)</c>.</summary>
    public double TotalWeight()
    {
        double s = 0;
        for (int v = 0; v < NodeCount; v++)
        {
            s += WeightedDegree(v);
        }

        return s / 2;
    }

    /// <summary>Sum of the weights of the edges incident to <paramref name="node"/>, in ascending neighbour order.</summary>
    public double WeightedDegree(int node)
    {
        double s = 0;
        foreach (double w in NeighbourWeights(node))
        {
            s += w;
        }

        return s;
    }

    /// <summary>Weighted degree of every node.</summary>
    public double[] WeightedDegrees()
    {
        var d = new double[NodeCount];
        for (int v = 0; v < NodeCount; v++)
        {
            d[v] = WeightedDegree(v);
        }

        return d;
    }

    /// <summary>
    /// Breadth-first hop distances from <paramref name="source"/> into <paramref name="distances"/>
    /// (−1 for unreachable nodes), using <paramref name="queue"/> (length ≥ N) as scratch; after the
    /// call <c>queue[0..count)</c> holds the reached nodes in BFS order.
    /// </summary>
    /// <returns>The number of nodes reached, the source included.</returns>
    public int HopDistances(int source, Span<int> distances, Span<int> queue)
    {
        distances[..NodeCount].Fill(-1);
        distances[source] = 0;
        queue[0] = source;
        int head = 0;
        int tail = 1;
        while (head < tail)
        {
            int v = queue[head++];
            int next = distances[v] + 1;
            foreach (int w in Neighbours(v))
            {
                if (distances[w] < 0)
                {
                    distances[w] = next;
                    queue[tail++] = w;
                }
            }
        }

        return tail;
    }
}
