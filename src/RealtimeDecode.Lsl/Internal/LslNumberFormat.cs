using System.Globalization;

namespace RealtimeDecode.Lsl.Internal;

/// <summary>
/// Number text as liblsl writes it in stream info XML: C++ <c>ostream</c> with
/// <c>setprecision(16)</c> and <c>showpoint</c>, i.e. C's <c>%#.16g</c>
/// (16 significant digits, trailing zeros kept, exponent form when the exponent is &lt; -4 or &gt;= 16).
/// </summary>
internal static class LslNumberFormat
{
    public static string FormatDouble(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsPositiveInfinity(value)) return "inf";
        if (double.IsNegativeInfinity(value)) return "-inf";
        const int precision = 16;
        if (value == 0) return (double.IsNegative(value) ? "-0." : "0.") + new string('0', precision - 1);
        // The exponent is the one of the value rounded to 16 significant digits, as in %e.
        var e = value.ToString("E" + (precision - 1), CultureInfo.InvariantCulture);
        var exponent = int.Parse(e.AsSpan(e.IndexOf('E') + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (exponent < -4 || exponent >= precision)
        {
            var mantissa = e[..e.IndexOf('E')];
            var sign = exponent < 0 ? '-' : '+';
            var abs = Math.Abs(exponent);
            return mantissa + "e" + sign + (abs < 10 ? "0" : "") + abs.ToString(CultureInfo.InvariantCulture);
        }
        var decimals = precision - 1 - exponent;
        var text = value.ToString("F" + decimals, CultureInfo.InvariantCulture);
        return decimals == 0 ? text + "." : text;
    }

    /// <summary>C's <c>%.16g</c> (C++ <c>precision(16)</c> without <c>showpoint</c>): as <see cref="FormatDouble"/> without trailing zeros.</summary>
    public static string FormatG16(double value)
    {
        var text = FormatDouble(value);
        if (!double.IsFinite(value)) return text;
        var e = text.IndexOf('e');
        var mantissa = e >= 0 ? text[..e] : text;
        var exponent = e >= 0 ? text[e..] : "";
        if (mantissa.Contains('.')) mantissa = mantissa.TrimEnd('0').TrimEnd('.');
        return mantissa + exponent;
    }

    public static bool TryParseDouble(string? text, out double value) =>
        double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
