using Microsoft.AspNetCore.SignalR;
using RealtimeDecode.Host.Dashboard;

namespace RealtimeDecode.Host.Tests.Dashboard.Support;

/// <summary>An in-memory hub context whose client proxies count what they are sent (and send nothing).</summary>
public sealed class FakeHubContext : IHubContext<DecoderHub>
{
    private readonly FakeClients _clients = new();

    public long Sent => _clients.Sent;
    public IHubClients Clients => _clients;
    public IGroupManager Groups { get; } = new NoGroups();

    private sealed class FakeClients : IHubClients
    {
        private long _sent;
        public long Sent => Interlocked.Read(ref _sent);
        private IClientProxy Proxy() => new CountingProxy(this);
        public IClientProxy All => Proxy();
        public IClientProxy AllExcept(IReadOnlyList<string> excludedConnectionIds) => Proxy();
        public IClientProxy Client(string connectionId) => Proxy();
        public IClientProxy Clients(IReadOnlyList<string> connectionIds) => Proxy();
        public IClientProxy Group(string groupName) => Proxy();
        public IClientProxy GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => Proxy();
        public IClientProxy Groups(IReadOnlyList<string> groupNames) => Proxy();
        public IClientProxy User(string userId) => Proxy();
        public IClientProxy Users(IReadOnlyList<string> userIds) => Proxy();

        private sealed class CountingProxy(FakeClients owner) : IClientProxy
        {
            public Task SendCoreAsync(string method, object?[] args, CancellationToken cancellationToken = default)
            {
                Interlocked.Increment(ref owner._sent);
                return Task.CompletedTask;
            }
        }
    }

    private sealed class NoGroups : IGroupManager
    {
        public Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => Task.CompletedTask;
        public Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
