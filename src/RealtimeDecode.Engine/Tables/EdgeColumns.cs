using RealtimeDecode.Engine.Connectivity;

namespace RealtimeDecode.Engine.Tables;

/// <summary>
/// Recognises the columns of a connectivity table as ARCHITECTURE.md fixes them: the edges i &lt; j of the
/// ROI order, row-major (0-1, 0-2, …, 1-2, …), each named <c>&lt;roiA&gt;~&lt;roiB&gt;</c>
/// (<see cref="EdgeLayout.Names"/>). Commands use it to tell a connectivity table from an ROI table.
/// </summary>
public static class EdgeColumns
{
    /// <summary>
    /// The R ROI names whose edges, in layout order, are exactly <paramref name="columns"/>, or null when the
    /// columns are not such edges: their count is not R(R−1)/2 for some R ≥ 2, or a name does not fit the
    /// layout. An ROI name may itself hold <c>~</c>: every split of the first column is tried. O(columns).
    /// </summary>
    public static string[]? RoiNames(IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) return null;
        int r = EdgeLayout.TryNodeCount(columns.Count);
        if (r < 2) return null;
        string first = columns[0];
        for (int cut = first.IndexOf('~', StringComparison.Ordinal); cut >= 0; cut = first.IndexOf('~', cut + 1))
        {
            // Columns 0 … R−2 are edges 0-1 … 0-(R−1): they give every name once ROI 0's is known.
            string a = first[..cut];
            var names = new string[r];
            names[0] = a;
            bool fits = true;
            for (int j = 1; j < r && fits; j++)
            {
                string c = columns[j - 1];
                fits = c.Length > a.Length && c.StartsWith(a, StringComparison.Ordinal) && c[a.Length] == '~';
                if (fits) names[j] = c[(a.Length + 1)..];
            }
            if (fits && EdgeLayout.Names(names).SequenceEqual(columns)) return names;
        }
        return null;
    }

    /// <summary>Whether <paramref name="columns"/> are the edge names of some ROIs (<see cref="RoiNames"/> is not null).</summary>
    public static bool AreEdges(IReadOnlyList<string> columns) => RoiNames(columns) is not null;
}
