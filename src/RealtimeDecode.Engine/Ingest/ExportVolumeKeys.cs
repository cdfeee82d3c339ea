using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Dicom;

namespace RealtimeDecode.Engine.Ingest;

/// <summary>
/// Volume keys (series, index) of exported files, fit for <see cref="ExportWatcherOptions.KeyFromFile"/>: read once,
/// at ingest, and carried by the volume's frames from then on (<see cref="Pipeline.PipelineFrame.Series"/>).
/// <list type="bullet">
/// <item>A name <see cref="ExportFileNames.Parse"/> understands (Siemens <c>001_SSSSSS_VVVVVV.dcm</c>, NIfTI) gives the key.</item>
/// <item>Any other <c>.dcm</c> or <c>.ima</c> file (exports that number files by arrival, e.g. <c>IM_0042.dcm</c>) is keyed
/// by its header: series = SeriesNumber (0020,0011), index = AcquisitionNumber (0020,0012) − 1, else InstanceNumber
/// (0020,0013) − 1 (both count volumes from 1 in fMRI exports). A header without SeriesNumber gives series 0; one with
/// neither number is not a volume (null). A file whose header cannot be parsed yet (still being written) throws
/// <see cref="InputDataException"/> or <see cref="IOException"/>, so the watcher looks at it again.</item>
/// </list>
/// </summary>
public static class ExportVolumeKeys
{
    /// <summary>The key of <paramref name="path"/> by name, else by DICOM header; null when it is not a volume.</summary>
    public static VolumeKey? FromNameOrHeader(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (ExportFileNames.Parse(path) is { } key) return key;
        string ext = Path.GetExtension(path);
        if (!ext.Equals(".dcm", StringComparison.OrdinalIgnoreCase) && !ext.Equals(".ima", StringComparison.OrdinalIgnoreCase)) return null;
        var info = DicomReader.ReadInfo(path);
        int? number = info.AcquisitionNumber ?? info.InstanceNumber;
        if (number is not int n || n < 1) return null;
        return new VolumeKey(info.SeriesNumber ?? 0, n - 1);
    }
}
