using System.Net;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// The dashboard's listen addresses (<c>Dashboard:Urls</c> or <c>--urls</c>, separated by ';'), checked
/// before anything starts: each must be an absolute http URL (TLS is left to a reverse proxy) whose port is 0 (any free port) to 65535;
/// Kestrel's wildcards <c>*</c> and <c>+</c> stand for every address of the machine.
/// </summary>
internal static class DashboardUrls
{
    /// <summary>Splits and checks <paramref name="urls"/>; <paramref name="source"/> names the option or key in the error.</summary>
    /// <exception cref="InputDataException">An empty list, or an address that is not a usable URL.</exception>
    public static IReadOnlyList<Uri> Parse(string? urls, string source)
    {
        var parts = (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new InputDataException(null, $"{source}: no address given; e.g. http://127.0.0.1:5080");
        var result = new List<Uri>();
        foreach (var p in parts)
        {
            if (!Uri.TryCreate(Normalize(p), UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttp && u.Scheme != Uri.UriSchemeHttps) || u.Host.Length == 0)
                throw new InputDataException(null, $"{source} '{p}' is not an http:// address with a port between 0 and 65535, e.g. http://127.0.0.1:5080");
            if (u.Scheme == Uri.UriSchemeHttps)
                throw new InputDataException(null, $"{source} '{p}': https is not served here; listen on http:// and put a reverse proxy (nginx, Caddy) in front for TLS");
            if (u.AbsolutePath != "/" || u.Query.Length > 0)
                throw new InputDataException(null, $"{source} '{p}': give scheme, host and port only, without a path");
            result.Add(u);
        }
        return result;
    }

    /// <summary>Kestrel's wildcard hosts as the any-address they stand for, so <see cref="Uri"/> parses them.</summary>
    public static string Normalize(string url) => url.Trim().Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);

    /// <summary>
    /// An address Kestrel listens on as others can open it: a wildcard listen address (http://0.0.0.0:5080, which a browser
    /// cannot open and the host check would refuse) is given with this machine's name, which the host check accepts.
    /// </summary>
    public static string Reachable(string address)
    {
        if (!Uri.TryCreate(Normalize(address), UriKind.Absolute, out var u) || !IsAnyAddress(u) || u.Host == "localhost") return address;
        return new UriBuilder(u) { Host = Dns.GetHostName() }.Uri.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>True when the address listens on every interface (0.0.0.0, [::], *, + or a host name Kestrel binds as any).</summary>
    public static bool IsAnyAddress(Uri u) =>
        u.Host != "localhost" && (!IPAddress.TryParse(u.Host.Trim('[', ']'), out var ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any));
}
