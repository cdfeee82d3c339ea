using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace RealtimeDecode.Imaging.Dicom;

/// <summary>
/// DICOM Part 10 files: the 128-byte preamble and "DICM", the file meta group (explicit VR little
/// endian), then the dataset in the transfer syntax the meta group names. The structure (elements,
/// sequences of defined and undefined length, nested, encapsulated pixel data) is followed for
/// implicit VR little endian, explicit VR little endian, explicit VR big endian and the encapsulated
/// (compressed) syntaxes, so completeness can be told for all of them; only the two uncompressed
/// little endian syntaxes can be turned into voxels (see <see cref="DicomReader"/>).
/// Files without preamble whose first element is a group 0002 or 0008 element are accepted too.
/// Gzip-compressed files (.dcm.gz) are decompressed by <see cref="Read"/>.
/// Limits, checked before anything is allocated for them: sequences nest at most
/// <see cref="MaxSequenceDepth"/> levels (files in the wild nest a few), an element's declared
/// length is at most <see cref="MaxElementLength"/> bytes, and a .dcm.gz decompresses to at most
/// <see cref="MaxFileBytes"/> bytes; beyond them the file is refused as malformed.
/// </summary>
public static class DicomFile
{
    /// <summary>Deepest nesting of sequence items followed (an item inside a sequence inside an item ... counts one level per item).</summary>
    public const int MaxSequenceDepth = 32;

    /// <summary>Largest declared element length accepted, in bytes (1 GiB).</summary>
    public const long MaxElementLength = 1L << 30;

    /// <summary>Largest file accepted, in bytes, after gzip decompression (1 GiB + 64 KiB for the header elements).</summary>
    public const long MaxFileBytes = MaxElementLength + (1 << 16);

    /// <summary>Implicit VR Little Endian.</summary>
    public const string ImplicitVRLittleEndian = "1.2.840.10008.1.2";

    /// <summary>Explicit VR Little Endian.</summary>
    public const string ExplicitVRLittleEndian = "1.2.840.10008.1.2.1";

    /// <summary>Explicit VR Big Endian (retired).</summary>
    public const string ExplicitVRBigEndian = "1.2.840.10008.1.2.2";

    /// <summary>Deflated Explicit VR Little Endian.</summary>
    public const string DeflatedExplicitVRLittleEndian = "1.2.840.10008.1.2.1.99";

    /// <summary>Reads and parses a whole file (gzip-compressed files are decompressed first).</summary>
    /// <exception cref="InputDataException">Missing, unreadable, not DICOM, malformed, or truncated ("truncated ...").</exception>
    public static DicomDataset Read(string path) => Parse(ReadAllBytes(path), path);

    /// <summary>
    /// Parses a complete file held in memory. A file that ends inside an element, or before the end
    /// of its pixel data, throws <see cref="InputDataException"/> with a problem starting "truncated".
    /// A file that ends cleanly without pixel data is returned as is (readers then say "no pixel data").
    /// </summary>
    public static DicomDataset Parse(ReadOnlyMemory<byte> bytes, string? path = null)
    {
        var r = ParseCore(bytes);
        if (r.Problem is not null) throw new InputDataException(path, r.Problem);
        return r.Dataset!;
    }

    /// <summary>
    /// Parses the bytes available so far without throwing. True (and <see cref="DicomCompleteness.Complete"/>)
    /// once the pixel data element is present to its last byte; the dataset is then returned.
    /// <see cref="DicomCompleteness.Incomplete"/> while the bytes end inside an element or before
    /// any pixel data; <see cref="DicomCompleteness.Invalid"/> when they cannot be a DICOM file.
    /// Elements after the pixel data (trailing padding) are read when present and ignored when cut.
    /// </summary>
    public static bool TryParse(ReadOnlyMemory<byte> bytes, out DicomDataset? dataset, out DicomCompleteness completeness)
    {
        var r = ParseCore(bytes);
        completeness = r.Completeness;
        dataset = r.Completeness == DicomCompleteness.Complete ? r.Dataset : null;
        return dataset is not null;
    }

    /// <summary>As <see cref="TryParse(ReadOnlyMemory{byte}, out DicomDataset?, out DicomCompleteness)"/>; copies the bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out DicomDataset? dataset, out DicomCompleteness completeness) =>
        TryParse(bytes.ToArray().AsMemory(), out dataset, out completeness);

    /// <summary>
    /// Completeness of a file that may still be being written: reads the bytes there now (sharing
    /// the file with its writer) and parses them to the end of the pixel data. No waiting: call it
    /// again when the file changes. A missing or locked file is <see cref="DicomCompleteness.Incomplete"/>.
    /// </summary>
    public static DicomCompleteness CheckCompleteness(string path)
    {
        RentedBytes bytes;
        try
        {
            bytes = ReadRented(path, ArrayPool<byte>.Shared, allowPartialGzip: true);
        }
        catch (InputDataException e) when (e.InnerException is FileTooLargeException)
        {
            // beyond the limit now, beyond it whatever is written later: never worth another look
            return DicomCompleteness.Invalid;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InputDataException)
        {
            return DicomCompleteness.Incomplete;
        }
        // only the completeness leaves: the parsed dataset, which points into the rented bytes, is dropped
        using (bytes) return ParseCore(bytes.Memory).Completeness;
    }

    /// <summary>True when <see cref="CheckCompleteness"/> says <see cref="DicomCompleteness.Complete"/>.</summary>
    public static bool IsComplete(string path) => CheckCompleteness(path) == DicomCompleteness.Complete;

    /// <summary>The dataset's transfer syntax UID ((0002,0010)); implicit VR little endian when the file has no meta group.</summary>
    public static string TransferSyntaxOf(DicomDataset dataset) =>
        dataset.GetString(DicomTags.TransferSyntaxUid) ?? ImplicitVRLittleEndian;

    internal static byte[] ReadAllBytes(string path, bool allowPartialGzip = false)
    {
        using var bytes = ReadRented(path, ArrayPool<byte>.Shared, allowPartialGzip);
        return bytes.Memory.ToArray();
    }

    /// <summary>
    /// The bytes of <paramref name="path"/> (decompressed when it is gzip), read into arrays rented from
    /// <paramref name="pool"/>: no per-file growth of a MemoryStream and no final copy. Whatever is made from
    /// <see cref="RentedBytes.Memory"/> (a parsed <see cref="DicomDataset"/> points into it) must not outlive the
    /// <see cref="RentedBytes"/>, whose disposal gives the array back. Errors as <see cref="Read(string)"/>; every
    /// rented array is given back on an error too.
    /// </summary>
    internal static RentedBytes ReadRented(string path, ArrayPool<byte> pool, bool allowPartialGzip = false)
    {
        RentedBytes raw;
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            if (fs.Length > MaxFileBytes)
                throw TooLarge(path, $"is {fs.Length.ToString(CultureInfo.InvariantCulture)} bytes, more than the {MaxFileBytes.ToString(CultureInfo.InvariantCulture)}-byte limit for one DICOM file");
            // A file still being written may grow while it is read: read to its end as it is then.
            raw = RentedBytes.ReadToEnd(fs, pool, (int)Math.Max(fs.Length + 1, 1 << 12), path, "is more than the {0}-byte limit for one DICOM file");
        }
        catch (FileNotFoundException) { throw new InputDataException(path, "file not found"); }
        catch (DirectoryNotFoundException) { throw new InputDataException(path, "file not found"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException(path, $"cannot be read ({e.Message})");
        }
        var span = raw.Memory.Span;
        if (span.Length < 2 || span[0] != 0x1F || span[1] != 0x8B) return raw;
        using (raw)
        {
            try
            {
                using var gz = new GZipStream(new MemoryStream(raw.Array, 0, raw.Memory.Length, writable: false), CompressionMode.Decompress);
                return RentedBytes.ReadToEnd(gz, pool, Math.Max(4 * raw.Memory.Length, 1 << 16), path, "decompresses to more than {0} bytes, the limit for one DICOM file");
            }
            catch (InvalidDataException e)
            {
                if (allowPartialGzip) throw new InputDataException(path, "gzip stream is incomplete");
                throw new InputDataException(path, $"truncated or corrupt gzip stream ({e.Message})");
            }
        }
    }

    /// <summary>An array rented from a pool and the length of its content; disposing gives the array back (once).</summary>
    internal sealed class RentedBytes : IDisposable
    {
        private readonly ArrayPool<byte> _pool;
        private byte[]? _array;
        private readonly int _length;

        private RentedBytes(ArrayPool<byte> pool, byte[] array, int length)
        {
            _pool = pool;
            _array = array;
            _length = length;
        }

        /// <summary>The rented array (longer than the content).</summary>
        public byte[] Array => _array ?? throw new ObjectDisposedException(nameof(RentedBytes));

        /// <summary>The content.</summary>
        public ReadOnlyMemory<byte> Memory => Array.AsMemory(0, _length);

        /// <summary>
        /// Reads <paramref name="source"/> to its end into arrays from <paramref name="pool"/>, starting with
        /// <paramref name="initial"/> bytes and doubling; more than <see cref="MaxFileBytes"/> bytes is refused
        /// with <paramref name="tooLarge"/> ({0} = the limit).
        /// </summary>
        public static RentedBytes ReadToEnd(Stream source, ArrayPool<byte> pool, int initial, string path, string tooLarge)
        {
            var a = pool.Rent((int)Math.Min(initial, MaxFileBytes + 1));
            int length = 0;
            try
            {
                int got;
                while ((got = source.Read(a.AsSpan(length))) > 0)
                {
                    length += got;
                    if (length > MaxFileBytes)
                        throw TooLarge(path, string.Format(CultureInfo.InvariantCulture, tooLarge, MaxFileBytes));
                    if (length == a.Length)
                    {
                        var next = pool.Rent((int)Math.Min(2L * a.Length, MaxFileBytes + 1));
                        a.AsSpan(0, length).CopyTo(next);
                        pool.Return(a);
                        a = next;
                    }
                }
                return new RentedBytes(pool, a, length);
            }
            catch
            {
                pool.Return(a);
                throw;
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } a) _pool.Return(a);
        }
    }

    /// <summary>True when the bytes start like a DICOM file (Part 10 preamble and "DICM", or a raw dataset).</summary>
    internal static bool LooksLikeDicom(ReadOnlySpan<byte> span) =>
        (span.Length >= 132 && span.Slice(128, 4).SequenceEqual("DICM"u8)) || (span.Length >= 8 && LooksLikeRawDataset(span));

    private static InputDataException TooLarge(string path, string problem) => new(path, problem, new FileTooLargeException());

    /// <summary>Marks an <see cref="InputDataException"/> about a size limit (as opposed to a file still being written).</summary>
    private sealed class FileTooLargeException : Exception;

    private sealed record ParseResult(DicomDataset? Dataset, DicomCompleteness Completeness, string? Problem);

    private sealed class TruncatedException(string message) : Exception(message);

    private sealed class MalformedException(string message) : Exception(message);

    private static ParseResult ParseCore(ReadOnlyMemory<byte> bytes)
    {
        var span = bytes.Span;
        int pos;
        var meta = new DicomDataset(false);
        if (span.Length >= 132 && span.Slice(128, 4).SequenceEqual("DICM"u8)) pos = 132;
        else if (span.Length >= 8 && LooksLikeRawDataset(span)) pos = 0;
        else if (span.Length < 132 && (span.Length <= 128 || "DICM"u8.StartsWith(span[128..])))
            return new(null, DicomCompleteness.Incomplete, $"truncated: {span.Length} bytes, shorter than the 132-byte preamble and DICM mark");
        else
            return new(null, DicomCompleteness.Invalid, "not a DICOM file (no \"DICM\" at byte 128)");

        var p = new Parser(bytes);
        p.Pos = pos;
        try
        {
            // file meta group: explicit VR little endian whatever the dataset's syntax
            while (p.Remaining >= 2 && BinaryPrimitives.ReadUInt16LittleEndian(span[p.Pos..]) == 0x0002)
                meta.Add(p.ReadElement(explicitVr: true, bigEndian: false, topLevel: false));
        }
        catch (TruncatedException e) { return new(null, DicomCompleteness.Incomplete, e.Message); }
        catch (MalformedException e) { return new(null, DicomCompleteness.Invalid, e.Message); }

        string ts = meta.GetString(DicomTags.TransferSyntaxUid) ?? GuessSyntax(span[p.Pos..]);
        if (ts == DeflatedExplicitVRLittleEndian)
            return new(null, DicomCompleteness.Invalid, $"transfer syntax {ts} (deflated) is not supported");
        bool explicitVr = ts != ImplicitVRLittleEndian;
        bool bigEndian = ts == ExplicitVRBigEndian;

        var ds = new DicomDataset(bigEndian);
        foreach (var e in meta.Elements) ds.Add(e);
        if (!meta.Contains(DicomTags.TransferSyntaxUid))
            ds.Add(new DicomElement(DicomTags.TransferSyntaxUid, "UI", Encoding.ASCII.GetBytes(ts)));
        bool sawPixels = false;
        try
        {
            while (p.Remaining > 0)
            {
                var e = p.ReadElement(explicitVr, bigEndian, topLevel: true);
                ds.Add(e);
                if (e.Tag == DicomTags.PixelData)
                {
                    sawPixels = true;
                    break;
                }
            }
        }
        catch (TruncatedException e) { return new(ds, DicomCompleteness.Incomplete, e.Message); }
        catch (MalformedException e) { return new(ds, DicomCompleteness.Invalid, e.Message); }

        if (sawPixels)
        {
            // trailing elements (padding, signatures): kept when whole, ignored when cut or odd
            try
            {
                while (p.Remaining > 0) ds.Add(p.ReadElement(explicitVr, bigEndian, topLevel: true));
            }
            catch (Exception e) when (e is TruncatedException or MalformedException) { }
            return new(ds, DicomCompleteness.Complete, null);
        }
        return new(ds, DicomCompleteness.Incomplete, null);
    }

    private static bool LooksLikeRawDataset(ReadOnlySpan<byte> s)
    {
        ushort group = BinaryPrimitives.ReadUInt16LittleEndian(s);
        return group is 0x0002 or 0x0008;
    }

    private static string GuessSyntax(ReadOnlySpan<byte> s) =>
        s.Length >= 6 && IsVrChar(s[4]) && IsVrChar(s[5]) ? ExplicitVRLittleEndian : ImplicitVRLittleEndian;

    private static bool IsVrChar(byte b) => b is >= (byte)'A' and <= (byte)'Z';

    private static bool HasLongLength(string vr) => vr is "OB" or "OD" or "OF" or "OL" or "OV" or "OW" or "SQ" or "SV" or "UC" or "UN" or "UR" or "UT" or "UV";

    private const uint Undefined = 0xFFFFFFFF;

    /// <summary>Cursor over the file's bytes; elements keep slices of the buffer.</summary>
    private sealed class Parser(ReadOnlyMemory<byte> buffer)
    {
        public int Pos;
        private DicomTag _context;
        private int _depth;

        public int Remaining => buffer.Length - Pos;

        private ReadOnlySpan<byte> Take(long n)
        {
            if (n > Remaining)
                throw new TruncatedException($"truncated: the file ends at byte {buffer.Length} inside element {_context} ({n - Remaining} more bytes expected)");
            var s = buffer.Span.Slice(Pos, (int)n);
            Pos += (int)n;
            return s;
        }

        private ushort U16(bool be) { var s = Take(2); return be ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s); }

        private uint U32(bool be) { var s = Take(4); return be ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s); }

        private DicomTag Tag(bool be)
        {
            var t = new DicomTag(U16(be), U16(be));
            return t;
        }

        public DicomElement ReadElement(bool explicitVr, bool bigEndian, bool topLevel)
        {
            int start = Pos;
            _context = new DicomTag(0, 0);
            var tag = Tag(bigEndian);
            _context = tag;
            if (tag.Value == 0 && topLevel)
                // zeros where an element should start: a writer that pre-sized the file has not got here yet
                throw new TruncatedException($"truncated: zero bytes instead of an element at byte {start}");
            if (tag.Group == 0xFFFE)
                throw new MalformedException($"unexpected item or delimiter tag {tag} at byte {start}");
            string vr;
            uint length;
            if (explicitVr)
            {
                var v = Take(2);
                vr = Encoding.ASCII.GetString(v);
                if (!IsVrChar(v[0]) || !IsVrChar(v[1]))
                    throw new MalformedException($"element {tag} at byte {start} has no valid VR");
                if (HasLongLength(vr))
                {
                    Take(2);
                    length = U32(bigEndian);
                }
                else length = U16(bigEndian);
            }
            else
            {
                vr = DicomDictionary.Lookup(tag);
                length = U32(bigEndian);
            }

            if (tag == DicomTags.PixelData && length == Undefined)
                return new DicomElement(tag, vr, ReadOnlyMemory<byte>.Empty, fragments: ReadFragments(bigEndian), undefinedLength: true);

            bool isSequence = vr == "SQ"
                || (length == Undefined && (vr == "UN" || !explicitVr))
                || (!explicitVr && vr == "UN" && length >= 8 && StartsWithItem(bigEndian));
            if (isSequence)
            {
                if (_depth >= MaxSequenceDepth)
                    throw new MalformedException($"sequence {tag} at byte {start} is nested deeper than {MaxSequenceDepth} levels");
                // an explicit VR "UN" of undefined length is an implicit VR little endian sequence (PS3.5 6.2.2)
                bool itemsExplicit = explicitVr && vr == "SQ";
                _depth++;
                var items = length == Undefined
                    ? ReadItemsUndefined(itemsExplicit, bigEndian)
                    : ReadItemsDefined(length, itemsExplicit, bigEndian);
                _depth--;
                _context = tag;
                return new DicomElement(tag, "SQ", ReadOnlyMemory<byte>.Empty, items: items, undefinedLength: length == Undefined);
            }
            if (length == Undefined)
                throw new MalformedException($"element {tag} ({vr}) at byte {start} has undefined length");
            if (length > MaxElementLength)
                throw new MalformedException($"element {tag} ({vr}) at byte {start} declares {length.ToString(CultureInfo.InvariantCulture)} bytes, more than the {MaxElementLength.ToString(CultureInfo.InvariantCulture)}-byte limit");
            int valueStart = Pos;
            Take(length);
            return new DicomElement(tag, vr, buffer.Slice(valueStart, (int)length));
        }

        private bool StartsWithItem(bool be)
        {
            if (Remaining < 4) return false;
            var s = buffer.Span.Slice(Pos, 4);
            ushort g = be ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);
            ushort e = be ? BinaryPrimitives.ReadUInt16BigEndian(s[2..]) : BinaryPrimitives.ReadUInt16LittleEndian(s[2..]);
            return g == 0xFFFE && e == 0xE000;
        }

        private List<DicomDataset> ReadItemsDefined(uint length, bool explicitVr, bool be)
        {
            var seqTag = _context;
            if (length > MaxElementLength)
                throw new MalformedException($"sequence {seqTag} declares {length.ToString(CultureInfo.InvariantCulture)} bytes, more than the {MaxElementLength.ToString(CultureInfo.InvariantCulture)}-byte limit");
            long end = (long)Pos + length;
            if (end > buffer.Length) Take(length); // reports truncation
            var items = new List<DicomDataset>();
            while (Pos < end)
            {
                var t = Tag(be);
                uint len = U32(be);
                if (t == DicomTags.SequenceDelimitation) break;
                if (t != DicomTags.Item) throw new MalformedException($"sequence {seqTag}: expected an item tag at byte {Pos - 8}, found {t}");
                items.Add(ReadItem(len, explicitVr, be));
                _context = seqTag;
            }
            if (Pos != end) throw new MalformedException($"sequence {seqTag}: items overrun its length");
            return items;
        }

        private List<DicomDataset> ReadItemsUndefined(bool explicitVr, bool be)
        {
            var seqTag = _context;
            var items = new List<DicomDataset>();
            while (true)
            {
                var t = Tag(be);
                uint len = U32(be);
                if (t == DicomTags.SequenceDelimitation) return items;
                if (t != DicomTags.Item) throw new MalformedException($"sequence {seqTag}: expected an item tag at byte {Pos - 8}, found {t}");
                items.Add(ReadItem(len, explicitVr, be));
                _context = seqTag;
            }
        }

        private DicomDataset ReadItem(uint length, bool explicitVr, bool be)
        {
            var item = new DicomDataset(be);
            if (length == Undefined)
            {
                while (true)
                {
                    if (Remaining >= 4 && PeekTag(be) == DicomTags.ItemDelimitation)
                    {
                        Take(8);
                        return item;
                    }
                    item.Add(ReadElement(explicitVr, be, topLevel: false));
                }
            }
            if (length > MaxElementLength)
                throw new MalformedException($"an item at byte {Pos - 8} declares {length.ToString(CultureInfo.InvariantCulture)} bytes, more than the {MaxElementLength.ToString(CultureInfo.InvariantCulture)}-byte limit");
            long end = (long)Pos + length;
            if (end > buffer.Length) Take(length);
            while (Pos < end) item.Add(ReadElement(explicitVr, be, topLevel: false));
            if (Pos != end) throw new MalformedException($"an item ending at byte {end} is overrun by its elements");
            return item;
        }

        private DicomTag PeekTag(bool be)
        {
            var s = buffer.Span.Slice(Pos, 4);
            return be
                ? new DicomTag(BinaryPrimitives.ReadUInt16BigEndian(s), BinaryPrimitives.ReadUInt16BigEndian(s[2..]))
                : new DicomTag(BinaryPrimitives.ReadUInt16LittleEndian(s), BinaryPrimitives.ReadUInt16LittleEndian(s[2..]));
        }

        private List<ReadOnlyMemory<byte>> ReadFragments(bool be)
        {
            var fragments = new List<ReadOnlyMemory<byte>>();
            while (true)
            {
                var t = Tag(be);
                uint len = U32(be);
                if (t == DicomTags.SequenceDelimitation) return fragments;
                if (t != DicomTags.Item || len == Undefined)
                    throw new MalformedException($"encapsulated pixel data: expected a fragment item at byte {Pos - 8}, found {t}");
                if (len > MaxElementLength)
                    throw new MalformedException($"encapsulated pixel data: a fragment at byte {Pos - 8} declares {len.ToString(CultureInfo.InvariantCulture)} bytes, more than the {MaxElementLength.ToString(CultureInfo.InvariantCulture)}-byte limit");
                int start = Pos;
                Take(len);
                fragments.Add(buffer.Slice(start, (int)len));
            }
        }
    }
}
