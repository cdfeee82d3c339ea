using System.Globalization;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Training.Annotation;

/// <summary>
/// Shared reader for the two timed-text TSVs (transcripts and annotation tables): required columns
/// found by header name, timed segments checked for order and overlap, optional numeric columns.
/// </summary>
internal sealed class TimedTextTable
{
    private TimedTextTable(IReadOnlyList<TranscriptSegment> segments, IReadOnlyList<string> numericNames, double[] values)
    {
        Segments = segments;
        NumericNames = numericNames;
        Values = values;
    }

    public IReadOnlyList<TranscriptSegment> Segments { get; }
    public IReadOnlyList<string> NumericNames { get; }

    /// <summary>Row-major segments × numeric columns; <c>n/a</c> is NaN.</summary>
    public double[] Values { get; }

    /// <summary>
    /// Reads the table. <paramref name="required"/> are onset, offset and text column names;
    /// <paramref name="numericColumns"/> null means "every other column is numeric", empty means none.
    /// </summary>
    public static TimedTextTable Read(TextReader reader, string name, string[] required, string[]? numericColumns)
    {
        var lines = new BoundedLineReader(reader, name);
        string? header = lines.ReadLine();
        if (header is null || header.Trim().Length == 0) throw new InputDataException(name, "empty file: no header row");
        var cols = header.TrimEnd('\r').Split('\t');
        for (int i = 0; i < cols.Length; i++) cols[i] = cols[i].Trim();
        // The header as a message shows it: a table of another kind (an ROI table, say) can have hundreds of columns.
        string has = cols.Length <= 12 ? string.Join(", ", cols) : $"{string.Join(", ", cols.Take(10))}, … ({cols.Length} columns)";
        int Find(string c)
        {
            int idx = Array.IndexOf(cols, c);
            if (idx < 0) throw new InputDataException(name, $"missing column '{c}' (the header has: {has}; required: {string.Join(", ", required)})");
            if (Array.LastIndexOf(cols, c) != idx) throw new InputDataException(name, $"column '{c}' appears twice in the header");
            return idx;
        }
        int on = Find(required[0]), txt = Find(required[2]);
        // BIDS events files give a duration instead of an offset: accept it when there is no offset column.
        bool fromDuration = Array.IndexOf(cols, required[1]) < 0 && Array.IndexOf(cols, "duration") >= 0;
        if (Array.IndexOf(cols, required[1]) < 0 && !fromDuration)
            throw new InputDataException(name, $"missing column '{required[1]}' (or 'duration') (the header has: {has}; required: {string.Join(", ", required)})");
        int off = Find(fromDuration ? "duration" : required[1]);
        int[] numIdx;
        string[] numNames;
        if (numericColumns is null)
        {
            numIdx = Enumerable.Range(0, cols.Length).Where(i => i != on && i != off && i != txt).ToArray();
            numNames = numIdx.Select(i => cols[i]).ToArray();
            var dup = numNames.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
            if (dup is not null) throw new InputDataException(name, $"column '{dup.Key}' appears twice in the header");
            if (numNames.Any(n => n.Length == 0)) throw new InputDataException(name, "a header column has no name");
        }
        else
        {
            numNames = numericColumns;
            numIdx = numericColumns.Select(Find).ToArray();
        }

        var segments = new List<TranscriptSegment>();
        var values = new List<double>();
        int lineNo = 1;
        string? line;
        while ((line = lines.ReadLine()) is not null)
        {
            lineNo++;
            line = line.TrimEnd('\r');
            if (line.Trim().Length == 0) continue;
            var cells = line.Split('\t');
            if (cells.Length != cols.Length)
                throw new InputDataException(name, $"line {lineNo} has {cells.Length} columns, the header has {cols.Length} (a tab inside a text must be written as \\t)");
            double onset = Number(cells[on], name, lineNo, required[0]);
            double offset = Number(cells[off], name, lineNo, cols[off]);
            if (fromDuration) offset += onset;
            if (!double.IsFinite(onset) || !double.IsFinite(offset))
                throw new InputDataException(name, $"line {lineNo}: onset and offset must be finite numbers of seconds");
            if (offset <= onset)
                throw new InputDataException(name, $"line {lineNo}: offset {Fmt(offset)} s is not after onset {Fmt(onset)} s");
            string text = TsvText.Unescape(cells[txt]);
            if (string.IsNullOrWhiteSpace(text))
                throw new InputDataException(name, $"line {lineNo}: empty text (segment {Fmt(onset)}–{Fmt(offset)} s)");
            if (segments.Count > 0)
            {
                var prev = segments[^1];
                if (onset < prev.Onset)
                    throw new InputDataException(name, $"line {lineNo}: segments are not sorted by onset ({Fmt(onset)} s comes after {Fmt(prev.Onset)} s)");
                if (onset < prev.Offset)
                    throw new InputDataException(name, $"line {lineNo}: segment {Fmt(onset)}–{Fmt(offset)} s overlaps the previous one ({Fmt(prev.Onset)}–{Fmt(prev.Offset)} s)");
            }
            segments.Add(new TranscriptSegment(segments.Count, onset, offset, text));
            for (int k = 0; k < numIdx.Length; k++)
            {
                var cell = cells[numIdx[k]].Trim();
                values.Add(cell is "n/a" or "NaN" or "" ? double.NaN : Number(cell, name, lineNo, numNames[k]));
            }
        }
        if (segments.Count == 0) throw new InputDataException(name, "no segments: the file has a header but no rows");
        return new TimedTextTable(segments, numNames, values.ToArray());
    }

    private static double Number(string cell, string name, int lineNo, string column)
    {
        if (!double.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || double.IsNaN(d))
            throw new InputDataException(name, $"line {lineNo}, column '{column}': '{cell}' is not a number");
        return d;
    }

    internal static string Fmt(double s) => s.ToString("0.###", CultureInfo.InvariantCulture);
}
