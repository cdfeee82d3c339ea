using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace RealtimeDecode.Host.Dashboard.Redis;

/// <summary>
/// SignalR's Redis hub lifetime manager, except that a client connecting while Redis is unreachable is
/// still accepted: the Redis manager refuses it (it cannot subscribe the connection's channel), so such a
/// connection is kept here and served locally. Its own session's events reach it as every client's do
/// (messages to one local connection never go through Redis); only addressing it from another host is
/// impossible until it reconnects. Everything else is the Redis manager's.
/// </summary>
internal sealed class ResilientHubLifetimeManager<THub>(HubLifetimeManager<THub> inner, Serilog.ILogger log) : HubLifetimeManager<THub>
    where THub : Hub
{
    private readonly HubConnectionStore _local = new();

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        try { await inner.OnConnectedAsync(connection).ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.Debug("Redis unreachable: connection {Connection} served by this host alone ({Error})", connection.ConnectionId, e.Message);
            _local.Add(connection);
        }
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        _local.Remove(connection);
        try { await inner.OnDisconnectedAsync(connection).ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException) { }
    }

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _local[connectionId] is { } c
            ? c.WriteAsync(new InvocationMessage(methodName, args), cancellationToken).AsTask()
            : inner.SendConnectionAsync(connectionId, methodName, args, cancellationToken);

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) => inner.SendAllAsync(methodName, args, cancellationToken);
    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) => inner.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);
    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) => inner.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken);
    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) => inner.SendGroupAsync(groupName, methodName, args, cancellationToken);
    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) => inner.SendGroupsAsync(groupNames, methodName, args, cancellationToken);
    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) => inner.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken);
    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) => inner.SendUserAsync(userId, methodName, args, cancellationToken);
    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) => inner.SendUsersAsync(userIds, methodName, args, cancellationToken);
    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => inner.AddToGroupAsync(connectionId, groupName, cancellationToken);
    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => inner.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);
}
