using System.Buffers.Binary;
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
/// vox_offset + all voxel bytes; shorter (or a gzip stream that ends early) is incomplete; a first word
/// that is no NIfTI sizeof_hdr, or a header that does not parse (bad magic, datatype, dims), throws
/// <see cref="InputDataException"/> (the watcher then takes the file as corrupt).</item>
/// <item>Anything else is read as DICOM with <see cref="DicomFile.CheckCompleteness"/>: complete once
/// the pixel data is there to its last declared byte; <see cref="DicomCompleteness.Invalid"/> throws
/// <see cref="InputDataException"/>.</item>
/// </list>
/// A missing or locked file is incomplete.
/// </summary>
public static class ExportFileCompleteness
{
    /// <summary>The check; see the class remarks.</summary>
    /// <exception cref="InputDataException">The bytes there cannot become a valid file.</exception>
    public static FileCompleteness Check(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        bool gz = path.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase);
        if (gz || path.EndsWith(".nii", StringComparison.OrdinalIgnoreCase)) return CheckNifti(path, gz);
        return DicomFile.CheckCompleteness(path) switch
        {
            DicomCompleteness.Complete => FileCompleteness.Complete,
            DicomCompleteness.Incomplete => FileCompleteness.Incomplete,
            _ => throw new InputDataException(path, "not a readable DICOM file (no DICM mark or malformed structure)"),
        };
    }

    private static FileCompleteness CheckNifti(string path, bool gzip)
    {
        byte[] bytes;
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var ms = new MemoryStream();
            if (gzip)
            {
                try
                {
                    using var gz = new GZipStream(fs, CompressionMode.Decompress);
                    gz.CopyTo(ms);
                }
                catch (InvalidDataException) { return FileCompleteness.Incomplete; }
                catch (EndOfStreamException) { return FileCompleteness.Incomplete; }
            }
            else fs.CopyTo(ms);
            bytes = ms.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return FileCompleteness.Incomplete; }

        if (bytes.Length < 4) return FileCompleteness.Incomplete;
        int le = BinaryPrimitives.ReadInt32LittleEndian(bytes), be = BinaryPrimitives.ReadInt32BigEndian(bytes);
        int size = le is 348 or 540 ? le : be is 348 or 540 ? be : 0;
        if (size == 0) throw new InputDataException(path, $"not a NIfTI file: sizeof_hdr is {le}");
        if (bytes.Length < size) return FileCompleteness.Incomplete;
        var header = NiftiHeader.Parse(bytes, path);
        return bytes.LongLength >= header.ExpectedFileSize ? FileCompleteness.Complete : FileCompleteness.Incomplete;
    }
}
