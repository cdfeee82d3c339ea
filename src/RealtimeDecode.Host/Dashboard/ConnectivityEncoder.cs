using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Networks;

namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// Turns one window's edges into a <see cref="ConnectivityMessage"/>: the matrix quantised to signed
/// bytes (averaged down to at most <c>maxMatrixSize</c> ROIs), and for linear models the contribution
/// of each network pair to each estimate. All index tables are built once in the constructor; per
/// window the work is one pass over the edges for the matrix and one SIMD dot product per target and
/// network pair for the contributions.
/// <para>Numeric contract. Input: R(R−1)/2 edges in the model's ROI order, i &lt; j row-major
/// (0-1, 0-2, …, 1-2, …). Quantisation: q = round(127 · clamp(v / scale, −1, 1)), so the page decodes
/// v ≈ q / 127 · scale. Scale: the fixed scale when one is given (use it for Fisher-z edges, whose range
/// is unbounded, e.g. 1.5), else max |edge| of the window (correlations: the colours span the window's
/// own range; 1 when every edge is 0). NaN edges are sent as 0. Downsampling: ROIs are taken in
/// <c>roiOrder</c> (network order) and split into M consecutive blocks of ⌊R/M⌋ or ⌈R/M⌉ ROIs; a block
/// pair's value is the mean of the finite edges between them; the message is then in block order.
/// Contributions (<see cref="NetworkContributions"/>): for target t and network pair (a, b),
/// Σ w_raw[t, e] · (edge[e] − mean[e]) over the edges e between a and b, with the scaler folded into the
/// weights and mean the scaler's training mean, so the pairs sum to the estimate minus the intercept and
/// a block that sits at its training average contributes nothing; NaN edges count as at the mean.</para>
/// </summary>
internal sealed class ConnectivityEncoder
{
    private readonly int _rois;
    private readonly int _edges;
    private readonly int _size; // ROIs (or blocks) in the message
    private readonly double? _fixedScale;
    private readonly int[]? _blockEdge; // edge -> block-pair index in the message, -1 within a block
    private readonly double[]? _blockSum;
    private readonly int[]? _blockCount;
    private readonly double[] _matrix; // values in the message's order (edges or block pairs)
    private readonly MatrixBytesPool _bytes;

    private readonly NetworkContributions? _contributions;

    /// <param name="roiCount">R, the ROIs of the model.</param>
    /// <param name="roiOrder">ROI indices in display (network) order; a permutation of 0..R−1.</param>
    /// <param name="networks">Network of each ROI (model order), or null.</param>
    /// <param name="linearModel">A linear model on the edges, for the contributions, or null.</param>
    /// <param name="maxMatrixSize">Largest matrix sent in full.</param>
    /// <param name="fixedScale">Scale for every window (Fisher z), or null for max |edge|.</param>
    public ConnectivityEncoder(int roiCount, IReadOnlyList<int> roiOrder, IReadOnlyList<string>? networks,
        DecodingModel? linearModel, int maxMatrixSize, double? fixedScale = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(roiCount, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMatrixSize, 2);
        if (roiOrder.Count != roiCount) throw new ArgumentException("The ROI order must list every ROI once.", nameof(roiOrder));
        _rois = roiCount;
        _edges = EdgeLayout.EdgeCount(roiCount);
        _fixedScale = fixedScale is > 0 ? fixedScale : null;

        if (roiCount > maxMatrixSize)
        {
            _size = maxMatrixSize;
            var block = new int[roiCount];
            for (int p = 0; p < roiCount; p++) block[roiOrder[p]] = (int)((long)p * maxMatrixSize / roiCount);
            int blockPairs = EdgeLayout.EdgeCount(_size);
            _blockEdge = new int[_edges];
            _blockSum = new double[blockPairs];
            _blockCount = new int[blockPairs];
            int k = 0;
            for (int i = 0; i < roiCount; i++)
                for (int j = i + 1; j < roiCount; j++, k++)
                {
                    int a = block[i], b = block[j];
                    if (a == b) { _blockEdge[k] = -1; continue; }
                    if (a > b) (a, b) = (b, a);
                    _blockEdge[k] = EdgeLayout.Index(a, b, _size);
                }
            BlockNetworks = networks is null ? null
                : Enumerable.Range(0, _size).Select(b => networks[roiOrder[(int)(((long)b * roiCount + maxMatrixSize - 1) / maxMatrixSize)]]).ToArray();
        }
        else
        {
            _size = roiCount;
        }
        int sent = EdgeLayout.EdgeCount(_size);
        _matrix = new double[sent];
        _bytes = new MatrixBytesPool(sent);

        if (linearModel is { Estimator: LinearRegressor } && networks is not null && linearModel.FeatureCount == _edges)
            _contributions = new NetworkContributions(linearModel, networks);
    }

    /// <summary>ROIs (or blocks) per side of the matrix in the messages.</summary>
    public int MatrixSize => _size;

    /// <summary>True when the matrix is averaged down (its rows are blocks of ROIs in network order).</summary>
    public bool IsDownsampled => _blockEdge is not null;

    /// <summary>When downsampled: the network of the first ROI of each block (null otherwise or without networks).</summary>
    public string[]? BlockNetworks { get; }

    /// <summary>True when contributions per network pair are computed (linear model with networks).</summary>
    public bool HasContributions => _contributions is not null;

    /// <summary>Arrays of matrix bytes made so far (the rest were reused).</summary>
    internal long ArraysCreated => _bytes.Created;

    /// <summary>
    /// Encodes one window. Its bytes are the caller's to hold (<see cref="ConnectivityMessage.Lease"/>): release them once
    /// the message is handed on (the broadcaster holds what it keeps), and they are reused for a later window when every
    /// holder has let go; a message never released keeps its bytes, as any array.
    /// </summary>
    public ConnectivityMessage Encode(int volume, ReadOnlySpan<double> edges)
    {
        if (edges.Length != _edges)
            throw new ArgumentException($"Expected {_edges} edges for {_rois} ROIs, got {edges.Length}.", nameof(edges));

        ReadOnlySpan<double> values;
        if (_blockEdge is null) values = edges;
        else
        {
            Array.Clear(_blockSum!);
            Array.Clear(_blockCount!);
            var map = _blockEdge;
            for (int e = 0; e < edges.Length; e++)
            {
                int b = map[e];
                double v = edges[e];
                if (b < 0 || !double.IsFinite(v)) continue;
                _blockSum![b] += v;
                _blockCount![b]++;
            }
            for (int b = 0; b < _matrix.Length; b++) _matrix[b] = _blockCount![b] > 0 ? _blockSum![b] / _blockCount[b] : 0;
            values = _matrix;
        }

        double scale = _fixedScale ?? MaxFiniteMagnitude(values);
        if (!(scale > 0)) scale = 1;
        double k = 127.0 / scale;
        var lease = _bytes.Rent();
        var bytes = lease.Bytes; // under the large-object threshold up to 412 ROIs
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i] * k;
            int q = double.IsNaN(v) ? 0 : (int)Math.Round(Math.Clamp(v, -127.0, 127.0));
            bytes[i] = unchecked((byte)(sbyte)q);
        }
        return new ConnectivityMessage(volume, _size, scale, bytes, Contributions(edges), BlockNetworks) { Lease = lease };
    }

    private NetworkContribution[]? Contributions(ReadOnlySpan<double> edges)
    {
        if (_contributions is not { } c) return null;
        var values = c.Compute(edges);
        int t = c.TargetCount;
        var result = new NetworkContribution[c.Pairs.Count];
        for (int q = 0; q < result.Length; q++)
            result[q] = new NetworkContribution(c.Pairs[q].NetworkA, c.Pairs[q].NetworkB, values.Slice(q * t, t).ToArray());
        return result;
    }

    private static double MaxFiniteMagnitude(ReadOnlySpan<double> values)
    {
        double m = 0;
        foreach (double v in values)
        {
            double a = Math.Abs(v);
            if (a > m && double.IsFinite(a)) m = a;
        }
        return m;
    }
}
