using Microsoft.AspNetCore.SignalR;

namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// The dashboard hub. Server-to-client events are sent by <see cref="DashboardBroadcaster"/> through
/// each client's own bounded queue; clients call <see cref="GetSession"/> once connected to receive the
/// session so far, and drop live events whose volume they already have.
/// </summary>
public sealed class DecoderHub(DashboardBroadcaster broadcaster, DashboardOptions options) : Hub
{
    /// <summary>The hub's URL path.</summary>
    public const string Path = "/hubs/decoder";

    public override Task OnConnectedAsync()
    {
        if (broadcaster.ClientCount >= options.MaxConnections)
            throw new HubException(ConnectionLimitMiddleware.LimitReached(options.MaxConnections));
        broadcaster.AddClient(Context.ConnectionId);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        broadcaster.RemoveClient(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>The session so far: status, all estimates and QC of the run, the latest matrix.</summary>
    public SessionSnapshot GetSession() => broadcaster.Snapshot();

    /// <summary>The participant display's state: the protocol (null without one), the current frame, the learning curve.</summary>
    public FeedbackState GetFeedbackState() => broadcaster.FeedbackSnapshot();

    /// <summary>
    /// A participant display drew the frame of <paramref name="volume"/> of <paramref name="run"/>,
    /// <paramref name="sinceDrawMs"/> ms (its own clock) before sending this; the first acknowledgement of a frame counts.
    /// </summary>
    public void FeedbackDrawn(int run, int volume, double sinceDrawMs, FeedbackDisplayTimes times) =>
        times.Acknowledge(run, volume, sinceDrawMs);
}
