using System.Buffers;
using System.Globalization;
using RealtimeDecode.Imaging.Compression;

namespace RealtimeDecode.Imaging.Nifti;

/// <summary>
/// Reads a NIfTI-1 or NIfTI-2 image (.nii, .nii.gz, or a .hdr/.img pair) one volume at a time.
/// Compression is detected from the gzip signature, byte order and version from <c>sizeof_hdr</c>.
/// An uncompressed file seeks straight to <c>vox_offset + t·volumeBytes</c>; a gzip file is streamed
/// and the position kept, so reading volumes in order decompresses each byte once (going backwards
/// reopens the file). Values are float32 with scl_slope/scl_inter applied (see <see cref="NiftiHeader"/>).
/// A gzip file must be one gzip member; reading its last volume reads on to the end of the stream
/// and checks the gzip trailer (CRC-32 and length), so a corrupt file is refused rather than read,
/// and at most <see cref="MaxTrailingBytes"/> decompressed bytes may follow the last volume.
/// Header limits (voxels and bytes per volume, bytes per file) are those of <see cref="NiftiHeader"/>.
/// Not thread-safe. The raw-byte buffer (the stored bytes of one volume) comes from an
/// <see cref="ArrayPool{T}"/> (<see cref="ArrayPool{T}.Shared"/> unless one is given to
/// <see cref="Open(string, ArrayPool{byte})"/>), is reused from volume to volume and goes back to that pool
/// on <see cref="Dispose"/>. The float array of each <see cref="Volume"/> is new, or rented from a
/// <see cref="VoxelBufferPool"/> when one is passed to <see cref="ReadVolume(int, VoxelBufferPool)"/>.
/// </summary>
public sealed class NiftiReader : IDisposable
{
    /// <summary>Read buffer of a gzip file (the deflate stream's reads are small); an uncompressed file is read unbuffered.</summary>
    private const int GzipBufferSize = 1 << 16;

    /// <summary>Most decompressed bytes a .nii.gz may hold after its last volume (1 MiB); more is refused as corrupt.</summary>
    public const long MaxTrailingBytes = 1L << 20;

    private readonly Func<Stream> _openData;
    private readonly string _dataPath;
    private readonly bool _gzip;
    private readonly long _dataBase;
    private readonly ArrayPool<byte> _bytes;
    private Stream? _raw;
    private Stream? _stream;
    private long _pos;
    private byte[]? _buffer;
    private bool _disposed;

    private NiftiReader(string path, NiftiHeader header, string dataPath, Func<Stream> openData, bool gzip,
        Stream? raw, Stream? stream, long pos, long dataBase, ArrayPool<byte> bytes)
    {
        _bytes = bytes;
        Path = path;
        Header = header;
        _dataPath = dataPath;
        _openData = openData;
        _gzip = gzip;
        _raw = raw;
        _stream = stream;
        _pos = pos;
        _dataBase = dataBase;
    }

    /// <summary>The file that was opened.</summary>
    public string Path { get; }

    /// <summary>The parsed header.</summary>
    public NiftiHeader Header { get; }

    /// <summary>Number of volumes (1 for a 3D image).</summary>
    public int VolumeCount => Header.VolumeCount;

    /// <summary>
    /// Opens <paramref name="path"/> and parses its header. For an uncompressed file, checks that the
    /// file holds all the data the dims say.
    /// </summary>
    /// <exception cref="InputDataException">Missing file, truncated or malformed header, bad gzip, or too little data.</exception>
    public static NiftiReader Open(string path) => Open(path, ArrayPool<byte>.Shared);

    /// <summary>
    /// <see cref="Open(string)"/>, with the raw-byte buffer rented from <paramref name="bytes"/> and given back
    /// to it on <see cref="Dispose"/>.
    /// </summary>
    /// <exception cref="InputDataException">Missing file, truncated or malformed header, bad gzip, or too little data.</exception>
    public static NiftiReader Open(string path, ArrayPool<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(bytes);
        if (Directory.Exists(path))
            throw new InputDataException(path, "is a folder, not a NIfTI file");
        if (!File.Exists(path))
            throw new InputDataException(path, "file not found");
        return OpenCore(path, () => OpenFile(path), path, null, bytes);
    }

    /// <summary>
    /// Opens a complete NIfTI file held in memory (e.g. one a scanner just wrote); <paramref name="name"/>
    /// names it in error messages.
    /// </summary>
    public static NiftiReader Open(byte[] fileBytes, string name)
    {
        ArgumentNullException.ThrowIfNull(fileBytes);
        ArgumentNullException.ThrowIfNull(name);
        return OpenCore(name, () => new MemoryStream(fileBytes, writable: false), name, fileBytes.LongLength, ArrayPool<byte>.Shared);
    }

    /// <summary>Reads and parses only the header of <paramref name="path"/>.</summary>
    public static NiftiHeader ReadHeader(string path)
    {
        using var r = Open(path);
        return r.Header;
    }

    /// <summary>Reads every volume of <paramref name="path"/> in order, opening and closing the file around the enumeration.</summary>
    public static IEnumerable<Volume> ReadAllVolumes(string path)
    {
        using var r = Open(path);
        foreach (var v in r.ReadVolumes()) yield return v;
    }

    /// <summary>Reads volume <paramref name="index"/> (0 for a 3D file) of <paramref name="path"/>.</summary>
    public static Volume ReadVolume(string path, int index = 0)
    {
        using var r = Open(path);
        return r.ReadVolume(index);
    }

    // pixdim[4] of a 3D file means a time only when its units say so (tools fill it with 1 otherwise).
    private double StatedRepetitionTime => Header.StatedRepetitionTimeSeconds;

    /// <summary>
    /// Reads volume <paramref name="index"/> into a new float array: x fastest, scaled, with the header's
    /// affine, <see cref="Volume.Index"/> = index and <see cref="Volume.OnsetSeconds"/> = index × TR.
    /// </summary>
    public Volume ReadVolume(int index)
    {
        // The voxels are allocated only once the file has delivered all of the volume's bytes, so a small
        // .nii.gz whose header claims a gigabyte is refused as truncated without allocating it.
        var raw = ReadRaw(index);
        var data = GC.AllocateUninitializedArray<float>(checked((int)Header.VoxelsPerVolume));
        Convert(raw, data);
        return new Volume(Header.Nx, Header.Ny, Header.Nz, data, Header.Affine, index, index * Header.RepetitionTimeSeconds)
        {
            RepetitionTimeSeconds = StatedRepetitionTime,
        };
    }

    /// <summary>
    /// <see cref="ReadVolume(int)"/> into an array rented from <paramref name="voxels"/>: the receiver of the
    /// volume gives <see cref="Volume.Data"/> back to that pool when it is done with it (an array that is
    /// not given back is collected as usual). The values are the same.
    /// </summary>
    public Volume ReadVolume(int index, VoxelBufferPool voxels)
    {
        ArgumentNullException.ThrowIfNull(voxels);
        var raw = ReadRaw(index);
        var data = voxels.Rent(checked((int)Header.VoxelsPerVolume));
        Convert(raw, data);
        return new Volume(Header.Nx, Header.Ny, Header.Nz, data, Header.Affine, index, index * Header.RepetitionTimeSeconds)
        {
            RepetitionTimeSeconds = StatedRepetitionTime,
        };
    }

    /// <summary>Reads volume <paramref name="index"/> into <paramref name="destination"/> (nx·ny·nz floats).</summary>
    public void ReadVolume(int index, Span<float> destination)
    {
        if (destination.Length != Header.VoxelsPerVolume)
            throw new ArgumentException($"A {Header.Nx}×{Header.Ny}×{Header.Nz} volume needs {Header.VoxelsPerVolume} floats, got {destination.Length}.", nameof(destination));
        Convert(ReadRaw(index), destination);
    }

    private void Convert(Span<byte> raw, Span<float> destination) =>
        NiftiVoxelConverter.ToFloat(raw, Header.DataType, Header.IsBigEndian == BitConverter.IsLittleEndian,
            Header.HasScaling, Header.SclSlope, Header.SclInter, destination);

    /// <summary>
    /// The stored bytes of volume <paramref name="index"/> (in <see cref="_buffer"/>). An uncompressed file was
    /// checked at open to hold them all; a gzip stream's buffer grows (doubling from 1 MiB) only as its data
    /// arrive, so memory follows the bytes really there, not what the header claims.
    /// </summary>
    private Span<byte> ReadRaw(int index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, VolumeCount);
        int n = (int)Header.BytesPerVolume;
        long start = _dataBase + index * Header.BytesPerVolume;
        try
        {
            if (_gzip) ReadGzip(start, n, index);
            else
            {
                if (_buffer is null || _buffer.Length < n) Regrow(Math.Max(n, 1 << 14), 0);
                ReadPlain(start, _buffer.AsSpan(0, n), index);
            }
        }
        catch (InvalidDataException ex)
        {
            Close();
            throw new InputDataException(_dataPath, $"bad gzip data: {OneLine(ex.Message)}", ex);
        }
        catch (IOException ex) when (ex is not EndOfStreamException)
        {
            Close();
            throw new InputDataException(_dataPath, $"cannot read: {OneLine(ex.Message)}", ex);
        }
        return _buffer.AsSpan(0, n);
    }

    /// <summary>Reads all volumes in order (sequential, so a .nii.gz is decompressed once).</summary>
    public IEnumerable<Volume> ReadVolumes()
    {
        for (int t = 0; t < VolumeCount; t++) yield return ReadVolume(t);
    }

    private void ReadPlain(long start, Span<byte> raw, int index)
    {
        var s = _stream ??= _openData();
        s.Seek(start, SeekOrigin.Begin);
        int got = s.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false);
        if (got < raw.Length) throw Truncated(index, start + got);
    }

    private void ReadGzip(long start, int n, int index)
    {
        if (_stream is null || start < _pos) Reopen();
        var s = (CheckedGzipStream)_stream!;
        if (_buffer is null) Regrow(Math.Clamp(n, 1 << 14, GrowFrom), 0);
        try
        {
            var skip = _buffer.AsSpan();
            while (_pos < start)
            {
                int want = (int)Math.Min(skip.Length, start - _pos);
                int got = s.Read(skip[..want]);
                if (got == 0) throw Truncated(index, _pos);
                _pos += got;
            }
            int total = 0;
            while (total < n)
            {
                if (total == _buffer!.Length) Regrow((int)Math.Min(n, 2L * _buffer.Length), total);
                int got = s.Read(_buffer!.AsSpan(total, Math.Min(n, _buffer.Length) - total));
                if (got == 0) break;
                total += got;
                _pos += got;
            }
            if (total < n) throw Truncated(index, _pos);
            if (index == VolumeCount - 1) ReadToEnd(s);
        }
        catch (InvalidDataException) when (s.EndReached && _pos < _dataBase + (long)VolumeCount * Header.BytesPerVolume)
        {
            // the stream ended before the data the header declares: the file was cut
            throw Truncated(index, _pos);
        }
    }

    /// <summary>Replaces the raw-byte buffer by one of at least <paramref name="length"/> bytes from the pool, keeping its first <paramref name="keep"/> bytes.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_buffer))]
    private void Regrow(int length, int keep)
    {
        var next = _bytes.Rent(length);
        if (_buffer is not null)
        {
            _buffer.AsSpan(0, keep).CopyTo(next);
            _bytes.Return(_buffer);
        }
        _buffer = next;
    }

    /// <summary>First size (bytes) of the buffer a compressed volume is read into; it doubles as data arrive.</summary>
    private const int GrowFrom = 1 << 20;

    /// <summary>Reads past the last volume to the end of the gzip stream, which checks its trailer.</summary>
    private void ReadToEnd(CheckedGzipStream s)
    {
        long end = _dataBase + (long)VolumeCount * Header.BytesPerVolume;
        var chunk = _buffer.AsSpan(0, Math.Min(_buffer!.Length, 1 << 16));
        int got;
        while ((got = s.Read(chunk)) > 0)
        {
            _pos += got;
            if (_pos - end > MaxTrailingBytes)
                throw new InputDataException(_dataPath,
                    $"more than {MaxTrailingBytes.ToString(CultureInfo.InvariantCulture)} decompressed bytes follow the last volume (the header declares {end.ToString(CultureInfo.InvariantCulture)} bytes)");
        }
    }

    private InputDataException Truncated(int index, long available)
    {
        long need = _dataBase + (long)VolumeCount * Header.BytesPerVolume;
        return new InputDataException(_dataPath,
            $"truncated data: dims {Header.Shape} ({NiftiDataTypes.Name(Header.DataType)}) need {need.ToString(CultureInfo.InvariantCulture)} bytes" +
            $"{(_gzip ? " decompressed" : "")}, the data end after {available.ToString(CultureInfo.InvariantCulture)} (in volume {index.ToString(CultureInfo.InvariantCulture)})");
    }

    private void Reopen()
    {
        Close();
        _raw = Buffered(_openData());
        _stream = new CheckedGzipStream(_raw);
        _pos = 0;
    }

    private void Close()
    {
        if (_stream is not null && !ReferenceEquals(_stream, _raw)) _stream.Dispose();
        _raw?.Dispose();
        _stream = null;
        _raw = null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Close();
        if (_buffer is not null)
        {
            _bytes.Return(_buffer);
            _buffer = null;
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> unbuffered: a volume is read in one call straight into the pooled buffer, and a
    /// FileStream's own buffer would be a new 64 KiB array per file opened, for the signature and header alone.
    /// </summary>
    private static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);

    /// <summary>A gzip file's stream, buffered: the deflate stream and the gzip header are read in small pieces.</summary>
    private static Stream Buffered(Stream raw) => raw is FileStream ? new BufferedStream(raw, GzipBufferSize) : raw;

    private static bool IsGzip(Stream raw)
    {
        Span<byte> sig = stackalloc byte[2];
        int n = raw.ReadAtLeast(sig, 2, throwOnEndOfStream: false);
        raw.Seek(0, SeekOrigin.Begin);
        return n == 2 && sig[0] == 0x1F && sig[1] == 0x8B;
    }

    private static NiftiReader OpenCore(string path, Func<Stream> openRaw, string name, long? knownLength, ArrayPool<byte> bytes)
    {
        Stream raw = openRaw();
        Stream? stream = null;
        try
        {
            bool gz = IsGzip(raw);
            if (!gz && name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
                throw new InputDataException(path, "bad gzip: the file is named .gz but has no gzip signature");
            if (gz) raw = Buffered(raw);
            stream = gz ? new CheckedGzipStream(raw) : raw;

            var head = new byte[NiftiHeader.MaxHeaderSize];
            int got = ReadHeaderBytes(stream, head, path);
            var header = NiftiHeader.Parse(head.AsSpan(0, got), path);
            long pos = header.HeaderSize;

            if (header.IsPair)
            {
                if (!knownLength.HasValue && VolumeFormat.IsNiftiPairHeader(path))
                {
                    stream.Dispose();
                    if (!ReferenceEquals(stream, raw)) raw.Dispose();
                    return OpenPairData(path, header, bytes);
                }
                throw new InputDataException(path,
                    $"magic \"{header.Magic}\" says the voxels are in a separate .img file; open the .hdr file of the pair");
            }

            if (!gz)
            {
                long length = knownLength ?? raw.Length;
                CheckLength(path, header, length);
                stream = raw;
                return new NiftiReader(path, header, path, openRaw, false, raw, raw, 0, header.DataOffset, bytes);
            }
            return new NiftiReader(path, header, path, openRaw, true, raw, stream, pos, header.DataOffset, bytes);
        }
        catch (InvalidDataException ex)
        {
            DisposeBoth(stream, raw);
            throw new InputDataException(path, $"bad gzip data: {OneLine(ex.Message)}", ex);
        }
        catch
        {
            DisposeBoth(stream, raw);
            throw;
        }
    }

    private static NiftiReader OpenPairData(string hdrPath, NiftiHeader header, ArrayPool<byte> bytes)
    {
        string stem = hdrPath.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? hdrPath[..^7] : hdrPath[..^4];
        string? img = new[] { stem + ".img", stem + ".img.gz" }.FirstOrDefault(File.Exists);
        if (img is null)
            throw new InputDataException(hdrPath, $"the image file of the pair ({System.IO.Path.GetFileName(stem)}.img) was not found");
        Stream raw = OpenFile(img);
        bool gz;
        try { gz = IsGzip(raw); }
        catch { raw.Dispose(); throw; }
        if (!gz)
        {
            try { CheckLength(img, header, raw.Length); }
            catch { raw.Dispose(); throw; }
            return new NiftiReader(hdrPath, header, img, () => OpenFile(img), false, raw, raw, 0, header.VoxOffset, bytes);
        }
        raw.Dispose();
        return new NiftiReader(hdrPath, header, img, () => OpenFile(img), true, null, null, 0, header.VoxOffset, bytes);
    }

    private static void CheckLength(string path, NiftiHeader header, long length)
    {
        long offset = header.DataOffset;
        long need = header.ExpectedFileSize;
        if (length < need)
            throw new InputDataException(path,
                $"truncated file or dims that do not match the file size: dims {header.Shape} ({NiftiDataTypes.Name(header.DataType)}) from offset " +
                $"{offset.ToString(CultureInfo.InvariantCulture)} need {need.ToString(CultureInfo.InvariantCulture)} bytes, the file has {length.ToString(CultureInfo.InvariantCulture)}");
    }

    private static int ReadHeaderBytes(Stream s, byte[] head, string path)
    {
        int got = s.ReadAtLeast(head.AsSpan(0, 4), 4, throwOnEndOfStream: false);
        if (got < 4)
            throw new InputDataException(path, $"truncated file: {got} bytes, shorter than a NIfTI header");
        var version = NiftiHeader.DetectVersion(head, path, out _);
        int size = NiftiHeader.SizeOf(version);
        got += s.ReadAtLeast(head.AsSpan(4, size - 4), size - 4, throwOnEndOfStream: false);
        if (got < size)
            throw new InputDataException(path,
                $"truncated file: the NIfTI-{(int)version} header needs {size} bytes, the file has {got}");
        return got;
    }

    private static void DisposeBoth(Stream? stream, Stream raw)
    {
        if (stream is not null && !ReferenceEquals(stream, raw)) stream.Dispose();
        raw.Dispose();
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();
}
