namespace RealtimeDecode.Imaging.Dicom;

/// <summary>Series and instance attributes <see cref="DicomWriter"/> puts in a file.</summary>
public sealed record DicomWriteOptions
{
    /// <summary>SeriesInstanceUID (0020,000E); null = a new UUID-derived UID ("2.25." + 128-bit number) per call.</summary>
    public string? SeriesInstanceUid { get; init; }

    /// <summary>StudyInstanceUID (0020,000D); null = the series UID + ".1" when that fits 64 characters, else a new UID.</summary>
    public string? StudyInstanceUid { get; init; }

    /// <summary>SOPInstanceUID (0008,0018); null = the series UID + "." + <see cref="InstanceNumber"/> when that fits, else a new UID.</summary>
    public string? SopInstanceUid { get; init; }

    /// <summary>SeriesNumber (0020,0011); default 1.</summary>
    public int SeriesNumber { get; init; } = 1;

    /// <summary>InstanceNumber (0020,0013), 1-based volume number in the series; default 1.</summary>
    public int InstanceNumber { get; init; } = 1;

    /// <summary>AcquisitionNumber (0020,0012); null = <see cref="InstanceNumber"/> (as Siemens numbers fMRI volumes).</summary>
    public int? AcquisitionNumber { get; init; }

    /// <summary>AcquisitionDate (0008,0022) and AcquisitionTime (0008,0032), scanner clock; null leaves both out.</summary>
    public DateTime? AcquisitionDateTime { get; init; }

    /// <summary>RepetitionTime in seconds (written in ms to (0018,0080)); 0 leaves it out.</summary>
    public double RepetitionTimeSeconds { get; init; }

    /// <summary>SeriesDescription (0008,103E) and ProtocolName (0018,1030).</summary>
    public string SeriesDescription { get; init; } = "realtime_bold";

    /// <summary>PatientID (0010,0020) and PatientName (0010,0010).</summary>
    public string PatientId { get; init; } = "phantom";
}
