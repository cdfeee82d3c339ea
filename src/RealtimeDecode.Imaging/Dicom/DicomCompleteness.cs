namespace RealtimeDecode.Imaging.Dicom;

/// <summary>What the bytes of a DICOM file available so far allow to say about it.</summary>
public enum DicomCompleteness
{
    /// <summary>
    /// The file is not complete yet: it ends before the end of the pixel data element (or of an
    /// element before it), or no pixel data element has been seen. A file being written is in this
    /// state until its writer has written the last pixel byte.
    /// </summary>
    Incomplete,

    /// <summary>The pixel data element (7FE0,0010) is present to its last byte (its length is known).</summary>
    Complete,

    /// <summary>The bytes are not a DICOM file this reader can follow (no "DICM", deflated dataset, malformed structure).</summary>
    Invalid,
}
