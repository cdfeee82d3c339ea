using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// Refuses requests from other machines unless they carry the access token: as <c>?access_token=</c>
/// (what the SignalR client sends), <c>?token=</c> (a link to a page), a bearer header, or the cookie
/// set when a page was opened with the token. Loopback requests need no token.
/// </summary>
internal sealed class AccessTokenMiddleware(RequestDelegate next, string? token)
{
    public const string CookieName = "rtdecode_token";

    public async Task InvokeAsync(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null || IPAddress.IsLoopback(remote))
        {
            await next(context);
            return;
        }
        string? presented = context.Request.Query["access_token"].FirstOrDefault()
            ?? context.Request.Query["token"].FirstOrDefault()
            ?? BearerOf(context.Request.Headers.Authorization.FirstOrDefault())
            ?? context.Request.Cookies[CookieName];
        if (token is null || presented is null || !FixedTimeEquals(presented, token))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsync("access token required");
            return;
        }
        if (context.Request.Query.ContainsKey("token"))
            context.Response.Cookies.Append(CookieName, token, new CookieOptions { HttpOnly = false, SameSite = SameSiteMode.Strict });
        await next(context);
    }

    /// <summary>A fresh random token (128 bits, hex).</summary>
    public static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static string? BearerOf(string? header) =>
        header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
