using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using RealtimeDecode.Host.Dashboard;

namespace RealtimeDecode.Host.Tests.Dashboard.Redis;

/// <summary>
/// A hub client that joins one session on one host the way the README tells third-party clients to: live
/// events are collected from the moment it connects, then <c>GetSession</c> gives the backlog, and the
/// session is the backlog followed by the live events whose <c>seq</c> is above the backlog's.
/// </summary>
internal sealed class SessionViewer : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="events">The value of <c>?events=</c> (the events this viewer takes), or null for every event.</param>
    public SessionViewer(string hostUrl, string? session, string? token = null, string? events = null)
    {
        Host = hostUrl;
        var query = new List<string>();
        if (session is not null) query.Add("session=" + Uri.EscapeDataString(session));
        if (events is not null) query.Add("events=" + Uri.EscapeDataString(events));
        _connection = new HubConnectionBuilder()
            .WithUrl(hostUrl + DecoderHub.Path + (query.Count == 0 ? "" : "?" + string.Join("&", query)),
                o => { if (token is not null) o.AccessTokenProvider = () => Task.FromResult<string?>(token); })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)
            .Build();
        _connection.On<EstimateMessage>(DashboardEvents.Estimate, m => Live.Enqueue(m));
        _connection.On<QcMessage>(DashboardEvents.Qc, m => Live.Enqueue(m));
        _connection.On<ConnectivityMessage>(DashboardEvents.Connectivity, m => Live.Enqueue(m));
        _connection.On<StatusMessage>(DashboardEvents.Status, m =>
        {
            Live.Enqueue(m);
            if (m.State == "ended") _ended.TrySetResult();
        });
    }

    public string Host { get; }
    public ConcurrentQueue<ISessionEvent> Live { get; } = new();
    public SessionSnapshot? Snapshot { get; private set; }

    public async Task StartAsync()
    {
        await _connection.StartAsync();
        Snapshot = await _connection.InvokeAsync<SessionSnapshot>(nameof(DecoderHub.GetSession));
        if (Snapshot.Status.State == "ended") _ended.TrySetResult();
    }

    /// <summary>Asks for the session so far again on the same connection (as a page does when it must start again).</summary>
    public Task<SessionSnapshot> GetSessionAsync() => _connection.InvokeAsync<SessionSnapshot>(nameof(DecoderHub.GetSession));

    public Task WaitEndedAsync(TimeSpan timeout) => _ended.Task.WaitAsync(timeout);

    /// <summary>Live events after the backlog, in arrival order.</summary>
    public List<ISessionEvent> After => Live.Where(m => m.Seq > Snapshot!.Seq).ToList();

    /// <summary>The session's estimates: the backlog's, then the live ones after it.</summary>
    public List<EstimateMessage> Estimates => [.. Snapshot!.Estimates, .. After.OfType<EstimateMessage>()];

    /// <summary>Every session id this viewer was sent (backlog and live, all events).</summary>
    public HashSet<string?> SessionsSeen()
    {
        // A snapshot taken before the decoder's first status holds the host's initial "starting" status, which
        // describes no session yet and is never sent as an event; the snapshot itself names the session.
        var status = Snapshot!.Status is { State: "starting", Session: null } ? Array.Empty<StatusMessage>() : [Snapshot.Status];
        var all = Live.Concat(Snapshot.Estimates).Concat(Snapshot.Qc).Concat(status)
            .Concat(Snapshot.Connectivity is null ? [] : [Snapshot.Connectivity]);
        var ids = all.Select(m => m is StatusMessage s ? s.Session?.Id : m.Session).ToHashSet();
        ids.Add(Snapshot.Session);
        return ids;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
