using Microsoft.AspNetCore.SignalR;
using RealtimeDecode.Host.Dashboard;

namespace RealtimeDecode.Host.Tests.Dashboard.Support;

/// <summary>An in-memory hub context whose typed clients count what they are sent (and send nothing).</summary>
public sealed class FakeHubContext : IHubContext<DecoderHub, IDecoderClient>
{
    private readonly FakeClients _clients = new();

    public long Sent => _clients.Sent;
    public IHubClients<IDecoderClient> Clients => _clients;
    public IGroupManager Groups { get; } = new NoGroups();

    private sealed class FakeClients : IHubClients<IDecoderClient>
    {
        private long _sent;
        public long Sent => Interlocked.Read(ref _sent);
        private IDecoderClient Proxy() => new CountingClient(this);
        public IDecoderClient All => Proxy();
        public IDecoderClient AllExcept(IReadOnlyList<string> excludedConnectionIds) => Proxy();
        public IDecoderClient Client(string connectionId) => Proxy();
        public IDecoderClient Clients(IReadOnlyList<string> connectionIds) => Proxy();
        public IDecoderClient Group(string groupName) => Proxy();
        public IDecoderClient GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => Proxy();
        public IDecoderClient Groups(IReadOnlyList<string> groupNames) => Proxy();
        public IDecoderClient User(string userId) => Proxy();
        public IDecoderClient Users(IReadOnlyList<string> userIds) => Proxy();

        private sealed class CountingClient(FakeClients owner) : IDecoderClient
        {
            public Task Estimate(EstimateMessage message) => Count();
            public Task Qc(QcMessage message) => Count();
            public Task Connectivity(ConnectivityMessage message) => Count();
            public Task Status(StatusMessage message) => Count();
            public Task Feedback(FeedbackDisplayMessage message) => Count();

            private Task Count()
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
