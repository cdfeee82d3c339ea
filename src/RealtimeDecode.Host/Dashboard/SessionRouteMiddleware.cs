namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// Finds the session a request names (<c>?session=ID</c>, or the default) before the hub, the session API
/// or a page sees it: an unknown session is answered 404 with a one-line reason, so a client is never
/// connected to nothing; on a host that decodes no session of its own, <c>/</c> without a session is the
/// list of live and recent sessions. A hub request naming events that do not exist (<see cref="HubEventFilter"/>) is
/// answered 400 with the reason.
/// </summary>
internal sealed class SessionRouteMiddleware(RequestDelegate next, SessionDirectory sessions)
{
    /// <summary>The page that lists sessions.</summary>
    public const string ListPage = "/sessions.html";

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        string? id = context.Request.Query[SessionDirectory.QueryKey].FirstOrDefault();
        bool page = path == "/" || path == "/index.html" || path == "/feedback";
        if (page && string.IsNullOrEmpty(id) && sessions.Own.SessionId is null && sessions.HasRedis && path != "/feedback")
        {
            context.Request.Path = ListPage;
            await next(context);
            return;
        }
        if (path.StartsWithSegments(DecoderHub.Path)
            && !HubEventFilter.TryParse(context.Request.Query[HubEventFilter.QueryKey].FirstOrDefault(), out _, out var badEvents))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync(badEvents!);
            return;
        }
        if (page || path.StartsWithSegments(DecoderHub.Path) || path == "/api/session")
        {
            var feed = await sessions.ResolveAsync(id);
            if (feed is null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                await context.Response.WriteAsync(Unknown(id));
                return;
            }
            context.Items[typeof(DashboardBroadcaster)] = feed;
        }
        await next(context);
    }

    /// <summary>The reason given for a session that is not known here.</summary>
    public static string Unknown(string? id) => string.IsNullOrEmpty(id)
        ? "no session is published yet; see /api/sessions"
        : $"unknown session '{id}'; live and recent sessions: /api/sessions";
}
