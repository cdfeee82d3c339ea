using System.IO.Compression;

namespace RealtimeDecode.Imaging.Nifti;

/// <summary>How <see cref="NiftiWriter"/> stores an image.</summary>
public sealed record NiftiWriteOptions
{
    /// <summary>Header format: NIfTI-1 (default) or NIfTI-2 (for grids beyond 32767 voxels a side).</summary>
    public NiftiVersion Version { get; init; } = NiftiVersion.Nifti1;

    /// <summary>Voxel datatype on disk (default float32).</summary>
    public NiftiDataType DataType { get; init; } = NiftiDataType.Float32;

    /// <summary>
    /// gzip the file. Null (default) decides by the file name (".gz"); streams and
    /// <see cref="NiftiWriter.EncodeVolume"/> treat null as false.
    /// </summary>
    public bool? Compress { get; init; }

    /// <summary>gzip level when compressing.</summary>
    public CompressionLevel CompressionLevel { get; init; } = CompressionLevel.Fastest;

    /// <summary>Repetition time (s) written to pixdim[4] with time units seconds; 0 leaves it unset.</summary>
    public double RepetitionTimeSeconds { get; init; }

    /// <summary>sform_code and qform_code: 1 scanner (default), 2 aligned, 3 Talairach, 4 MNI.</summary>
    public int XFormCode { get; init; } = 1;

    /// <summary>scl_slope: stored = (value − intercept) / slope. Default 1.</summary>
    public double ScaleSlope { get; init; } = 1;

    /// <summary>scl_inter. Default 0.</summary>
    public double ScaleIntercept { get; init; }

    /// <summary>Text for the 80-byte <c>descrip</c> field (ASCII, cut at 79 characters).</summary>
    public string? Description { get; init; }
}
