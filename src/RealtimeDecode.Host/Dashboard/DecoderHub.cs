using Microsoft.AspNetCore.SignalR;

namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// The dashboard hub. Server-to-client events (<see cref="IDecoderClient"/>) are sent by <see cref="DashboardBroadcaster"/> through
/// each client's own bounded queue; clients call <see cref="GetSession"/> once connected to receive the
/// session so far, and drop live events whose volume they already have (or, exactly, whose seq is not
/// above the snapshot's). A client joins one session, named by <c>?session=ID</c> on the hub URL
/// (see <see cref="SessionDirectory"/>); <paramref name="broadcaster"/> is this host's own session.
/// </summary>
public sealed class DecoderHub(DashboardBroadcaster broadcaster, DashboardOptions options, SessionDirectory sessions) : Hub<IDecoderClient>
{
    /// <summary>The hub's URL path.</summary>
    public const string Path = "/hubs/decoder";

    public override async Task OnConnectedAsync()
    {
        if (sessions.ClientCount >= options.MaxConnections)
            throw new HubException(ConnectionLimitMiddleware.LimitReached(options.MaxConnections));
        var http = Context.GetHttpContext();
        string? id = http?.Request.Query[SessionDirectory.QueryKey].FirstOrDefault();
        // The session SessionRouteMiddleware resolved for this request: without ?session= on a serve host, the live one that started last.
        var feed = (http?.Items[typeof(DashboardBroadcaster)] as DashboardBroadcaster ?? sessions.Find(id))
            ?? throw new HubException(SessionRouteMiddleware.Unknown(id));
        // Joined only once the backlog is here: what was published before is in GetSession's snapshot, not sent as live.
        await sessions.WhenJoinableAsync(feed, Context.ConnectionAborted);
        Context.Items[typeof(DashboardBroadcaster)] = feed;
        var events = HubEventFilter.From(http);
        Context.Items[typeof(HubEventFilter)] = events;
        feed.AddClient(Context.ConnectionId, events);
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        Feed.RemoveClient(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>The session so far: status, all estimates and QC of the run, the latest matrix (of these, the parts the client takes: <see cref="HubEventFilter"/>).</summary>
    public SessionSnapshot GetSession() =>
        (Context.Items.TryGetValue(typeof(HubEventFilter), out var f) && f is HubEventFilter events ? events : HubEventFilter.All).Apply(Feed.Snapshot());

    /// <summary>The participant display's state: the protocol (null without one), the current frame, the learning curve.</summary>
    public FeedbackState GetFeedbackState() => Feed.FeedbackSnapshot();

    /// <summary>
    /// A participant display drew the frame of <paramref name="volume"/> of <paramref name="run"/>,
    /// <paramref name="sinceDrawMs"/> ms (its own clock) before sending this; the first acknowledgement of a frame counts.
    /// </summary>
    public void FeedbackDrawn(int run, int volume, double sinceDrawMs, FeedbackDisplayTimes times) =>
        times.Acknowledge(run, volume, sinceDrawMs);

    /// <summary>The session this client joined.</summary>
    private DashboardBroadcaster Feed => Context.Items.TryGetValue(typeof(DashboardBroadcaster), out var f) && f is DashboardBroadcaster b ? b : broadcaster;
}
