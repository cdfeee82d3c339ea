using System.Globalization;

namespace RealtimeDecode.Imaging;

/// <summary>
/// Parses an atlas labels TSV: a header row naming <c>index</c> and <c>name</c> (any order, case
/// ignored) and optionally <c>network</c>; other columns are ignored; blank lines are skipped.
/// </summary>
internal sealed class AtlasLabelTable
{
    public required Dictionary<int, (string Name, string? Network)> Rows { get; init; }
    public bool HasNetwork { get; init; }

    public static AtlasLabelTable Read(string path)
    {
        if (!File.Exists(path)) throw new InputDataException(path, "file not found");
        var lines = BoundedLineReader.ReadAllLines(path);
        int first = Array.FindIndex(lines, l => !string.IsNullOrWhiteSpace(l));
        if (first < 0) throw new InputDataException(path, "empty labels table (expected a header row with index and name)");
        var header = lines[first].TrimStart('\uFEFF').Split('\t').Select(c => c.Trim().ToLowerInvariant()).ToArray();
        int iIndex = Array.IndexOf(header, "index"), iName = Array.IndexOf(header, "name"), iNet = Array.IndexOf(header, "network");
        if (iIndex < 0 || iName < 0)
            throw new InputDataException(path,
                $"the header row must name the columns index and name (tab-separated), found: {string.Join(", ", header)}");
        var rows = new Dictionary<int, (string, string?)>();
        for (int n = first + 1; n < lines.Length; n++)
        {
            if (string.IsNullOrWhiteSpace(lines[n])) continue;
            var cells = lines[n].Split('\t');
            int line = n + 1;
            if (cells.Length < header.Length)
                throw new InputDataException(path, $"line {line}: {cells.Length} columns, the header has {header.Length}");
            var indexText = cells[iIndex].Trim();
            if (!int.TryParse(indexText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index) || index < 0 || index > Atlas.MaxLabel)
                throw new InputDataException(path, $"line {line}: index \"{indexText}\" is not a label number (a whole number 0 to {Atlas.MaxLabel})");
            if (index == 0) continue;
            if (rows.ContainsKey(index)) throw new InputDataException(path, $"line {line}: label {index} is listed twice");
            var name = cells[iName].Trim();
            if (name.Length == 0) name = index.ToString(CultureInfo.InvariantCulture);
            string? network = iNet >= 0 ? cells[iNet].Trim() : null;
            if (network is { Length: 0 }) network = null;
            rows[index] = (name, network);
        }
        if (rows.Count == 0) throw new InputDataException(path, "the labels table lists no label other than 0");
        return new AtlasLabelTable { Rows = rows, HasNetwork = iNet >= 0 };
    }
}
