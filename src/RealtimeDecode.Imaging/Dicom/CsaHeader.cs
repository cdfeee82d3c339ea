using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace RealtimeDecode.Imaging.Dicom;

/// <summary>
/// A Siemens CSA header ((0029,xx10) image header, (0029,xx20) series header): named elements, each
/// with a VR and a list of text items. Reads the "SV10" format (CSA2) and the older format without
/// the mark (CSA1). Layout: [“SV10” + 4 bytes] n_tags (uint32), 77 (uint32); per tag: name (64 bytes,
/// NUL-terminated), vm (int32), vr (4 bytes), syngodt (int32), n_items (int32), 77 or 205 (int32);
/// per item: 4 int32 whose second is the item length, then the item bytes padded to 4 bytes.
/// Empty items are dropped; numeric items are NUL-terminated decimal text.
/// </summary>
public sealed class CsaHeader
{
    private const int MaxTags = 1000;
    private readonly Dictionary<string, (string Vr, string[] Items)> _tags;

    private CsaHeader(Dictionary<string, (string, string[])> tags, bool isSv10)
    {
        _tags = tags;
        IsSv10 = isSv10;
    }

    /// <summary>True for the "SV10" (CSA2) format, false for the older one.</summary>
    public bool IsSv10 { get; }

    /// <summary>Names of the elements, in file order.</summary>
    public IReadOnlyCollection<string> Names => _tags.Keys;

    /// <summary>Parses a CSA header; throws <see cref="FormatException"/> when it is not one.</summary>
    public static CsaHeader Parse(ReadOnlySpan<byte> bytes)
    {
        bool sv10 = bytes.Length >= 4 && bytes[..4].SequenceEqual("SV10"u8);
        int pos = sv10 ? 8 : 0;
        uint nTags = ReadU32(bytes, ref pos);
        ReadU32(bytes, ref pos);
        if (nTags is 0 or > MaxTags) throw new FormatException($"CSA header with {nTags} tags");
        var tags = new Dictionary<string, (string, string[])>(StringComparer.Ordinal);
        for (int t = 0; t < nTags; t++)
        {
            Need(bytes, pos, 84);
            string name = CString(bytes.Slice(pos, 64));
            int vm = BinaryPrimitives.ReadInt32LittleEndian(bytes[(pos + 64)..]);
            string vr = CString(bytes.Slice(pos + 68, 4));
            int nItems = BinaryPrimitives.ReadInt32LittleEndian(bytes[(pos + 76)..]);
            pos += 84;
            if (nItems is < 0 or > MaxTags) throw new FormatException($"CSA tag {name} with {nItems} items");
            var items = new List<string>();
            for (int i = 0; i < nItems; i++)
            {
                Need(bytes, pos, 16);
                int len = BinaryPrimitives.ReadInt32LittleEndian(bytes[(pos + 4)..]);
                pos += 16;
                if (len < 0) throw new FormatException($"CSA tag {name}: negative item length");
                Need(bytes, pos, len);
                var text = CString(bytes.Slice(pos, len));
                if (len > 0 && (vm == 0 || i < vm)) items.Add(text);
                pos += (len + 3) / 4 * 4;
            }
            tags[name] = (vr, items.ToArray());
        }
        return new CsaHeader(tags, sv10);
    }

    /// <summary>Parses a CSA header, or returns null when the bytes are not one.</summary>
    public static CsaHeader? TryParse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return Parse(bytes);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The CSA image header of a Siemens dataset ((0029,xx10) under "SIEMENS CSA HEADER"), or null.</summary>
    public static CsaHeader? FromImageHeader(DicomDataset dataset)
    {
        var tag = dataset.FindPrivateTag(0x0029, "SIEMENS CSA HEADER", 0x10);
        if (tag is null) return null;
        var bytes = dataset.GetBytes(tag.Value);
        return bytes.IsEmpty ? null : TryParse(bytes.Span);
    }

    /// <summary>The VR the header gives for <paramref name="name"/>, or null.</summary>
    public string? GetVR(string name) => _tags.TryGetValue(name, out var t) ? t.Vr : null;

    /// <summary>The non-empty text items of <paramref name="name"/>; empty when absent.</summary>
    public IReadOnlyList<string> GetItems(string name) => _tags.TryGetValue(name, out var t) ? t.Items : [];

    /// <summary>The items of <paramref name="name"/> as numbers; null when absent, empty or not numeric.</summary>
    public double[]? GetDoubles(string name)
    {
        var items = GetItems(name);
        if (items.Count == 0) return null;
        var v = new double[items.Count];
        for (int i = 0; i < v.Length; i++)
            if (!double.TryParse(items[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out v[i])) return null;
        return v;
    }

    private static void Need(ReadOnlySpan<byte> b, int pos, int n)
    {
        // Subtracting, not adding: an item length near int.MaxValue must not wrap the sum past the check.
        if (n < 0 || pos > b.Length - n) throw new FormatException("CSA header ends inside an element");
    }

    private static uint ReadU32(ReadOnlySpan<byte> b, ref int pos)
    {
        Need(b, pos, 4);
        uint v = BinaryPrimitives.ReadUInt32LittleEndian(b[pos..]);
        pos += 4;
        return v;
    }

    private static string CString(ReadOnlySpan<byte> b)
    {
        int nul = b.IndexOf((byte)0);
        return Encoding.Latin1.GetString(nul >= 0 ? b[..nul] : b).Trim();
    }
}
