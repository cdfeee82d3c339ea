using RealtimeDecode.Imaging;
using System.Globalization;
using System.Text.RegularExpressions;

namespace RealtimeDecode.Engine.Ingest;

/// <summary>
/// Volume keys from export file names.
/// <list type="bullet">
/// <item>Siemens real-time export <c>001_SSSSSS_VVVVVV.dcm</c> (also <c>.ima</c>): series SSSSSS, volume
/// number VVVVVV counted from 1, so index = VVVVVV − 1.</item>
/// <item>NIfTI (<c>.nii</c>, <c>.nii.gz</c>): the LAST group of digits in the file name is the index as
/// written (0-based: <c>vol_0005.nii</c> is index 5); the series is 0 unless the name has a
/// <c>run-NN</c> entity (BIDS), whose number becomes the series.</item>
/// </list>
/// Other files (temporary files, sidecars) give null and are ignored. When the file name does not
/// carry the series (DICOM exports that number files otherwise), pass a delegate that reads it from
/// the DICOM metadata instead.
/// </summary>
public static partial class ExportFileNames
{
    [GeneratedRegex(@"^\d+_(\d+)_(\d+)\.(dcm|ima)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SiemensName();

    [GeneratedRegex(@"(\d+)(?!.*\d)", RegexOptions.CultureInvariant)]
    private static partial Regex LastDigits();

    [GeneratedRegex(@"(?:^|_)run-(\d+)(?:_|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BidsRun();

    /// <summary>The number of a BIDS <c>run-NN</c> entity in <paramref name="name"/> (a file or run name), or null when it has none.</summary>
    public static int? BidsRunNumber(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var r = BidsRun().Match(VolumeFormat.StripNiftiExtension(Path.GetFileName(name)));
        return r.Success && int.TryParse(r.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null;
    }

    /// <summary>The key of <paramref name="path"/>, or null when the name is not a volume name.</summary>
    public static VolumeKey? Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = Path.GetFileName(path);
        var m = SiemensName().Match(name);
        if (m.Success)
        {
            if (!int.TryParse(m.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int series) ||
                !int.TryParse(m.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number < 1)
                return null;
            return new VolumeKey(series, number - 1);
        }

        if (!VolumeFormat.IsNifti(name)) return null;
        string stem = VolumeFormat.StripNiftiExtension(name);
        // BIDS file names end in a suffix such as _bold; the index is the last digit group anyway.
        var digits = LastDigits().Match(stem);
        if (!digits.Success || !int.TryParse(digits.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int index)) return null;
        int run = 0;
        var r = BidsRun().Match(stem);
        if (r.Success && r.Index + r.Length <= digits.Index && int.TryParse(r.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int rn))
            run = rn;
        return new VolumeKey(run, index);
    }
}
