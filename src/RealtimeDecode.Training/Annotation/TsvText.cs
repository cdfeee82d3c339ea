using System.Text;

namespace RealtimeDecode.Training.Annotation;

/// <summary>
/// Escaping of free text in a TSV cell: a backslash becomes <c>\\</c>, a tab <c>\t</c>, a line feed
/// <c>\n</c> and a carriage return <c>\r</c>, so that a cell never breaks the row. Reading undoes it.
/// Transcripts and annotation tables use the same rule, so a text survives the round trip.
/// </summary>
internal static class TsvText
{
    /// <summary>Escapes <paramref name="text"/> for one TSV cell.</summary>
    public static string Escape(string text)
    {
        if (text.AsSpan().IndexOfAny("\\\t\n\r") < 0) return text;
        var sb = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\t': sb.Append("\\t"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Undoes <see cref="Escape"/>; an unknown escape such as <c>\x</c> is kept as written.</summary>
    public static string Unescape(string cell)
    {
        if (cell.IndexOf('\\') < 0) return cell;
        var sb = new StringBuilder(cell.Length);
        for (int i = 0; i < cell.Length; i++)
        {
            char c = cell[i];
            if (c == '\\' && i + 1 < cell.Length)
            {
                char n = cell[i + 1];
                switch (n)
                {
                    case '\\': sb.Append('\\'); i++; continue;
                    case 't': sb.Append('\t'); i++; continue;
                    case 'n': sb.Append('\n'); i++; continue;
                    case 'r': sb.Append('\r'); i++; continue;
                }
            }
            sb.Append(c);
        }
        return sb.ToString();
    }
}
