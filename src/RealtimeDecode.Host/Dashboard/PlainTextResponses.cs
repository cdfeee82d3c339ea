namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// Every response is what its Content-Type says: <c>X-Content-Type-Options: nosniff</c> on all of them, and a
/// response that starts without a Content-Type (the one-line refusals, which may quote a session id or a host
/// name from the request) is <c>text/plain; charset=utf-8</c>, so a browser never renders such text as HTML.
/// </summary>
internal sealed class PlainTextResponses(RequestDelegate next)
{
    public const string PlainText = "text/plain; charset=utf-8";

    public Task InvokeAsync(HttpContext context)
    {
        var response = context.Response;
        response.OnStarting(() =>
        {
            response.Headers.XContentTypeOptions = "nosniff";
            // Errors only: a 304 carries no body, and a Content-Type on it would replace the cached script's own.
            if (string.IsNullOrEmpty(response.ContentType) && response.StatusCode >= StatusCodes.Status400BadRequest)
                response.ContentType = PlainText;
            return Task.CompletedTask;
        });
        return next(context);
    }
}
