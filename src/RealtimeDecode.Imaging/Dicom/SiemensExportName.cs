using System.Globalization;
using System.Text.RegularExpressions;

namespace RealtimeDecode.Imaging.Dicom;

/// <summary>
/// The name Siemens' real-time export gives each file: <c>001_SSSSSS_VVVVVV.dcm</c> (a leading
/// number, the series number and the 1-based volume number, zero-padded); ".ima" is accepted too.
/// </summary>
/// <param name="Prefix">The leading number (001).</param>
/// <param name="Series">Series number.</param>
/// <param name="Volume">Volume (acquisition) number, 1-based as written.</param>
public readonly partial record struct SiemensExportName(int Prefix, int Series, int Volume)
{
    [GeneratedRegex(@"^(\d{1,6})_(\d{1,9})_(\d{1,9})\.(dcm|ima)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Parses a file name (a path is allowed; only its last part is used).</summary>
    public static bool TryParse(string fileName, out SiemensExportName name)
    {
        name = default;
        var m = Pattern().Match(System.IO.Path.GetFileName(fileName));
        if (!m.Success) return false;
        name = new SiemensExportName(
            int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
        return true;
    }
}
