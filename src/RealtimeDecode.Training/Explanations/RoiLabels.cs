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
    /// Reads a labels TSV (header naming <c>index</c> and <c>name</c>, optionally <c>network</c>; label 0
    /// and blank lines skipped). Rows are ordered by ascending index, which is the ROI order of the
    /// features. Networks are kept only when every row has one.
    /// </summary>
    /// <exception cref="InputDataException">The file is missing or malformed, or its row count differs from <paramref name="roiCount"/>.</exception>
    public static RoiLabels Read(string path, int roiCount)
    {
        if (!File.Exists(path)) throw new InputDataException(path, "file not found");
        var lines = BoundedLineReader.ReadAllLines(path);
        int first = Array.FindIndex(lines, l => !string.IsNullOrWhiteSpace(l));
        if (first < 0) throw new InputDataException(path, "empty labels table (expected a header row with index and name)");
        var header = lines[first].TrimStart('\uFEFF').Split('\t').Select(c => c.Trim().ToLowerInvariant()).ToArray();
        int iIndex = Array.IndexOf(header, "index"), iName = Array.IndexOf(header, "name"), iNet = Array.IndexOf(header, "network");
        if (iIndex < 0 || iName < 0)
            throw new InputDataException(path, $"the header row must name the columns index and name (tab-separated), found: {string.Join(", ", header)}");
        var rows = new SortedDictionary<int, (string Name, string? Network)>();
        for (int n = first + 1; n < lines.Length; n++)
        {
            if (string.IsNullOrWhiteSpace(lines[n])) continue;
            var cells = lines[n].Split('\t');
            if (cells.Length < header.Length)
                throw new InputDataException(path, $"line {n + 1}: {cells.Length} columns, the header has {header.Length}");
            if (!int.TryParse(cells[iIndex].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int index) || index < 0)
                throw new InputDataException(path, $"line {n + 1}: index \"{cells[iIndex].Trim()}\" is not a non-negative whole number");
            if (index == 0) continue;
            if (rows.ContainsKey(index)) throw new InputDataException(path, $"line {n + 1}: index {index} is listed twice");
            string name = cells[iName].Trim();
            string? network = iNet >= 0 ? cells[iNet].Trim() : null;
            rows[index] = (name.Length == 0 ? index.ToString(CultureInfo.InvariantCulture) : name, string.IsNullOrEmpty(network) ? null : network);
        }

        if (rows.Count != roiCount)
            throw new InputDataException(path, $"{rows.Count} ROIs are listed but the model has {roiCount}");
        var names = rows.Values.Select(r => r.Name).ToArray();
        var networks = rows.Values.All(r => r.Network is not null) ? rows.Values.Select(r => r.Network!).ToArray() : null;
        return new RoiLabels(names, networks);
    }
}
