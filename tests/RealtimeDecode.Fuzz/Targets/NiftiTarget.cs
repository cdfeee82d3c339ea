using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Fuzz.Targets;

/// <summary>
/// NIfTI-1/2, header and data, .nii and .nii.gz (by the gzip magic): from memory as the export watcher
/// reads a volume a scanner just wrote, and from a file as <c>replay</c> and <c>extract</c> read a run;
/// every volume is read. Documented: <see cref="InputDataException"/>.
/// </summary>
internal sealed class NiftiTarget : IFuzzTarget
{
    public string Name => "nifti";

    public void Run(byte[] input)
    {
        var name = input.Length >= 2 && input[0] == 0x1f && input[1] == 0x8b ? "fuzz.nii.gz" : "fuzz.nii";
        Scratch.Step(() =>
        {
            using var reader = NiftiReader.Open(input, name);
            foreach (var volume in reader.ReadVolumes()) _ = volume.VoxelCount;
        });
        var path = Scratch.Write(name, input);
        Scratch.Step(() =>
        {
            foreach (var volume in NiftiReader.ReadAllVolumes(path)) _ = volume.VoxelCount;
        });
    }

    public bool IsDocumented(Exception exception) => exception is InputDataException;
}
