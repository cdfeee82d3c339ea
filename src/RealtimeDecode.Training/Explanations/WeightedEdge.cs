namespace RealtimeDecode.Training.Explanations;

/// <summary>
/// An undirected weighted edge between nodes <see cref="I"/> and <see cref="J"/> (0-based ROI
/// indices). Graphs in this namespace store every edge with <c>I &lt; J</c>.
/// </summary>
/// <param name="I">The smaller node index.</param>
/// <param name="J">The larger node index.</param>
/// <param name="Weight">The edge weight (importance: the absolute coefficient).</param>
public readonly record struct WeightedEdge(int I, int J, double Weight);
