using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace RealtimeDecode.Imaging.Dicom;

/// <summary>
/// Builds a DICOM Part 10 file in explicit VR little endian: elements are collected in any order and
/// written sorted by tag, the file meta group (0002,xxxx) first with its group length. Text values
/// are padded to even length (UI with NUL, others with a space), binary values are little endian.
/// </summary>
internal sealed class DicomElementWriter
{
    private readonly SortedDictionary<DicomTag, (string Vr, byte[] Value)> _elements = new();

    public void Add(DicomTag tag, string vr, byte[] value) => _elements[tag] = (vr, value);

    public void String(DicomTag tag, string vr, string value)
    {
        var bytes = Encoding.Latin1.GetBytes(value);
        if (bytes.Length % 2 == 1) bytes = [.. bytes, vr == "UI" ? (byte)0 : (byte)' '];
        Add(tag, vr, bytes);
    }

    public void Strings(DicomTag tag, string vr, params string[] values) => String(tag, vr, string.Join('\\', values));

    public void Decimals(DicomTag tag, params double[] values) => Strings(tag, "DS", values.Select(FormatDecimal).ToArray());

    public void Integer(DicomTag tag, long value) => String(tag, "IS", value.ToString(CultureInfo.InvariantCulture));

    public void UInt16(DicomTag tag, ushort value)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        Add(tag, "US", b);
    }

    public void UInt32(DicomTag tag, uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        Add(tag, "UL", b);
    }

    /// <summary>
    /// A decimal string (DS) of at most 16 characters with as many significant digits as fit: the
    /// round-trip form when it fits, else 15, 14, ... significant digits (exponent form when shorter).
    /// </summary>
    public static string FormatDecimal(double v)
    {
        if (!double.IsFinite(v)) throw new ArgumentOutOfRangeException(nameof(v), $"A DICOM decimal string cannot hold {v}.");
        if (v == 0) return "0";
        var s = v.ToString("R", CultureInfo.InvariantCulture);
        for (int digits = 16; s.Length > 16 && digits >= 1; digits--)
            s = v.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return s;
    }

    /// <summary>The whole file: 128-byte zero preamble, "DICM", meta group, dataset.</summary>
    public byte[] ToArray()
    {
        using var ms = new MemoryStream();
        ms.Write(new byte[128]);
        ms.Write("DICM"u8);
        var meta = _elements.Where(e => e.Key.Group == 0x0002 && e.Key.Element != 0).ToList();
        long metaLength = meta.Sum(e => ElementLength(e.Value.Vr, e.Value.Value.Length));
        var groupLength = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(groupLength, checked((uint)metaLength));
        WriteElement(ms, new DicomTag(0x0002, 0x0000), "UL", groupLength);
        foreach (var e in meta) WriteElement(ms, e.Key, e.Value.Vr, e.Value.Value);
        foreach (var e in _elements.Where(e => e.Key.Group != 0x0002)) WriteElement(ms, e.Key, e.Value.Vr, e.Value.Value);
        return ms.ToArray();
    }

    private static bool HasLongLength(string vr) => vr is "OB" or "OD" or "OF" or "OL" or "OV" or "OW" or "SQ" or "SV" or "UC" or "UN" or "UR" or "UT" or "UV";

    private static long ElementLength(string vr, int valueLength) => (HasLongLength(vr) ? 12 : 8) + valueLength;

    private static void WriteElement(Stream s, DicomTag tag, string vr, byte[] value)
    {
        Span<byte> head = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(head, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(head[2..], tag.Element);
        head[4] = (byte)vr[0];
        head[5] = (byte)vr[1];
        if (HasLongLength(vr))
        {
            head[6] = 0;
            head[7] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(head[8..], checked((uint)value.Length));
            s.Write(head);
        }
        else
        {
            if (value.Length > ushort.MaxValue) throw new ArgumentOutOfRangeException(nameof(value), $"Element {tag} ({vr}) cannot hold {value.Length} bytes.");
            BinaryPrimitives.WriteUInt16LittleEndian(head[6..], (ushort)value.Length);
            s.Write(head[..8]);
        }
        s.Write(value);
    }
}
