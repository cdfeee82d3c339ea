namespace RealtimeDecode.Imaging.Dicom;

/// <summary>How a DICOM file stores its image.</summary>
public enum DicomImageKind
{
    /// <summary>One slice per file (classic MR Image Storage).</summary>
    SingleSlice,

    /// <summary>A Siemens mosaic: all slices of a volume tiled in one image.</summary>
    Mosaic,

    /// <summary>Enhanced multi-frame (e.g. Siemens XA, Philips): frames described by functional groups.</summary>
    EnhancedMultiFrame,

    /// <summary>Multi-frame without functional groups: frames are slices along the slice normal.</summary>
    MultiFrame,
}

/// <summary>
/// Series and instance metadata of one DICOM file, for ordering volumes in a live export folder.
/// Numbers are null when the file does not have them.
/// </summary>
/// <param name="Path">The file.</param>
/// <param name="Kind">How the image is stored.</param>
/// <param name="SopInstanceUid">(0008,0018).</param>
/// <param name="SeriesInstanceUid">(0020,000E).</param>
/// <param name="SeriesNumber">(0020,0011).</param>
/// <param name="AcquisitionNumber">(0020,0012).</param>
/// <param name="InstanceNumber">(0020,0013).</param>
/// <param name="AcquisitionTime">(0008,0032) as time of day; for enhanced files the first frame's FrameAcquisitionDateTime when the top-level element is absent.</param>
/// <param name="RepetitionTimeSeconds">(0018,0080) in seconds (DICOM stores ms); for enhanced files also read from MRTimingAndRelatedParametersSequence.</param>
/// <param name="Rows">(0028,0010).</param>
/// <param name="Columns">(0028,0011).</param>
/// <param name="Frames">NumberOfFrames (1 when absent).</param>
/// <param name="ImagesInMosaic">Slices in a mosaic (0 when not a mosaic).</param>
/// <param name="TransferSyntaxUid">(0002,0010).</param>
/// <param name="SliceLocation">First ImagePositionPatient projected on the slice normal (mm, LPS); null when the geometry is absent.</param>
public sealed record DicomImageInfo(
    string? Path,
    DicomImageKind Kind,
    string? SopInstanceUid,
    string? SeriesInstanceUid,
    int? SeriesNumber,
    int? AcquisitionNumber,
    int? InstanceNumber,
    TimeSpan? AcquisitionTime,
    double? RepetitionTimeSeconds,
    int Rows,
    int Columns,
    int Frames,
    int ImagesInMosaic,
    string TransferSyntaxUid,
    double? SliceLocation);
