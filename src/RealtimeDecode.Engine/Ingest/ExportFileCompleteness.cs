using System.Buffers;
using System.IO.Compression;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Dicom;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Engine.Ingest;

/// <summary>
/// Format-aware completeness check for exported volume files, fit for
/// <see cref="ExportWatcherOptions.Completeness"/>: no waiting, no size-stability delay.
/// <list type="bullet">
/// <item>NIfTI (<c>.nii</c>, <c>.nii.gz</c>): complete when the header parses and the file holds
/// vox_offset + all voxel bytes; shorter (or a gzip stream that ends early) is incomplete; damaged deflate data, a first word
/// that is no NIfTI sizeof_hdr, or a header that does not parse (bad magic, datatype, dims), throws
/// <see cref="InputDataException"/> (the watcher then takes the file as corrupt).</item>
/// <item>Anything else is read as DICOM with <see cref="DicomFile.CheckCompleteness"/>: complete once
/// the pixel data is there to its last declared byte; <see cref="DicomCompleteness.Invalid"/> throws
/// <see cref="InputDataException"/>.</item>
/// </list>
/// A missing or locked file is incomplete. Nothing is held in memory but the header and a 64 KiB
/// buffer: a .nii.gz is decompressed as a stream up to the size its header declares, and a header
/// declaring more than <see cref="NiftiHeader"/>'s limits is refused (corrupt) before any data are read.
/// </summary>
public static class ExportFileCompleteness
{
    /// <summary>The check; see the class remarks.</summary>
    /// <exception cref="InputDataException">The bytes there cannot become a valid file.</exception>
    public static FileCompleteness Check(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (VolumeFormat.Detect(path) == VolumeFileFormat.Nifti) return CheckNifti(path, VolumeFormat.IsCompressedNifti(path));
        return DicomFile.CheckCompleteness(path) switch
        {
            DicomCompleteness.Complete => FileCompleteness.Complete,
            DicomCompleteness.Incomplete => FileCompleteness.Incomplete,
            _ => throw new InputDataException(path, "not a readable DICOM file (no DICM mark or malformed structure)"),
        };
    }

    private static FileCompleteness CheckNifti(string path, bool gzip)
    {
        try
        {
            // Unbuffered: the header is one read, the length needs none, and the deflate stream has a buffer of its own.
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            if (!gzip) return CheckNiftiStream(fs, path, knownLength: fs.Length);
            using var gz = new GZipStream(fs, CompressionMode.Decompress);
            return CheckNiftiStream(gz, path, knownLength: null);
        }
        // a gzip stream cut anywhere decompresses to fewer bytes without an error: an error is damage, not a short file
        catch (InvalidDataException e) { throw new InputDataException(path, $"bad gzip data: {e.Message}"); }
        catch (EndOfStreamException) { return FileCompleteness.Incomplete; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return FileCompleteness.Incomplete; }
    }

    /// <summary>
    /// The header (the first 540 bytes at most), then the data counted through a 64 KiB buffer up to the
    /// size the header declares (its limits are checked when it is parsed): never the whole file in memory,
    /// never past the declared size, so a gzip bomb costs no more than the volume it claims to be.
    /// </summary>
    private static FileCompleteness CheckNiftiStream(Stream s, string path, long? knownLength)
    {
        var head = new byte[NiftiHeader.MaxHeaderSize];
        int got = s.ReadAtLeast(head.AsSpan(0, 4), 4, throwOnEndOfStream: false);
        if (got < 4) return FileCompleteness.Incomplete;
        int size = NiftiHeader.SizeOf(NiftiHeader.DetectVersion(head, path, out _));
        got += s.ReadAtLeast(head.AsSpan(4, size - 4), size - 4, throwOnEndOfStream: false);
        if (got < size) return FileCompleteness.Incomplete;
        var header = NiftiHeader.Parse(head.AsSpan(0, size), path);
        long need = header.ExpectedFileSize;
        if (knownLength is { } length) return length >= need ? FileCompleteness.Complete : FileCompleteness.Incomplete;
        long have = size;
        var chunk = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            while (have < need)
            {
                int n = s.Read(chunk, 0, (int)Math.Min(1 << 16, need - have));
                if (n == 0) return FileCompleteness.Incomplete;
                have += n;
            }
        }
        finally { ArrayPool<byte>.Shared.Return(chunk); }
        return FileCompleteness.Complete;
    }
}
