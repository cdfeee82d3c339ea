namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// The events one hub client takes, named by <c>?events=estimate,status</c> on the hub URL (comma-separated,
/// any of <see cref="DashboardEvents"/>): its host sends it those events only, and <c>GetSession</c> gives
/// it the status and only the parts of the backlog it takes (estimates, QC rows, the latest matrix). Without
/// the parameter a client takes every event, as the dashboard and the participant display do. A viewer that
/// only plots estimates thus costs its host and itself ~0.5 kB per TR instead of the ~110 kB matrix of a
/// 400-ROI model.
/// </summary>
internal sealed class HubEventFilter
{
    /// <summary>The query parameter that names the events.</summary>
    public const string QueryKey = "events";

    /// <summary>Every event name a client may ask for.</summary>
    public static readonly string[] Known =
        [DashboardEvents.Estimate, DashboardEvents.Qc, DashboardEvents.Connectivity, DashboardEvents.Status, DashboardEvents.Feedback];

    /// <summary>Every event (no <c>?events=</c>).</summary>
    public static readonly HubEventFilter All = new(null);

    private readonly HashSet<string>? _events;

    private HubEventFilter(HashSet<string>? events) => _events = events;

    /// <summary>True when the client takes <paramref name="evt"/>.</summary>
    public bool Takes(string evt) => _events is null || _events.Contains(evt);

    /// <summary>
    /// Reads the value of <c>?events=</c> (null: the parameter is absent, every event); on a name that is not an
    /// event, or a value naming none, returns false with the reason in <paramref name="error"/>.
    /// </summary>
    public static bool TryParse(string? value, out HubEventFilter filter, out string? error)
    {
        filter = All;
        error = null;
        if (value is null) return true;
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0)
        {
            error = $"?{QueryKey}= names no event; known: {string.Join(", ", Known)}";
            return false;
        }
        foreach (var n in names)
            if (!Known.Contains(n, StringComparer.Ordinal))
            {
                error = $"unknown event '{(n.Length > 40 ? n[..40] + "…" : n)}' in ?{QueryKey}=; known: {string.Join(", ", Known)}";
                return false;
            }
        filter = new HubEventFilter(names.ToHashSet(StringComparer.Ordinal));
        return true;
    }

    /// <summary>The filter a request names (every event when it names none or names them wrongly: the route rejects those first).</summary>
    public static HubEventFilter From(HttpContext? context) =>
        context is not null && TryParse(context.Request.Query[QueryKey].FirstOrDefault(), out var f, out _) ? f : All;

    /// <summary>The part of <paramref name="snapshot"/> this client takes: the status always (the session's facts), estimates, QC rows and the matrix only when taken.</summary>
    public SessionSnapshot Apply(SessionSnapshot snapshot) => _events is null ? snapshot : snapshot with
    {
        Estimates = Takes(DashboardEvents.Estimate) ? snapshot.Estimates : [],
        Qc = Takes(DashboardEvents.Qc) ? snapshot.Qc : [],
        Connectivity = Takes(DashboardEvents.Connectivity) ? snapshot.Connectivity : null,
    };
}
