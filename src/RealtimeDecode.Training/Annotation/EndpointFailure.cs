using System.ClientModel;
using System.Globalization;
using System.Net;

namespace RealtimeDecode.Training.Annotation;

/// <summary>
/// Sorts a failed request into "retry later" (429, 5xx, 408, timeouts, connection failures) or
/// "give up" (other 4xx such as a wrong key, an unknown model or a bad request), and reads a
/// Retry-After header (seconds or an HTTP date) when the endpoint sent one.
/// </summary>
internal static class EndpointFailure
{
    public readonly record struct Verdict(bool Transient, TimeSpan? RetryAfter, string Description);

    public static Verdict Classify(Exception e, DateTimeOffset now)
    {
        switch (e)
        {
            case ClientResultException cre when cre.Status != 0:
                {
                    TimeSpan? after = null;
                    var raw = cre.GetRawResponse();
                    if (raw is not null && raw.Headers.TryGetValue("Retry-After", out var ra) && ra is not null)
                        after = ParseRetryAfter(ra, now);
                    return new(IsTransient(cre.Status), after, $"HTTP {cre.Status}: {FirstLine(cre.Message)}");
                }
            case ClientResultException cre:
                // Status 0: no response at all (connection refused or reset).
                return new(true, null, $"no response: {FirstLine(cre.InnerException?.Message ?? cre.Message)}");
            case HttpRequestException hre:
                return hre.StatusCode is { } sc
                    ? new(IsTransient((int)sc), null, $"HTTP {(int)sc}: {FirstLine(hre.Message)}")
                    : new(true, null, $"connection failed: {FirstLine(hre.Message)}");
            case IOException io:
                return new(true, null, $"connection failed: {FirstLine(io.Message)}");
            default:
                return new(false, null, $"{e.GetType().Name}: {FirstLine(e.Message)}");
        }
    }

    private static bool IsTransient(int status) => status is 408 or 409 or 425 or 429 or >= 500;

    internal static TimeSpan? ParseRetryAfter(string value, DateTimeOffset now)
    {
        if (double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s >= 0 && double.IsFinite(s))
            return TimeSpan.FromSeconds(s);
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return at > now ? at - now : TimeSpan.Zero;
        return null;
    }

    private static string FirstLine(string s)
    {
        int nl = s.IndexOfAny(['\r', '\n']);
        return (nl < 0 ? s : s[..nl]).Trim();
    }

    /// <summary>Maps a status code to its reason phrase, for messages.</summary>
    public static string Reason(int status) => Enum.IsDefined(typeof(HttpStatusCode), status) ? ((HttpStatusCode)status).ToString() : "";
}
