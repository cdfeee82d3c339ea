using System.Text;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Training.Annotation;

/// <summary>
/// Reads a timed transcript: a TSV with a header row naming at least <c>onset</c>, <c>offset</c>
/// (seconds) and <c>text</c>, in any order (other columns are ignored), one row per segment. A
/// BIDS-style <c>duration</c> column (seconds) may stand in for <c>offset</c> (offset = onset + duration).
/// Text cells use the escapes of <see cref="TsvText"/>. Segments must be sorted by onset, must not
/// overlap (a segment may start exactly where the previous one ends), must last more than zero
/// seconds and must have non-blank text; anything else is an <see cref="InputDataException"/>
/// naming the file and the line.
/// </summary>
public static class Transcript
{
    /// <summary>Reads and checks the transcript at <paramref name="path"/>.</summary>
    public static IReadOnlyList<TranscriptSegment> Read(string path)
    {
        if (!File.Exists(path)) throw new InputDataException(path, "file not found");
        TextFileCheck.EnsureText(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, path);
    }

    /// <summary>Reads and checks a transcript; <paramref name="name"/> is used in messages.</summary>
    public static IReadOnlyList<TranscriptSegment> Read(TextReader reader, string name)
    {
        var table = TimedTextTable.Read(reader, name, ["onset", "offset", "text"], numericColumns: []);
        return table.Segments;
    }
}
