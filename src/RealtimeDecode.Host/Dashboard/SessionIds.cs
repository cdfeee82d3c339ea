using System.Globalization;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// Session ids: what a hub client names in <c>?session=</c> and what every event carries. An id is 1 to
/// 64 characters from letters, digits, '-', '_' and '.', so it is safe in a URL, a Redis key and a file
/// name as it is. The default is the host name and the start time (local, to the second):
/// <c>scanner1-20250314-101502</c>.
/// </summary>
internal static class SessionIds
{
    /// <summary>Longest id accepted.</summary>
    public const int MaxLength = 64;

    /// <summary>The default id of a session started at <paramref name="start"/> on this machine.</summary>
    public static string Default(DateTimeOffset start) =>
        Clean(Environment.MachineName) + "-" + start.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);

    /// <summary>True when <paramref name="id"/> is a well-formed id.</summary>
    public static bool IsValid(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>Checks a user-given id; <paramref name="source"/> names the option or key in the error.</summary>
    /// <exception cref="InputDataException">An empty or over-long id, or one with other characters.</exception>
    public static string Check(string id, string source) => IsValid(id) ? id
        : throw new InputDataException(null, $"{source} '{id}' is not a session id: 1 to {MaxLength} letters, digits, '-', '_' or '.'");

    private static string Clean(string host)
    {
        var s = new string(host.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());
        return s.Length == 0 ? "host" : s[..Math.Min(s.Length, MaxLength - 16)];
    }
}
