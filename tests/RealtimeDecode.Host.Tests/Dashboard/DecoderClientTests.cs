using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using RealtimeDecode.Host.Dashboard;

namespace RealtimeDecode.Host.Tests.Dashboard;

/// <summary>The typed client goes out under the wire names of <see cref="DashboardEvents"/>, through SignalR's own typed proxy.</summary>
public sealed class DecoderClientTests
{
    private static readonly object[] Messages =
    [
        new EstimateMessage(3, 6.0, ["joy"], [0.5], 12.0),
        new QcMessage(3, 6.0, "ok", new Dictionary<string, int> { ["ok"] = 4 }, 12.0, 0.1, null),
        new ConnectivityMessage(3, 2, 1.0, [127], null),
        new StatusMessage("running", null, 4, 0, 0, null),
        new FeedbackDisplayMessage(1, 3, 6.0, 1, "up", "Raise it", "#0a0", 0.5, false, 0, false),
    ];

    [Fact]
    public async Task SendAsync_EveryMessageKind_SentUnderItsWireNameWithTheMessageAsOnlyArgument()
    {
        var recorder = new RecordingLifetimeManager();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSignalR();
        services.AddSingleton<HubLifetimeManager<DecoderHub>>(recorder);
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHubContext<DecoderHub, IDecoderClient>>().Clients.Client("c1");

        foreach (var m in Messages) await DashboardEvents.SendAsync(client, m);

        Assert.Equal(
            [DashboardEvents.Estimate, DashboardEvents.Qc, DashboardEvents.Connectivity, DashboardEvents.Status, DashboardEvents.Feedback],
            recorder.Sent.Select(s => s.Method));
        Assert.Equal(["estimate", "qc", "connectivity", "status", "feedback"], recorder.Sent.Select(s => s.Method));
        Assert.All(recorder.Sent, s => Assert.Equal("c1", s.Connection));
        Assert.Equal(Messages, recorder.Sent.Select(s => Assert.Single(s.Args)));
        Assert.Equal(recorder.Sent.Select(s => s.Method), Messages.Select(DashboardEvents.NameOf));
    }

    [Fact]
    public async Task SendAsync_NotAHubEvent_Throws()
    {
        var recorder = new RecordingLifetimeManager();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSignalR();
        services.AddSingleton<HubLifetimeManager<DecoderHub>>(recorder);
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHubContext<DecoderHub, IDecoderClient>>().Clients.Client("c1");

        await Assert.ThrowsAsync<ArgumentException>(() => DashboardEvents.SendAsync(client, "estimate"));
        Assert.Throws<ArgumentException>(() => DashboardEvents.NameOf(42));
        Assert.Empty(recorder.Sent);
    }

    private sealed class RecordingLifetimeManager : HubLifetimeManager<DecoderHub>
    {
        public List<(string Connection, string Method, object?[] Args)> Sent { get; } = [];

        public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default)
        {
            Sent.Add((connectionId, methodName, args));
            return Task.CompletedTask;
        }

        public override Task OnConnectedAsync(HubConnectionContext connection) => Task.CompletedTask;
        public override Task OnDisconnectedAsync(HubConnectionContext connection) => Task.CompletedTask;
        public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
