using System.Globalization;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Training.Explanations;

/// <summary>
/// Names and optional network labels of a model's R ROIs, in the model's ROI order (0-based).
/// </summary>
/// <param name="Names">ROI names, length R.</param>
/// <param name="Networks">Network label per ROI (length R), or null when unknown.</param>
public sealed record RoiLabels(IReadOnlyList<string> Names, IReadOnlyList<string>? Networks)
{
    /// <summary>Number of ROIs R.</summary>
    public int Count => Names.Count;

    /// <summary>Whether every ROI has a network label.</summary>
    public bool HasNetworks => Networks is not null;

    /// <summary>ROIs named by their 1-based number ("1", "2", …), no networks.</summary>
    public static RoiLabels Numbered(int roiCount) =>
        new(Enumerable.Range(1, roiCount).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray(), null);

    /// <summary>
    /// Reads a labels TSV through <see cref="AtlasLabelTable"/> (the atlas's own reader). Rows are
    /// ordered by ascending index, which is the ROI order of the features. Networks are kept only
    /// when every row has one.
    /// </summary>
    /// <exception cref="InputDataException">The file is missing or malformed, or its row count differs from <paramref name="roiCount"/>.</exception>
    public static RoiLabels Read(string path, int roiCount)
    {
        var table = AtlasLabelTable.Read(path);
        if (table.Labels.Count != roiCount)
            throw new InputDataException(path, $"{table.Labels.Count} ROIs are listed but the model has {roiCount}");
        var rows = table.Labels.Select(l => table.Rows[l]).ToArray();
        var names = rows.Select(r => r.Name).ToArray();
        var networks = rows.All(r => r.Network is not null) ? rows.Select(r => r.Network!).ToArray() : null;
        return new RoiLabels(names, networks);
    }
}
