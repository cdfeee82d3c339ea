using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace RealtimeDecode.Imaging.Dicom;

/// <summary>
/// A parsed DICOM dataset (the file meta group included for a file's top-level dataset) with typed
/// getters. Getters return null (or an empty array) when the element is absent or empty; numbers are
/// read from text VRs (DS, IS) and from binary VRs (US, SS, UL, SL, FL, FD, UV, SV) alike.
/// Strings are decoded as ISO 8859-1 (the default repertoire) with padding (spaces, NUL) trimmed.
/// </summary>
public sealed class DicomDataset
{
    private readonly SortedDictionary<DicomTag, DicomElement> _elements = new();

    internal DicomDataset(bool bigEndian) => IsBigEndian = bigEndian;

    /// <summary>True when binary values are big endian (Explicit VR Big Endian transfer syntax).</summary>
    public bool IsBigEndian { get; }

    /// <summary>The elements in tag order.</summary>
    public IEnumerable<DicomElement> Elements => _elements.Values;

    /// <summary>Number of elements at this level.</summary>
    public int Count => _elements.Count;

    internal void Add(DicomElement element) => _elements[element.Tag] = element;

    /// <summary>True when the dataset has the element (possibly empty).</summary>
    public bool Contains(DicomTag tag) => _elements.ContainsKey(tag);

    /// <summary>The element, or null.</summary>
    public DicomElement? Get(DicomTag tag) => _elements.GetValueOrDefault(tag);

    /// <summary>Raw value bytes, or an empty buffer when absent.</summary>
    public ReadOnlyMemory<byte> GetBytes(DicomTag tag) => _elements.TryGetValue(tag, out var e) ? e.Value : ReadOnlyMemory<byte>.Empty;

    /// <summary>The whole value as text (backslashes kept), trimmed; null when absent or empty.</summary>
    public string? GetString(DicomTag tag)
    {
        if (!_elements.TryGetValue(tag, out var e) || e.Value.IsEmpty) return null;
        var s = Encoding.Latin1.GetString(e.Value.Span).Trim(' ', '\0');
        return s.Length == 0 ? null : s;
    }

    /// <summary>The values of a multi-valued text element (split on '\'), each trimmed.</summary>
    public string[] GetStrings(DicomTag tag)
    {
        var s = GetString(tag);
        return s is null ? [] : s.Split('\\').Select(v => v.Trim(' ', '\0')).ToArray();
    }

    /// <summary>
    /// All numeric values of the element; empty when absent. Text values that do not parse make the
    /// result null-free but shorter: use <see cref="TryGetDoubles"/> to tell.
    /// </summary>
    public double[] GetDoubles(DicomTag tag) => TryGetDoubles(tag, out var v) ? v : [];

    /// <summary>Numeric values; false when absent, empty, or not numbers.</summary>
    public bool TryGetDoubles(DicomTag tag, out double[] values)
    {
        values = [];
        if (!_elements.TryGetValue(tag, out var e) || e.Value.IsEmpty || e.IsSequence) return false;
        var span = e.Value.Span;
        int size = BinarySize(e.VR);
        if (size > 0)
        {
            int n = span.Length / size;
            values = new double[n];
            for (int i = 0; i < n; i++) values[i] = ReadBinary(e.VR, span.Slice(i * size, size));
            return n > 0;
        }
        if (e.VR == "UN" && !IsText(span)) return false;
        var parts = Encoding.Latin1.GetString(span).Trim(' ', '\0').Split('\\');
        values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i].Trim(' ', '\0'), NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
            {
                values = [];
                return false;
            }
        }
        return true;
    }

    /// <summary>The <paramref name="index"/>-th numeric value, or null.</summary>
    public double? GetDouble(DicomTag tag, int index = 0) =>
        TryGetDoubles(tag, out var v) && index < v.Length ? v[index] : null;

    /// <summary>The <paramref name="index"/>-th numeric value as an integer (rounded), or null.</summary>
    public int? GetInt32(DicomTag tag, int index = 0)
    {
        var d = GetDouble(tag, index);
        return d is { } x && Math.Abs(x) <= int.MaxValue ? (int)Math.Round(x) : null;
    }

    /// <summary>
    /// A 16-bit unsigned value; reads a 2-byte "UN" element as binary (private elements such as
    /// Siemens' NumberOfImagesInMosaic (0019,xx0A) in implicit VR files), otherwise as <see cref="GetInt32"/>.
    /// </summary>
    public ushort? GetUInt16(DicomTag tag)
    {
        if (_elements.TryGetValue(tag, out var e) && e.VR == "UN" && e.Value.Length == 2)
            return IsBigEndian ? BinaryPrimitives.ReadUInt16BigEndian(e.Value.Span) : BinaryPrimitives.ReadUInt16LittleEndian(e.Value.Span);
        var v = GetInt32(tag);
        return v is >= 0 and <= ushort.MaxValue ? (ushort)v.Value : null;
    }

    /// <summary>Items of a sequence; empty when absent or not a sequence.</summary>
    public IReadOnlyList<DicomDataset> GetSequence(DicomTag tag) =>
        _elements.TryGetValue(tag, out var e) && e.Items is not null ? e.Items : [];

    /// <summary>The first item of a sequence, or null.</summary>
    public DicomDataset? GetFirstItem(DicomTag tag)
    {
        var items = GetSequence(tag);
        return items.Count > 0 ? items[0] : null;
    }

    /// <summary>
    /// The tag of a private element: finds the private creator (gggg,00xx) whose value is
    /// <paramref name="creator"/> and returns (gggg,xxee) with ee = <paramref name="elementOffset"/>; null when
    /// the creator is absent. E.g. ("SIEMENS CSA HEADER", 0x29, 0x10) → (0029,1010) for the CSA image header.
    /// </summary>
    public DicomTag? FindPrivateTag(ushort group, string creator, byte elementOffset)
    {
        for (ushort block = 0x10; block <= 0xFF; block++)
        {
            var s = GetString(new DicomTag(group, block));
            if (s is not null && string.Equals(s, creator, StringComparison.OrdinalIgnoreCase))
                return new DicomTag(group, (ushort)((block << 8) | elementOffset));
        }
        return null;
    }

    private static bool IsText(ReadOnlySpan<byte> span)
    {
        foreach (var b in span)
            if (b != 0 && (b < 0x20 || b > 0x7E)) return false;
        return true;
    }

    private static int BinarySize(string vr) => vr switch
    {
        "US" or "SS" => 2,
        "UL" or "SL" or "FL" => 4,
        "FD" or "UV" or "SV" => 8,
        _ => 0,
    };

    private double ReadBinary(string vr, ReadOnlySpan<byte> b) => (vr, IsBigEndian) switch
    {
        ("US", false) => BinaryPrimitives.ReadUInt16LittleEndian(b),
        ("US", true) => BinaryPrimitives.ReadUInt16BigEndian(b),
        ("SS", false) => BinaryPrimitives.ReadInt16LittleEndian(b),
        ("SS", true) => BinaryPrimitives.ReadInt16BigEndian(b),
        ("UL", false) => BinaryPrimitives.ReadUInt32LittleEndian(b),
        ("UL", true) => BinaryPrimitives.ReadUInt32BigEndian(b),
        ("SL", false) => BinaryPrimitives.ReadInt32LittleEndian(b),
        ("SL", true) => BinaryPrimitives.ReadInt32BigEndian(b),
        ("FL", false) => BinaryPrimitives.ReadSingleLittleEndian(b),
        ("FL", true) => BinaryPrimitives.ReadSingleBigEndian(b),
        ("FD", false) => BinaryPrimitives.ReadDoubleLittleEndian(b),
        ("FD", true) => BinaryPrimitives.ReadDoubleBigEndian(b),
        ("UV", false) => BinaryPrimitives.ReadUInt64LittleEndian(b),
        ("UV", true) => BinaryPrimitives.ReadUInt64BigEndian(b),
        ("SV", false) => BinaryPrimitives.ReadInt64LittleEndian(b),
        ("SV", true) => BinaryPrimitives.ReadInt64BigEndian(b),
        _ => double.NaN,
    };
}
