namespace RealtimeDecode.Imaging;

/// <summary>The two volume file formats a run or an export folder can hold.</summary>
public enum VolumeFileFormat
{
    /// <summary>NIfTI-1 or NIfTI-2, single file (<c>.nii</c>, <c>.nii.gz</c>).</summary>
    Nifti,

    /// <summary>DICOM Part 10 (Siemens exports name them <c>.dcm</c>, <c>.ima</c> or give no extension at all).</summary>
    Dicom,
}

/// <summary>
/// The one place that tells NIfTI from DICOM by a file's name: <c>.nii</c> and <c>.nii.gz</c> (any
/// case) are NIfTI, everything else is DICOM, since scanners export DICOM under <c>.dcm</c>,
/// <c>.ima</c> or no extension. The readers themselves check the content (gzip signature, NIfTI
/// sizeof_hdr, DICM mark) and refuse what does not match.
/// </summary>
public static class VolumeFormat
{
    private const string Nii = ".nii", NiiGz = ".nii.gz", PairHeader = ".hdr", PairHeaderGz = ".hdr.gz";

    /// <summary>The format <paramref name="path"/>'s name says.</summary>
    public static VolumeFileFormat Detect(string path) => IsNifti(path) ? VolumeFileFormat.Nifti : VolumeFileFormat.Dicom;

    /// <summary>
    /// The format of <paramref name="path"/> as the user's <c>--format</c> says: <c>nifti</c>,
    /// <c>dicom</c>, or anything else (<c>auto</c>) for <see cref="Detect"/>.
    /// </summary>
    public static VolumeFileFormat Resolve(string path, string? format) => format switch
    {
        "nifti" => VolumeFileFormat.Nifti,
        "dicom" => VolumeFileFormat.Dicom,
        _ => Detect(path),
    };

    /// <summary>Whether the name ends in <c>.nii</c> or <c>.nii.gz</c> (any case).</summary>
    public static bool IsNifti(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.EndsWith(Nii, StringComparison.OrdinalIgnoreCase) || path.EndsWith(NiiGz, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether the name is the header of a NIfTI pair (<c>.hdr</c> or <c>.hdr.gz</c>, any case).</summary>
    public static bool IsNiftiPairHeader(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.EndsWith(PairHeader, StringComparison.OrdinalIgnoreCase) || path.EndsWith(PairHeaderGz, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether the name says the file is gzip-compressed NIfTI (<c>.nii.gz</c>, any case).</summary>
    public static bool IsCompressedNifti(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.EndsWith(NiiGz, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The file name without its <c>.nii</c> or <c>.nii.gz</c>; other names unchanged.</summary>
    public static string StripNiftiExtension(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        if (fileName.EndsWith(NiiGz, StringComparison.OrdinalIgnoreCase)) return fileName[..^NiiGz.Length];
        if (fileName.EndsWith(Nii, StringComparison.OrdinalIgnoreCase)) return fileName[..^Nii.Length];
        return fileName;
    }
}
