using RealtimeDecode.Engine.Connectivity;
using System.Numerics.Tensors;
using RealtimeDecode.Engine.Decoding;

namespace RealtimeDecode.Engine.Networks;

/// <summary>
/// Live decomposition of a linear DFC model's estimate into network-pair blocks: for each network
/// pair P and target t, c[P, t] = Σ_{e ∈ P} w_raw[t, e]·(x_e − m_e), where w_raw = W / scale folds the
/// scaler into the weights and m is the scaler's mean (0 without a scaler). The blocks sum to the
/// estimate minus <see cref="Offset"/>: Σ_P c[P, t] + Offset[t] = prediction_t (to rounding).
/// </summary>
/// <remarks>
/// Weights are stored grouped by pair at construction, so <see cref="Compute"/> is one gather of the
/// features into pair order and one contiguous dot product per pair and target, into a preallocated
/// buffer; it allocates nothing. The buffer is reused by the next call (copy it to keep it). An
/// instance is not thread-safe. A feature that is not finite (an edge of a window in which a ROI was
/// constant) counts as being at its training mean: it contributes 0.
/// </remarks>
public sealed class NetworkContributions
{
    private readonly int[] _gather;
    private readonly int[] _pairStart;
    private readonly double[] _weights;
    private readonly double[] _centre;
    private readonly double[] _scratch;
    private readonly double[] _values;

    /// <summary>Prepares the decomposition of <paramref name="model"/> over the ROIs' networks.</summary>
    /// <param name="model">A linear model on R(R−1)/2 edge features.</param>
    /// <param name="networkOfRoi">Network label per ROI (length R).</param>
    /// <exception cref="ArgumentException">The model is not linear or its feature count is not R(R−1)/2.</exception>
    public NetworkContributions(DecodingModel model, IReadOnlyList<string> networkOfRoi)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(networkOfRoi);
        if (model.Estimator is not LinearRegressor lin)
            throw new ArgumentException($"{model.Kind} is not a linear model: contributions are defined for linear models only.", nameof(model));
        int p = model.FeatureCount;
        if (EdgeLayout.TryNodeCount(p) != networkOfRoi.Count)
            throw new ArgumentException($"The model has {p} features, not the {EdgeLayout.EdgeCount(networkOfRoi.Count)} edges of {networkOfRoi.Count} ROIs.", nameof(networkOfRoi));
        var pairs = new NetworkPairs(networkOfRoi);
        int t = model.TargetCount;
        int pc = pairs.Pairs.Count;
        Pairs = Enumerable.Range(0, pc).Select(q => (pairs.Networks[pairs.Pairs[q].A], pairs.Networks[pairs.Pairs[q].B])).ToArray();
        TargetCount = t;
        Targets = model.Targets;
        _pairStart = new int[pc + 1];
        for (int q = 0; q < pc; q++) _pairStart[q + 1] = _pairStart[q] + pairs.EdgesPerPair[q];
        _gather = new int[p];
        var fill = _pairStart.AsSpan(0, pc).ToArray();
        var pairOfEdge = pairs.PairOfEdges;
        for (int e = 0; e < p; e++) _gather[fill[pairOfEdge[e]]++] = e;

        var raw = LinearCoefficients.Raw(model);
        _weights = new double[t * p];
        _centre = new double[p];
        Offset = (double[])lin.Intercept.Clone();
        for (int k = 0; k < t; k++)
            for (int s = 0; s < p; s++)
                _weights[k * p + s] = raw[k * p + _gather[s]];
        if (model.Scaler is { } scaler)
        {
            for (int s = 0; s < p; s++) _centre[s] = scaler.Mean[_gather[s]];
        }

        _scratch = new double[p];
        _values = new double[pc * t];
    }

    /// <summary>The network pairs (A, B), in the row order of <see cref="Values"/>.</summary>
    public IReadOnlyList<(string NetworkA, string NetworkB)> Pairs { get; }

    /// <summary>Target names, in the column order of <see cref="Values"/>.</summary>
    public IReadOnlyList<string> Targets { get; }

    /// <summary>T.</summary>
    public int TargetCount { get; }

    /// <summary>Per target, the estimate not attributed to any pair: the intercept of the standardised model.</summary>
    public double[] Offset { get; }

    /// <summary>The last result, row-major [pairs × targets]: row q holds pair <c>Pairs[q]</c>'s contribution to each target.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>Computes the contributions of one feature vector (edge-vector order) into <see cref="Values"/> and returns it.</summary>
    /// <exception cref="ArgumentException">The vector does not have the model's feature count.</exception>
    public ReadOnlySpan<double> Compute(ReadOnlySpan<double> features)
    {
        int p = _gather.Length;
        if (features.Length != p)
            throw new ArgumentException($"Expected {p} features, got {features.Length}.", nameof(features));
        var x = _scratch;
        var gather = _gather;
        var centre = _centre;
        for (int s = 0; s < x.Length; s++)
        {
            double v = features[gather[s]];
            x[s] = double.IsFinite(v) ? v - centre[s] : 0;
        }

        int pc = Pairs.Count, t = TargetCount;
        for (int k = 0; k < t; k++)
        {
            var wk = _weights.AsSpan(k * p, p);
            for (int q = 0; q < pc; q++)
            {
                int start = _pairStart[q], length = _pairStart[q + 1] - start;
                _values[q * t + k] = TensorPrimitives.Dot<double>(wk.Slice(start, length), x.AsSpan(start, length));
            }
        }

        return _values;
    }
}
