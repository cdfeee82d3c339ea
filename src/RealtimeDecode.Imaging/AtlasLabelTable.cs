using System.Globalization;

namespace RealtimeDecode.Imaging;

/// <summary>
/// An atlas labels TSV, the one reader of that format (the atlas and the explanations both read it
/// here): a header row naming <c>index</c> and <c>name</c> (any order, case ignored) and optionally
/// <c>network</c>; other columns are ignored; blank lines are skipped. Label 0 (background) is skipped;
/// an index outside 0 … <see cref="Atlas.MaxLabel"/>, a label listed twice or a short row is an
/// <see cref="InputDataException"/> naming the file and line, and so is a binary file (gzip, NIfTI, any
/// NUL byte in its first 8 KiB: the atlas image given as its labels). An empty name becomes the label number;
/// an empty network is null.
/// </summary>
public sealed class AtlasLabelTable
{
    private AtlasLabelTable(Dictionary<int, (string Name, string? Network)> rows, bool hasNetwork)
    {
        Rows = rows;
        HasNetwork = hasNetwork;
        Labels = rows.Keys.Order().ToArray();
    }

    /// <summary>Name and network (null when not given) of each listed label value.</summary>
    public IReadOnlyDictionary<int, (string Name, string? Network)> Rows { get; }

    /// <summary>The listed label values, ascending: the ROI order of every feature table.</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>Whether the header names a <c>network</c> column.</summary>
    public bool HasNetwork { get; }

    /// <summary>Reads and checks a labels TSV.</summary>
    /// <exception cref="InputDataException">The file is missing, binary (an image given in its place), empty or malformed.</exception>
    public static AtlasLabelTable Read(string path)
    {
        if (!File.Exists(path)) throw new InputDataException(path, "file not found");
        TextFileCheck.EnsureText(path, "is this the atlas image?");
        var lines = BoundedLineReader.ReadAllLines(path);
        int first = Array.FindIndex(lines, l => !string.IsNullOrWhiteSpace(l));
        if (first < 0) throw new InputDataException(path, "empty labels table (expected a header row with index and name)");
        var header = lines[first].TrimStart('\uFEFF').Split('\t').Select(c => c.Trim().ToLowerInvariant()).ToArray();
        int iIndex = Array.IndexOf(header, "index"), iName = Array.IndexOf(header, "name"), iNet = Array.IndexOf(header, "network");
        if (iIndex < 0 || iName < 0)
            throw new InputDataException(path,
                $"the header row must name the columns index and name (tab-separated), found: {Shortened(string.Join(", ", header))}");
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
        return new AtlasLabelTable(rows, iNet >= 0);
    }

    /// <summary>At most <see cref="MaxQuotedChars"/> characters of a header row quoted in a message (a header can be one line of megabytes).</summary>
    private static string Shortened(string s) => s.Length <= MaxQuotedChars ? s : s[..MaxQuotedChars] + "…";

    private const int MaxQuotedChars = 200;
}
