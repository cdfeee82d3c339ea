using System.CommandLine;
using System.Globalization;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Dicom;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Host.Commands;

/// <summary>
/// <c>convert INPUT --out OUT.nii[.gz]</c>: a DICOM file (Siemens mosaic, enhanced or classic
/// multi-frame, single slice), a folder holding one DICOM series, or a NIfTI image, to one NIfTI file
/// (3D for one volume, 4D for several) with the orientation dcm2niix gives. Voxels are int16 when every
/// value is an integer in int16's range, float32 otherwise; the TR goes to pixdim[4] when known.
/// </summary>
internal sealed class ConvertCommand : ICliCommand
{
    public Command Build()
    {
        var input = CliOptions.ReadsDicomSeries(new Argument<string>("INPUT") { Description = "A DICOM file, a folder with one DICOM series, or a NIfTI file." });
        var output = CliOptions.Writes(new Option<string>("--out") { Description = "The NIfTI file to write (.nii or .nii.gz).", Required = true });
        var cmd = new Command("convert", "Convert DICOM or NIfTI volume(s) to NIfTI.") { input, output };
        cmd.SetAction(parse => Execute(parse.GetValue(input)!, CliOptions.OutputFile(parse, output)));
        return cmd;
    }

    private static int Execute(string input, string output)
    {
        if (string.IsNullOrWhiteSpace(input)) throw new InputDataException(null, "INPUT is required");
        if (!File.Exists(input) && !Directory.Exists(input)) throw new InputDataException(input, "file not found");
        if (!VolumeFormat.IsNifti(output))
            throw new InputDataException(output, "--out must end in .nii or .nii.gz");

        IReadOnlyList<Volume> volumes;
        double tr;
        if (Directory.Exists(input))
        {
            volumes = DicomReader.ReadSeriesVolumes(input);
            tr = SeriesTr(input);
        }
        else if (IsNifti(input))
        {
            using var reader = NiftiReader.Open(input);
            volumes = reader.ReadVolumes().ToList();
            tr = reader.Header.RepetitionTimeSeconds;
        }
        else
        {
            var ds = DicomFile.Read(input);
            volumes = DicomReader.ReadVolumes(ds, input);
            tr = DicomReader.GetInfo(ds, input).RepetitionTimeSeconds ?? 0;
        }
        if (volumes.Count == 0) throw new InputDataException(input, "holds no volumes");
        var first = volumes[0];
        foreach (var v in volumes)
            if (v.Nx != first.Nx || v.Ny != first.Ny || v.Nz != first.Nz)
                throw new InputDataException(input, $"volumes have different grids ({first.Shape} and {v.Shape})");

        bool integers = volumes.All(v => v.Data.All(x => x == MathF.Round(x) && x >= short.MinValue && x <= short.MaxValue));
        var type = integers ? NiftiDataType.Int16 : NiftiDataType.Float32;
        AtomicFile.WriteVia(output, tmp => NiftiWriter.Write(tmp, volumes, new NiftiWriteOptions { DataType = type, RepetitionTimeSeconds = tr > 0 && double.IsFinite(tr) ? tr : 0 }));
        string shape = volumes.Count > 1 ? $"{first.Shape}×{volumes.Count}" : first.Shape;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"convert: {input} -> {output} ({shape}, {NiftiDataTypes.Name(type)}{(tr > 0 ? $", TR {tr:0.####} s" : "")})"));
        return 0;
    }

    private static bool IsNifti(string path) => VolumeFormat.IsNifti(path) || VolumeFormat.IsNiftiPairHeader(path);

    private static double SeriesTr(string folder)
    {
        foreach (var f in Directory.EnumerateFiles(folder).OrderBy(f => f, StringComparer.Ordinal))
        {
            try
            {
                if (DicomReader.ReadInfo(f).RepetitionTimeSeconds is > 0 and var tr) return tr;
            }
            catch (InputDataException) { }
        }
        return 0;
    }
}
