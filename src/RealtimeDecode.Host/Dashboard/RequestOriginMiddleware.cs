using System.Net;
using System.Net.NetworkInformation;

namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// Refuses, with 403, every request (pages, API and hub, WebSocket upgrades included) whose <c>Host</c>
/// header names a host this server was not asked to serve, or whose <c>Origin</c> header (sent by browsers
/// on WebSocket and cross-site requests) is another site. This stops a page from another site, open in the
/// experimenter's browser, from reading the session through a WebSocket (cross-site WebSocket hijacking),
/// and stops DNS rebinding (a foreign name resolved to this machine). The hosts allowed are those of the
/// configured URLs; localhost, 127.0.0.1 and [::1] always (they name this machine); for a URL that listens
/// on every interface (0.0.0.0, [::], *), the machine's own name and addresses; and
/// <c>Dashboard:AllowedHosts</c>. An Origin must name an allowed host and the port the request came in on.
/// </summary>
internal sealed class RequestOriginMiddleware(RequestDelegate next, IReadOnlySet<string> allowedHosts)
{
    public async Task InvokeAsync(HttpContext context)
    {
        string host = Strip(context.Request.Host.Host);
        if (host.Length > 0 && !allowedHosts.Contains(host))
        {
            await RefuseAsync(context, $"host '{context.Request.Host}' is not served here");
            return;
        }
        string? origin = context.Request.Headers.Origin.FirstOrDefault();
        if (origin is not null && !SameOrigin(origin, context.Connection.LocalPort))
        {
            await RefuseAsync(context, $"origin '{origin}' may not use this dashboard");
            return;
        }
        await next(context);
    }

    private bool SameOrigin(string origin, int localPort) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var u)
        && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps)
        && allowedHosts.Contains(Strip(u.Host))
        && u.Port == localPort;

    private static Task RefuseAsync(HttpContext context, string reason)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return context.Response.WriteAsync(reason);
    }

    private static string Strip(string host) => host.Trim('[', ']').ToLowerInvariant();

    /// <summary>The host names and addresses requests may name, from the configured URLs and extra hosts (';'-separated).</summary>
    public static IReadOnlySet<string> AllowedHosts(IEnumerable<Uri> urls, string? extra)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "localhost", "127.0.0.1", "::1" };
        foreach (var u in urls)
        {
            if (!DashboardUrls.IsAnyAddress(u)) { set.Add(Strip(u.Host)); continue; }
            if (!IPAddress.TryParse(Strip(u.Host), out _)) set.Add(Strip(u.Host));
            set.Add(Dns.GetHostName().ToLowerInvariant());
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
                foreach (var a in nic.GetIPProperties().UnicastAddresses)
                    set.Add(Strip(a.Address.ToString().Split('%')[0]));
        }
        foreach (var h in (extra ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            set.Add(Strip(h));
        return set;
    }
}
