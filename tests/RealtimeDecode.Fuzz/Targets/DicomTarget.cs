using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Dicom;

namespace RealtimeDecode.Fuzz.Targets;

/// <summary>
/// DICOM Part 10 (implicit and explicit VR, sequences), the Siemens CSA header and mosaic, enhanced and
/// classic multi-frame: the completeness check the export watcher makes on a file still being written,
/// the dataset parse, the image description and every volume. Documented: <see cref="InputDataException"/>
/// (the completeness check never throws).
/// </summary>
internal sealed class DicomTarget : IFuzzTarget
{
    private const string Name_ = "fuzz.dcm";

    public string Name => "dicom";

    public void Run(byte[] input)
    {
        _ = DicomFile.TryParse(input.AsSpan(), out _, out _);
        DicomDataset? dataset = null;
        Scratch.Step(() => dataset = DicomFile.Parse(input, Name_));
        if (dataset is null) return;
        Scratch.Step(() => CsaHeader.FromImageHeader(dataset));
        Scratch.Step(() => DicomReader.GetInfo(dataset, Name_));
        Scratch.Step(() =>
        {
            foreach (var volume in DicomReader.ReadVolumes(dataset, Name_)) _ = volume.VoxelCount;
        });
    }

    public bool IsDocumented(Exception exception) => exception is InputDataException;
}
