namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// Refuses hub requests (negotiation and connection) with 503 and a one-line reason once
/// <see cref="DashboardOptions.MaxConnections"/> clients are connected (over every session served here); every client costs a queue and a
/// send loop, so an unbounded number would let a crowd of idle clients grow the process without limit.
/// <see cref="DecoderHub"/> checks the count again when a connection completes (two can negotiate at once).
/// </summary>
internal sealed class ConnectionLimitMiddleware(RequestDelegate next, SessionDirectory sessions, DashboardOptions options)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(DecoderHub.Path) || sessions.ClientCount < options.MaxConnections)
            return next(context);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return context.Response.WriteAsync(LimitReached(options.MaxConnections));
    }

    /// <summary>The reason a refused client is given.</summary>
    public static string LimitReached(int max) => $"dashboard connection limit reached ({max} clients); close another dashboard or raise Dashboard:MaxConnections";
}
