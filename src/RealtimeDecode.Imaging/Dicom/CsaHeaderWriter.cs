using System.Buffers.Binary;
using System.Text;

namespace RealtimeDecode.Imaging.Dicom;

/// <summary>
/// Writes a Siemens CSA header in the "SV10" (CSA2) format that <see cref="CsaHeader"/>, nibabel and
/// dcm2niix read: "SV10" + 4 bytes, n_tags, 77; per tag a 64-byte name, vm, a 4-byte VR, syngodt,
/// n_items (6 when the tag has values, as Siemens writes them), 77; per item four int32 (length,
/// length, 77, length) and the NUL-terminated text padded to 4 bytes. Items past the values are empty.
/// </summary>
internal static class CsaHeaderWriter
{
    private const int ItemsPerTag = 6;

    public static byte[] Encode(IReadOnlyList<(string Name, string Vr, string[] Values)> tags)
    {
        using var ms = new MemoryStream();
        var word = new byte[4];
        void Int(int v) { BinaryPrimitives.WriteInt32LittleEndian(word, v); ms.Write(word); }

        ms.Write("SV10"u8);
        ms.Write([4, 3, 2, 1]);
        Int(tags.Count);
        Int(77);
        foreach (var (name, vr, values) in tags)
        {
            if (values.Length > ItemsPerTag) throw new ArgumentOutOfRangeException(nameof(tags), $"CSA tag {name} has {values.Length} values, at most {ItemsPerTag}.");
            var nameBytes = new byte[64];
            Encoding.ASCII.GetBytes(name, nameBytes);
            ms.Write(nameBytes);
            Int(values.Length);
            var vrBytes = new byte[4];
            Encoding.ASCII.GetBytes(vr, vrBytes);
            ms.Write(vrBytes);
            Int(3);
            int items = values.Length > 0 ? ItemsPerTag : 0;
            Int(items);
            Int(77);
            for (int i = 0; i < items; i++)
            {
                byte[] text = i < values.Length ? [.. Encoding.ASCII.GetBytes(values[i]), 0] : [];
                Int(text.Length);
                Int(text.Length);
                Int(77);
                Int(text.Length);
                ms.Write(text);
                ms.Write(new byte[(4 - text.Length % 4) % 4]);
            }
        }
        return ms.ToArray();
    }
}
