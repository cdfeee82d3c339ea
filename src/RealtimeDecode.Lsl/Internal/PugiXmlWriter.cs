using System.Text;
using System.Xml.Linq;

namespace RealtimeDecode.Lsl.Internal;

/// <summary>
/// Writes XML the way pugixml's <c>xml_document::save</c> does with its default flags, which is the
/// text liblsl sends: a <c>&lt;?xml version="1.0"?&gt;</c> line, one tab of indentation per level,
/// elements whose first child is text on one line, empty elements as <c>&lt;x /&gt;</c>, and a final newline.
/// </summary>
internal static class PugiXmlWriter
{
    public static string Write(XElement root)
    {
        var sb = new StringBuilder(1024);
        sb.Append("<?xml version=\"1.0\"?>\n");
        WriteElement(sb, root, 0);
        sb.Append('\n');
        return sb.ToString();
    }

    // Writes one element without a trailing newline; indentation before it is the caller's.
    public static void WriteElement(StringBuilder sb, XElement element, int depth)
    {
        sb.Append('<').Append(element.Name.LocalName);
        foreach (var attribute in element.Attributes())
        {
            sb.Append(' ').Append(attribute.Name.LocalName).Append("=\"");
            Escape(sb, attribute.Value, attribute: true);
            sb.Append('"');
        }
        if (element.FirstNode is null)
        {
            sb.Append(" />");
            return;
        }
        sb.Append('>');
        // pugixml writes no newline or indentation after a text node, only after elements.
        var afterText = false;
        for (var node = element.FirstNode; node is not null; node = node.NextNode)
        {
            switch (node)
            {
                case XText text:
                    Escape(sb, text.Value, attribute: false);
                    afterText = true;
                    break;
                case XElement child:
                    if (!afterText) sb.Append('\n').Append('\t', depth + 1);
                    WriteElement(sb, child, depth + 1);
                    afterText = false;
                    break;
                case XComment comment:
                    if (!afterText) sb.Append('\n').Append('\t', depth + 1);
                    sb.Append("<!--").Append(comment.Value).Append("-->");
                    afterText = false;
                    break;
            }
        }
        if (!afterText) sb.Append('\n').Append('\t', depth);
        sb.Append("</").Append(element.Name.LocalName).Append('>');
    }

    public static void Escape(StringBuilder sb, string value, bool attribute)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"' when attribute: sb.Append("&quot;"); break;
                case '\t' or '\n' or '\r' when !attribute: sb.Append(c); break;
                case < ' ': sb.Append("&#").Append((int)c).Append(';'); break;
                default: sb.Append(c); break;
            }
        }
    }
}
