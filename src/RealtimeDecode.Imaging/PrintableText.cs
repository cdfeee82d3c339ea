using System.Globalization;
using System.Text;

namespace RealtimeDecode.Imaging;

/// <summary>
/// Text from a file or a command line made fit for a one-line message: every character a terminal would
/// act on or could not show (control characters, format characters such as bidirectional overrides, line
/// and paragraph separators, private-use, unassigned and lone surrogate code points, and U+FFFD, which
/// stands for bytes that were not valid UTF-8) is written as an escape: <c>\t</c>, <c>\n</c>, <c>\r</c>,
/// <c>\xNN</c> below U+0100, <c>\uNNNN</c> above. Other text, any script, is kept as it is.
/// </summary>
public static class PrintableText
{
    /// <summary><paramref name="text"/> with every non-printable character escaped; the same string when there is none.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int first = FirstUnprintable(text);
        if (first < 0) return text;
        var sb = new StringBuilder(text.Length + 16).Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
                continue;
            }
            if (!IsUnprintable(c))
            {
                sb.Append(c);
                continue;
            }
            switch (c)
            {
                case '\t': sb.Append("\\t"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    sb.Append(c < 0x100
                        ? string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}")
                        : string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"));
                    break;
            }
        }
        return sb.ToString();
    }

    private static int FirstUnprintable(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (IsUnprintable(c)) return i;
        }
        return -1;
    }

    /// <summary>Whether <paramref name="c"/>, not part of a surrogate pair, is escaped.</summary>
    private static bool IsUnprintable(char c) => c == '\uFFFD' || char.GetUnicodeCategory(c) is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
        or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate;
}
