namespace RealtimeDecode.Training.Explanations;

/// <summary>
/// Maximum spanning tree of the complete graph on R nodes whose edge weights are given as an
/// edge vector (<see cref="EdgeVector"/> layout). Every pair is an edge, zero weights included, so
/// the result always spans all R nodes (R − 1 edges).
/// </summary>
/// <remarks>
/// <para>Kruskal's algorithm: edges are taken in descending weight, ties in edge-vector (row-major)
/// order, and an edge is kept when it joins two components. This is exactly what networkx's
/// <c>maximum_spanning_tree(G, weight="weight")</c> (default algorithm "kruskal", stable sort of the
/// edges in <c>G.edges</c> order) does on the complete graph built in row-major order, so the tree
/// is the same even with tied weights (for example the many exact zeros of a lasso model). Negative
/// weights are allowed and rank below zero.</para>
/// <para>Cost: one O(E log E) sort of E = R(R−1)/2 keys plus near-linear union–find; about
/// milliseconds at R = 400. Scratch buffers are allocated once in the constructor, so an instance is
/// not thread-safe; use one per thread.</para>
/// </remarks>
public sealed class MaximumSpanningTree
{
    private readonly double[] _keys;
    private readonly int[] _order;
    private readonly int[] _rowOf;
    private readonly int[] _parent;
    private readonly int[] _size;

    /// <summary>Prepares buffers for complete graphs on <paramref name="nodeCount"/> nodes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nodeCount"/> is below 1.</exception>
    public MaximumSpanningTree(int nodeCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodeCount, 1);
        NodeCount = nodeCount;
        EdgeCount = EdgeVector.EdgeCount(nodeCount);
        _keys = new double[EdgeCount];
        _order = new int[EdgeCount];
        _rowOf = new int[EdgeCount];
        _parent = new int[nodeCount];
        _size = new int[nodeCount];
        int k = 0;
        for (int i = 0; i < nodeCount; i++)
        {
            for (int j = i + 1; j < nodeCount; j++)
            {
                _rowOf[k++] = i;
            }
        }
    }

    /// <summary>Number of nodes R.</summary>
    public int NodeCount { get; }

    /// <summary>Number of candidate edges R(R−1)/2.</summary>
    public int EdgeCount { get; }

    /// <summary>
    /// The maximum spanning tree; its <see cref="WeightedGraph.Edges"/> are in the order Kruskal
    /// accepted them (descending weight, ties row-major), each with I &lt; J.
    /// </summary>
    /// <param name="edgeWeights">R(R−1)/2 finite weights in edge-vector order.</param>
    /// <exception cref="ArgumentException">Wrong length or a NaN/infinite weight.</exception>
    public WeightedGraph Compute(ReadOnlySpan<double> edgeWeights)
    {
        if (edgeWeights.Length != EdgeCount)
        {
            throw new ArgumentException($"A {NodeCount}-node graph needs {EdgeCount} edge weights; got {edgeWeights.Length}.", nameof(edgeWeights));
        }

        for (int k = 0; k < EdgeCount; k++)
        {
            double w = edgeWeights[k];
            if (!double.IsFinite(w))
            {
                var (i, j) = EdgeVector.Endpoints(k, NodeCount);
                throw new ArgumentException($"Edge ({i}, {j}) has non-finite weight {w}.", nameof(edgeWeights));
            }

            // Negated so an ascending sort gives descending weight; -0 and +0 compare equal.
            _keys[k] = -w;
            _order[k] = k;
        }

        Array.Sort(_keys, _order);
        SortTiedRunsByIndex();

        for (int v = 0; v < NodeCount; v++)
        {
            _parent[v] = v;
            _size[v] = 1;
        }

        var tree = new WeightedEdge[NodeCount - 1];
        int accepted = 0;
        for (int n = 0; n < EdgeCount && accepted < tree.Length; n++)
        {
            int k = _order[n];
            int i = _rowOf[k];
            int j = k - RowStart(i) + i + 1;
            int ri = Find(i);
            int rj = Find(j);
            if (ri == rj)
            {
                continue;
            }

            if (_size[ri] < _size[rj])
            {
                (ri, rj) = (rj, ri);
            }

            _parent[rj] = ri;
            _size[ri] += _size[rj];
            tree[accepted++] = new WeightedEdge(i, j, edgeWeights[k]);
        }

        return new WeightedGraph(NodeCount, tree);
    }

    private int RowStart(int i) => (int)((long)i * (2L * NodeCount - i - 1) / 2);

    private void SortTiedRunsByIndex()
    {
        int start = 0;
        while (start < EdgeCount)
        {
            int end = start + 1;
            while (end < EdgeCount && _keys[end] == _keys[start])
            {
                end++;
            }

            if (end - start > 1)
            {
                Array.Sort(_order, start, end - start);
            }

            start = end;
        }
    }

    private int Find(int v)
    {
        int root = v;
        while (_parent[root] != root)
        {
            root = _parent[root];
        }

        while (_parent[v] != root)
        {
            int next = _parent[v];
            _parent[v] = root;
            v = next;
        }

        return root;
    }
}
