using RealtimeDecode.Engine.Connectivity;

namespace RealtimeDecode.Engine.Networks;

/// <summary>
/// The networks of an atlas and the unordered network pairs (A ≤ B) its connectivity edges fall in,
/// with each edge's pair. Networks are numbered in order of first appearance over the ROIs; pairs
/// are listed (0,0), (0,1), …, (0,K−1), (1,1), …, (K−1,K−1).
/// </summary>
public sealed class NetworkPairs
{
    private readonly int[] _pairOfEdge;
    private readonly int[] _pairIndex;

    /// <summary>Builds the pair index for ROIs labelled <paramref name="networkOfRoi"/> (length R ≥ 2).</summary>
    public NetworkPairs(IReadOnlyList<string> networkOfRoi)
    {
        ArgumentNullException.ThrowIfNull(networkOfRoi);
        int r = networkOfRoi.Count;
        var networks = new List<string>();
        var lookup = new Dictionary<string, int>(StringComparer.Ordinal);
        NetworkOfRoi = new int[r];
        for (int i = 0; i < r; i++)
        {
            if (!lookup.TryGetValue(networkOfRoi[i], out int k))
            {
                k = networks.Count;
                lookup.Add(networkOfRoi[i], k);
                networks.Add(networkOfRoi[i]);
            }

            NetworkOfRoi[i] = k;
        }

        Networks = networks;
        int kk = networks.Count;
        _pairIndex = new int[kk * kk];
        var pairs = new List<(int A, int B)>();
        for (int a = 0; a < kk; a++)
        {
            for (int b = a; b < kk; b++)
            {
                _pairIndex[a * kk + b] = _pairIndex[b * kk + a] = pairs.Count;
                pairs.Add((a, b));
            }
        }

        Pairs = pairs;
        RoiCount = r;
        _pairOfEdge = new int[EdgeLayout.EdgeCount(r)];
        EdgesPerPair = new int[pairs.Count];
        int e = 0;
        for (int i = 0; i < r; i++)
        {
            for (int j = i + 1; j < r; j++, e++)
            {
                int p = _pairIndex[NetworkOfRoi[i] * kk + NetworkOfRoi[j]];
                _pairOfEdge[e] = p;
                EdgesPerPair[p]++;
            }
        }
    }

    /// <summary>R.</summary>
    public int RoiCount { get; }

    /// <summary>Network names, in order of first appearance.</summary>
    public IReadOnlyList<string> Networks { get; }

    /// <summary>Network index of each ROI.</summary>
    public int[] NetworkOfRoi { get; }

    /// <summary>The unordered pairs (indices into <see cref="Networks"/>, A ≤ B).</summary>
    public IReadOnlyList<(int A, int B)> Pairs { get; }

    /// <summary>Number of edges in each pair (0 for a within-network pair of a one-ROI network).</summary>
    public int[] EdgesPerPair { get; }

    /// <summary>Pair index of edge <paramref name="edge"/> (edge-vector order, see <see cref="EdgeLayout"/>).</summary>
    public int PairOfEdge(int edge) => _pairOfEdge[edge];

    /// <summary>Pair index of edge i–j's networks.</summary>
    public int PairOf(int networkA, int networkB) => _pairIndex[networkA * Networks.Count + networkB];

    /// <summary>Pair index of every edge, edge-vector order (shared, do not modify).</summary>
    internal int[] PairOfEdges => _pairOfEdge;

    /// <summary>"A–B" label of pair <paramref name="pair"/>.</summary>
    public string Label(int pair) => $"{Networks[Pairs[pair].A]}–{Networks[Pairs[pair].B]}";

    /// <summary>
    /// Mean of the <paramref name="k"/> largest |values| among the edges of each pair (all of them when the
    /// pair has fewer; NaN for a pair without edges). A pair counts as much as its strongest edges: the mean
    /// over a whole block would dilute a focal coupling in a large block and favour small blocks.
    /// </summary>
    public double[] TopMeanAbsolute(ReadOnlySpan<double> edgeValues, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (edgeValues.Length != _pairOfEdge.Length)
            throw new ArgumentException($"Expected {_pairOfEdge.Length} edge values, got {edgeValues.Length}.", nameof(edgeValues));
        var values = EdgesPerPair.Select(c => new List<double>(c)).ToArray();
        for (int e = 0; e < edgeValues.Length; e++) values[_pairOfEdge[e]].Add(Math.Abs(edgeValues[e]));
        var scores = new double[Pairs.Count];
        for (int p = 0; p < scores.Length; p++)
        {
            if (values[p].Count == 0) { scores[p] = double.NaN; continue; }
            values[p].Sort((a, b) => b.CompareTo(a));
            int n = Math.Min(k, values[p].Count);
            double sum = 0;
            for (int i = 0; i < n; i++) sum += values[p][i];
            scores[p] = sum / n;
        }
        return scores;
    }

    /// <summary>The feature (edge) indices of each pair, for block permutation.</summary>
    public int[][] EdgeBlocks()
    {
        var blocks = EdgesPerPair.Select(c => new int[c]).ToArray();
        var fill = new int[Pairs.Count];
        for (int e = 0; e < _pairOfEdge.Length; e++) blocks[_pairOfEdge[e]][fill[_pairOfEdge[e]]++] = e;
        return blocks;
    }
}
