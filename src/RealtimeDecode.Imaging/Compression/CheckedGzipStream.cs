using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace RealtimeDecode.Imaging.Compression;

/// <summary>
/// Decompresses a single-member gzip file (RFC 1952, as gzip, pigz, nibabel and dcm2niix write
/// them) and, when the deflate data end, checks the trailer: the CRC-32 and the length (mod 2^32)
/// of all the decompressed bytes against the last 8 bytes of the file. A mismatch, a cut trailer or
/// a malformed member header throws <see cref="InvalidDataException"/> with a one-line message.
/// Only a reader that reads to the end gets the check: stopping early checks nothing.
/// The underlying stream must be seekable (a file or a memory stream) and positioned at the start.
/// </summary>
internal sealed class CheckedGzipStream : Stream
{
    private const int TrailerBytes = 8;

    private readonly Stream _raw;
    private readonly Crc32 _crc = new();
    private DeflateStream? _deflate;
    private long _length;
    private bool _ended;

    public CheckedGzipStream(Stream raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (!raw.CanSeek) throw new ArgumentException("The gzip file must be seekable.", nameof(raw));
        _raw = raw;
    }

    /// <summary>True once the deflate data have ended (the trailer has then been checked, or its check has thrown).</summary>
    public bool EndReached => _ended;

    /// <summary>Decompressed bytes returned so far.</summary>
    public long DecompressedLength => _length;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _length; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_ended || buffer.IsEmpty) return 0;
        _deflate ??= new DeflateStream(SkipHeader(), CompressionMode.Decompress, leaveOpen: true);
        int n = _deflate.Read(buffer);
        if (n == 0)
        {
            _ended = true;
            CheckTrailer();
            return 0;
        }
        _crc.Append(buffer[..n]);
        _length += n;
        return n;
    }

    private Stream SkipHeader()
    {
        Span<byte> fixedPart = stackalloc byte[10];
        ReadHeaderBytes(fixedPart);
        if (fixedPart[0] != 0x1F || fixedPart[1] != 0x8B)
            throw new InvalidDataException("no gzip signature");
        if (fixedPart[2] != 8)
            throw new InvalidDataException($"gzip compression method {fixedPart[2]} is not deflate (8)");
        byte flags = fixedPart[3];
        Span<byte> two = stackalloc byte[2];
        if ((flags & 0x04) != 0) // FEXTRA
        {
            ReadHeaderBytes(two);
            Skip(BinaryPrimitives.ReadUInt16LittleEndian(two));
        }
        if ((flags & 0x08) != 0) SkipZeroTerminated(); // FNAME
        if ((flags & 0x10) != 0) SkipZeroTerminated(); // FCOMMENT
        if ((flags & 0x02) != 0) Skip(2); // FHCRC
        return _raw;
    }

    private void ReadHeaderBytes(Span<byte> dst)
    {
        if (_raw.ReadAtLeast(dst, dst.Length, throwOnEndOfStream: false) < dst.Length)
            throw new InvalidDataException("the gzip header is cut short");
    }

    private void Skip(int n)
    {
        Span<byte> b = stackalloc byte[1];
        for (int i = 0; i < n; i++) ReadHeaderBytes(b);
    }

    private void SkipZeroTerminated()
    {
        Span<byte> b = stackalloc byte[1];
        do ReadHeaderBytes(b); while (b[0] != 0);
    }

    private void CheckTrailer()
    {
        uint crc = _crc.Value, size = unchecked((uint)_length);
        Span<byte> expected = stackalloc byte[TrailerBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(expected, crc);
        BinaryPrimitives.WriteUInt32LittleEndian(expected[4..], size);
        long fileLength = _raw.Length;
        Span<byte> tail = stackalloc byte[TrailerBytes];
        int have = (int)Math.Min(TrailerBytes, fileLength);
        _raw.Seek(fileLength - have, SeekOrigin.Begin);
        _raw.ReadExactly(tail[..have]);
        tail = tail[..have];
        if (have == TrailerBytes && tail.SequenceEqual(expected)) return;
        // A file that ends with the first k bytes of the right trailer (k ≥ 2, so that a chance match
        // of a corrupt CRC is rare) was cut inside the trailer.
        for (int k = TrailerBytes - 1; k >= 2; k--)
            if (have >= k && tail[(have - k)..].SequenceEqual(expected[..k]))
                throw new InvalidDataException(
                    $"the gzip trailer (CRC-32 and length) is cut short: the file ends {(TrailerBytes - k).ToString(CultureInfo.InvariantCulture)} bytes early");
        if (have < TrailerBytes)
            throw new InvalidDataException("the gzip trailer (CRC-32 and length) is missing");
        uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(tail);
        uint storedSize = BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]);
        if (storedCrc != crc)
            throw new InvalidDataException(
                $"CRC-32 mismatch: the decompressed data give {crc:x8}, the gzip trailer says {storedCrc:x8} (the file is corrupt)");
        throw new InvalidDataException(
            $"length mismatch: {size.ToString(CultureInfo.InvariantCulture)} bytes decompressed (mod 2^32), the gzip trailer says {storedSize.ToString(CultureInfo.InvariantCulture)} (the file is corrupt)");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _deflate?.Dispose();
        base.Dispose(disposing);
    }
}
