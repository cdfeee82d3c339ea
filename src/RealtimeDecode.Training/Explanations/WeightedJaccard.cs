namespace RealtimeDecode.Training.Explanations;

/// <summary>
/// Weighted Jaccard (Ruzicka) distance between two weighted edge sets on the same nodes, used to
/// compare two targets' maximum spanning trees.
/// </summary>
/// <remarks>
/// With w_A(e) the weight of edge e in A and 0 when A lacks e, over the union U of both edge sets
/// (edges identified by their unordered node pair):
/// <code>d(A, B) = 1 − Σ_{e∈U} min(w_A(e), w_B(e)) / Σ_{e∈U} max(w_A(e), w_B(e))</code>
/// d is 0 for identical weighted trees and 1 for trees sharing no edge with positive weight in both;
/// it is a metric on non-negative weight vectors. Edges whose weight is 0 in both sets contribute
/// nothing, so it ignores zero-weight edges. It is NaN (undefined) when the denominator is 0, i.e.
/// both sets have only zero weights.
/// </remarks>
internal static class WeightedJaccard
{
    /// <summary>The distance defined in the class remarks.</summary>
    /// <exception cref="ArgumentException">A weight is negative or non-finite, an edge is a self-loop, or a pair appears twice within one set.</exception>
    public static double Distance(IReadOnlyList<WeightedEdge> a, IReadOnlyList<WeightedEdge> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var weightsA = ToMap(a, nameof(a));
        var weightsB = ToMap(b, nameof(b));
        double sumMin = 0;
        double sumMax = 0;
        foreach (var (pair, wa) in weightsA)
        {
            double wb = weightsB.GetValueOrDefault(pair);
            sumMin += Math.Min(wa, wb);
            sumMax += Math.Max(wa, wb);
        }

        foreach (var (pair, wb) in weightsB)
        {
            if (!weightsA.ContainsKey(pair))
            {
                sumMax += wb;
            }
        }

        return sumMax == 0 ? double.NaN : 1 - sumMin / sumMax;
    }

    /// <summary>The distance between two graphs' edge sets (for example two maximum spanning trees).</summary>
    public static double Distance(WeightedGraph a, WeightedGraph b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Distance(a.Edges, b.Edges);
    }

    private static Dictionary<(int, int), double> ToMap(IReadOnlyList<WeightedEdge> edges, string name)
    {
        var map = new Dictionary<(int, int), double>(edges.Count);
        foreach (var e in edges)
        {
            if (e.I == e.J)
            {
                throw new ArgumentException($"Edge ({e.I}, {e.J}) is a self-loop.", name);
            }

            if (!double.IsFinite(e.Weight) || e.Weight < 0)
            {
                throw new ArgumentException($"Edge ({e.I}, {e.J}) has weight {e.Weight}; weighted Jaccard needs finite non-negative weights.", name);
            }

            if (!map.TryAdd((Math.Min(e.I, e.J), Math.Max(e.I, e.J)), e.Weight))
            {
                throw new ArgumentException($"Edge ({e.I}, {e.J}) appears twice.", name);
            }
        }

        return map;
    }
}
