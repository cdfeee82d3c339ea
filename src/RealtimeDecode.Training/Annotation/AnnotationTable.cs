using System.Globalization;
using System.Text;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Training.Annotation;

/// <summary>
/// The annotations TSV: header <c>onset offset text</c> then one column per emotion; one row per
/// segment; times in seconds; ratings in shortest round-trip form, a missing rating as <c>n/a</c>.
/// Text is escaped as in <see cref="TsvText"/>. Reading applies the transcript's checks (sorted,
/// non-overlapping, non-empty segments) and treats every column other than onset, offset and text
/// as a rating column, so ratings from any source (other models, human raters) can be read.
/// </summary>
public sealed class AnnotationTable
{
    /// <summary>Creates a table; <paramref name="values"/> is row-major, segments × emotions.</summary>
    public AnnotationTable(IReadOnlyList<TranscriptSegment> segments, IReadOnlyList<string> emotions, double[] values)
    {
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(emotions);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != segments.Count * emotions.Count)
            throw new ArgumentOutOfRangeException(nameof(values), $"{segments.Count} segments × {emotions.Count} emotions need {segments.Count * emotions.Count} values, got {values.Length}.");
        Segments = segments;
        Emotions = emotions;
        Values = values;
    }

    public IReadOnlyList<TranscriptSegment> Segments { get; }
    public IReadOnlyList<string> Emotions { get; }

    /// <summary>Row-major, segments × emotions.</summary>
    public double[] Values { get; }

    public double this[int segment, int emotion] => Values[segment * Emotions.Count + emotion];

    /// <summary>The table of an annotation run.</summary>
    public static AnnotationTable From(AnnotationResult result) => new(result.Segments, result.Emotions.Names, result.Values);

    /// <summary>Reads an annotations TSV; problems are <see cref="InputDataException"/>s naming the file and line.</summary>
    public static AnnotationTable Read(string path)
    {
        if (!File.Exists(path)) throw new InputDataException(path, "file not found");
        TextFileCheck.EnsureText(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, path);
    }

    /// <summary>Reads an annotations TSV from <paramref name="reader"/>; <paramref name="name"/> is used in messages.</summary>
    public static AnnotationTable Read(TextReader reader, string name)
    {
        var t = TimedTextTable.Read(reader, name, ["onset", "offset", "text"], numericColumns: null);
        if (t.NumericNames.Count == 0) throw new InputDataException(name, "no rating columns: expected onset, offset, text and one column per emotion");
        // The emotion names become target names and TSV/LSL labels downstream: refuse what would break them.
        Engine.Decoding.ModelPackage.ValidateTargetNames(t.NumericNames, name);
        return new AnnotationTable(t.Segments, t.NumericNames, t.Values);
    }

    /// <summary>Writes the table, creating the folder if needed.</summary>
    public void Write(string path)
    {
        RealtimeDecode.Engine.Tables.AtomicFile.WriteText(path, Write);
    }

    /// <summary>Writes the table to <paramref name="w"/>.</summary>
    public void Write(TextWriter w)
    {
        w.Write("onset\toffset\ttext");
        foreach (var e in Emotions) { w.Write('\t'); w.Write(e); }
        w.Write('\n');
        for (int i = 0; i < Segments.Count; i++)
        {
            var s = Segments[i];
            w.Write(s.Onset.ToString("R", CultureInfo.InvariantCulture));
            w.Write('\t');
            w.Write(s.Offset.ToString("R", CultureInfo.InvariantCulture));
            w.Write('\t');
            w.Write(TsvText.Escape(s.Text));
            for (int k = 0; k < Emotions.Count; k++)
            {
                w.Write('\t');
                double v = this[i, k];
                w.Write(double.IsNaN(v) ? "n/a" : v.ToString("R", CultureInfo.InvariantCulture));
            }
            w.Write('\n');
        }
        w.Flush();
    }
}
