using System.Buffers.Binary;

namespace RealtimeDecode.Imaging;

/// <summary>
/// Tells a text table from a binary file given in its place (the atlas image passed as the labels TSV, a
/// run as a targets table) by its first <see cref="ProbeBytes"/> bytes, so that a reader refuses it by what
/// it looks like instead of quoting its bytes as a header row.
/// </summary>
public static class TextFileCheck
{
    /// <summary>Bytes read from the start of a file to tell (a NUL byte further on is not looked for).</summary>
    public const int ProbeBytes = 8192;

    /// <summary>
    /// What <paramref name="head"/>, the first bytes of a file, looks like when it is not text: gzip, zip,
    /// NIfTI-1 or -2, DICOM, or any other bytes holding a NUL; null when it may be text. A UTF-16 or UTF-32
    /// byte order mark means text (those encodings hold NUL bytes).
    /// </summary>
    public static string? DescribeBinary(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])
            || head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
            return null;
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B])) return "gzip data";
        if (head.StartsWith("PK\u0003\u0004"u8)) return "zip data";
        if (head.Length >= 348 && IsHeaderSize(head, 348) && (head[344..348].SequenceEqual("n+1\0"u8) || head[344..348].SequenceEqual("ni1\0"u8)))
            return "a NIfTI-1 image";
        if (head.Length >= 12 && IsHeaderSize(head, 540) && (head[4..8].SequenceEqual("n+2\0"u8) || head[4..8].SequenceEqual("ni2\0"u8)))
            return "a NIfTI-2 image";
        if (head.Length >= 132 && head[128..132].SequenceEqual("DICM"u8)) return "a DICOM file";
        return head.Contains((byte)0) ? "binary data" : null;
    }

    /// <summary>Refuses <paramref name="path"/> when its first bytes are not text; <paramref name="hint"/> (e.g. "is this the atlas image?") ends the message.</summary>
    /// <exception cref="InputDataException">The file looks binary.</exception>
    public static void EnsureText(string path, string? hint = null)
    {
        Span<byte> head = stackalloc byte[ProbeBytes];
        int n;
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1))
            n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var kind = DescribeBinary(head[..n]);
        if (kind is null) return;
        throw new InputDataException(path, hint is null
            ? $"not a text table (it looks like {kind})"
            : $"not a text table (it looks like {kind}; {hint})");
    }

    private static bool IsHeaderSize(ReadOnlySpan<byte> head, int size) =>
        BinaryPrimitives.ReadInt32LittleEndian(head) == size || BinaryPrimitives.ReadInt32BigEndian(head) == size;
}
