using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Tests.Dashboard.Support;

namespace RealtimeDecode.Host.Tests.Dashboard;

/// <summary>A client's queue in the broadcaster: matrices a slow client has not yet been sent give way to newer ones.</summary>
public sealed class BroadcasterQueueTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static EstimateMessage Estimate(int v) => new(v, v * 2.0, ["joy"], [0.5], 1.0);

    private static ConnectivityMessage Matrix(int v) => new(v, 3, 1.0, [1, 2, 3], null);

    [Fact]
    public async Task SlowClient_MatrixStillQueuedWhenANewerOneArrives_IsSkippedAndEveryEstimateIsSentInOrder()
    {
        var hub = new GatedHubContext();
        var broadcaster = new DashboardBroadcaster(hub, new DashboardOptions { MatrixIntervalMs = 0 }) { SessionId = "S" };
        broadcaster.AddClient("viewer");

        // The first matrix is taken by the pump and held at the transport; everything after it queues.
        broadcaster.Publish(Matrix(10));
        await hub.FirstSendStarted.Task.WaitAsync(Wait);
        broadcaster.Publish(Estimate(10));
        broadcaster.Publish(Matrix(11));
        broadcaster.Publish(Estimate(11));
        broadcaster.Publish(Matrix(12));
        broadcaster.Publish(Estimate(12));
        hub.Release.SetResult();
        await WaitForAsync(() => hub.Sent.Count == 5);
        await Task.Delay(100);

        Assert.Equal(["connectivity 10", "estimate 10", "estimate 11", "connectivity 12", "estimate 12"], hub.Sent.Select(s => s.Text).ToArray());
        var seqs = hub.Sent.Select(s => s.Seq).ToArray();
        Assert.Equal(seqs.Order().ToArray(), seqs);
        Assert.Equal(1, broadcaster.SupersededMatrices);
        Assert.Equal(0, broadcaster.DroppedMessages);
        // The session so far still holds every estimate and the newest matrix.
        var snapshot = broadcaster.Snapshot();
        Assert.Equal([10, 11, 12], snapshot.Estimates.Select(e => e.Volume).ToArray());
        Assert.Equal(12, snapshot.Connectivity!.Volume);
        await broadcaster.DisposeAsync();
    }

    [Fact]
    public async Task ClientThatKeepsUp_NoMatrixInterval_GetsEveryMatrix()
    {
        var hub = new GatedHubContext();
        hub.Release.SetResult();
        var broadcaster = new DashboardBroadcaster(hub, new DashboardOptions { MatrixIntervalMs = 0 }) { SessionId = "S" };
        broadcaster.AddClient("viewer");
        for (int v = 0; v < 20; v++)
        {
            broadcaster.Publish(Matrix(v));
            broadcaster.Publish(Estimate(v));
            int expected = 2 * (v + 1);
            await WaitForAsync(() => hub.Sent.Count == expected);
        }

        Assert.Equal(20, hub.Sent.Count(s => s.Text.StartsWith("connectivity", StringComparison.Ordinal)));
        Assert.Equal(0, broadcaster.SupersededMatrices);
        await broadcaster.DisposeAsync();
    }

    [Fact]
    public async Task MatrixInterval_MatricesSoonerThanItAfterTheLastOneGiven_AreNotOfferedAndEveryOtherEventIs()
    {
        var hub = new GatedHubContext();
        hub.Release.SetResult();
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var broadcaster = new DashboardBroadcaster(hub, new DashboardOptions { MatrixIntervalMs = 1000 }, time) { SessionId = "S" };
        broadcaster.AddClient("viewer");
        // Matrices at 0, 0.3, 0.6, 1.0, 1.2 and 2.5 s (a replay at 0.2–0.4 s per volume): 0, 1.0 and 2.5 s are given.
        // Each volume's sends are awaited before the next, so no matrix is superseded in the queue.
        long[] at = [0, 300, 600, 1000, 1200, 2500];
        int[] sentAfter = [2, 3, 4, 6, 7, 9];
        long now = 0;
        for (int v = 0; v < at.Length; v++)
        {
            time.Advance(TimeSpan.FromMilliseconds(at[v] - now));
            now = at[v];
            broadcaster.Publish(Estimate(v));
            broadcaster.Publish(Matrix(v));
            int expected = sentAfter[v];
            await WaitForAsync(() => hub.Sent.Count == expected);
        }
        await Task.Delay(100);

        Assert.Equal(["estimate 0", "connectivity 0", "estimate 1", "estimate 2", "estimate 3", "connectivity 3", "estimate 4", "estimate 5", "connectivity 5"],
            hub.Sent.Select(s => s.Text).ToArray());
        Assert.Equal(3, broadcaster.ThinnedMatrices);
        Assert.Equal(0, broadcaster.SupersededMatrices);
        Assert.Equal(0, broadcaster.DroppedMessages);
        // A client that connects later is not held back by the first one's interval, only by its own phase: the second
        // client's is 0.618 of the interval, so its first matrix is the first published 618 ms or more after the first
        // it could have had (matrix 6, at 2.5 s, which the first client is not given either: it had one at that instant).
        broadcaster.AddClient("late");
        broadcaster.Publish(Matrix(6));
        time.Advance(TimeSpan.FromMilliseconds(600));
        broadcaster.Publish(Matrix(7));
        time.Advance(TimeSpan.FromMilliseconds(20));
        broadcaster.Publish(Matrix(8));
        await WaitForAsync(() => hub.Sent.Count == 10);
        await Task.Delay(100);
        Assert.Equal("connectivity 8", hub.Sent.Last().Text);
        Assert.Equal(10, hub.Sent.Count);
        Assert.Equal(8, broadcaster.ThinnedMatrices);
        // The session so far keeps the newest matrix whatever was thinned.
        Assert.Equal(8, broadcaster.Snapshot().Connectivity!.Volume);

        // The run ends right after a thinned matrix: each client gets it before the status, in sequence order.
        time.Advance(TimeSpan.FromMilliseconds(100));
        broadcaster.Publish(Matrix(9));
        Assert.Equal(10, broadcaster.ThinnedMatrices);
        broadcaster.Publish(new StatusMessage("ended", null, 8, 0, 0, null));
        await WaitForAsync(() => hub.Sent.Count == 14);
        await Task.Delay(100);
        var tail = hub.Sent.Skip(10).Select(s => s.Text).ToArray();
        Assert.Equal(2, tail.Count(t => t == "connectivity 9"));
        Assert.Equal(2, tail.Count(t => t == "status"));
        var seqs = hub.Sent.Skip(10).Select(s => s.Seq).ToArray();
        Assert.Equal(new long[] { seqs.Min(), seqs.Min(), seqs.Max(), seqs.Max() }, seqs.Order().ToArray());
        Assert.Equal(14, hub.Sent.Count);
        await broadcaster.DisposeAsync();
    }

    [Fact]
    public async Task MatrixInterval_ClientsWhoConnectedTogether_TakeTheirMatricesOnDifferentVolumes()
    {
        var hub = new GatedHubContext();
        hub.Release.SetResult();
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var broadcaster = new DashboardBroadcaster(hub, new DashboardOptions { MatrixIntervalMs = 1000 }, time) { SessionId = "S" };
        for (int k = 0; k < 5; k++) broadcaster.AddClient("viewer" + k);
        // A matrix every 200 ms for 2 s. The phases of clients 0–4 are 0, 618, 236, 854 and 472 ms: each client's first
        // matrix is the first at or after its phase, and each later one the first a whole interval after its last.
        for (int v = 0; v < 10; v++)
        {
            if (v > 0) time.Advance(TimeSpan.FromMilliseconds(200));
            broadcaster.Publish(Matrix(v));
            int published = 5 * (v + 1);
            await WaitForAsync(() => hub.Sent.Count == published - broadcaster.ThinnedMatrices); // none superseded
        }
        await Task.Delay(100);

        int[] perVolume = Enumerable.Range(0, 10).Select(v => hub.Sent.Count(s => s.Text == $"connectivity {v}")).ToArray();
        // Without phases all five would take matrices 0 and 5, and none the others.
        Assert.Equal([1, 0, 1, 1, 1, 2, 0, 1, 1, 1], perVolume);
        Assert.Equal(41, broadcaster.ThinnedMatrices);
        Assert.Equal(0, broadcaster.DroppedMessages);
        await broadcaster.DisposeAsync();
    }

    [Fact]
    public async Task SessionSoFar_KeepsRoiValuesOfTheNewestVolumesOnly_LiveClientsGetEveryRowWhole()
    {
        var hub = new GatedHubContext();
        hub.Release.SetResult();
        var broadcaster = new DashboardBroadcaster(hub, new DashboardOptions { BacklogRoiVolumes = 3 }) { SessionId = "S" };
        broadcaster.AddClient("viewer");
        for (int v = 0; v < 6; v++)
            broadcaster.Publish(new QcMessage(v, v * 2.0, "ok", new Dictionary<string, int> { ["ok"] = v + 1 }, 1.0, 0.1, [v, v + 0.5f]));
        await WaitForAsync(() => hub.Sent.Count == 6);

        var qc = broadcaster.Snapshot().Qc;
        Assert.Equal([0, 1, 2, 3, 4, 5], qc.Select(q => q.Volume).ToArray());
        Assert.All(qc[..3], q => { Assert.Null(q.Roi); Assert.Empty(q.Counts); Assert.Equal("ok", q.Status); });
        Assert.Equal([3f, 3.5f], qc[3].Roi!);
        Assert.Equal([5f, 5.5f], qc[5].Roi!);
        Assert.Equal(6, qc[5].Counts["ok"]);
        Assert.All(hub.Rows, q => Assert.NotNull(q.Roi));
        await broadcaster.DisposeAsync();
    }

    [Fact]
    public async Task Dispose_RightAfterTheFinalStatus_SendsWhatIsQueuedFirst()
    {
        // The drain timeout runs on a clock that stands still, so however slow the machine the drain is never cut
        // short while the test holds the transport: only the release lets the dispose finish.
        var hub = new GatedHubContext();
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var broadcaster = new DashboardBroadcaster(hub, new DashboardOptions(), time) { SessionId = "S" };
        broadcaster.AddClient("viewer");
        broadcaster.Publish(Estimate(20));
        await hub.FirstSendStarted.Task.WaitAsync(Wait);
        broadcaster.Publish(new StatusMessage("ended", null, 21, 0, 0, null));

        // The host stops while the client's transport is still busy with the estimate: the status waits its turn.
        var disposing = broadcaster.DisposeAsync().AsTask();
        await Task.Delay(200);
        Assert.False(disposing.IsCompleted);
        hub.Release.SetResult();
        await disposing.WaitAsync(Wait); // a hang guard only
        Assert.Equal(["estimate 20", "status"], hub.Sent.Select(s => s.Text).ToArray());
    }

    [Fact]
    public async Task Dispose_ClientThatNeverTakesItsMessages_StopsItAfterTheDrainTimeout()
    {
        var hub = new GatedHubContext();
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var broadcaster = new DashboardBroadcaster(hub, new DashboardOptions(), time) { SessionId = "S" };
        broadcaster.AddClient("stuck");
        broadcaster.Publish(Estimate(1));
        await hub.FirstSendStarted.Task.WaitAsync(Wait);
        broadcaster.Publish(new StatusMessage("ended", null, 2, 0, 0, null));

        // The drain timeout is on the test's clock: short of it the dispose waits, at it the dispose gives up.
        var disposing = broadcaster.DisposeAsync().AsTask();
        await WaitForTimerAsync(time);
        time.Advance(DashboardBroadcaster.DrainTimeout - TimeSpan.FromMilliseconds(1));
        await Task.Delay(100);
        Assert.False(disposing.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await disposing.WaitAsync(Wait); // a hang guard only
        hub.Release.SetResult();
        await Task.Delay(100);
        Assert.Equal(["estimate 1"], hub.Sent.Select(s => s.Text).ToArray()); // the status was given up on with the client
    }

    [Fact]
    public async Task Status_BetweenStateChanges_CountsEveryVolumeSeen()
    {
        var hub = new GatedHubContext();
        hub.Release.SetResult();
        var broadcaster = new DashboardBroadcaster(hub, new DashboardOptions()) { SessionId = "S" };
        broadcaster.Publish(new StatusMessage("running", null, 13, 0, 0, null));
        for (int v = 0; v < 40; v++)
            broadcaster.Publish(new QcMessage(v, v * 2.0, "ok", new Dictionary<string, int> { ["ok"] = v + 1 }, 1.0, 0.1, null));

        // What the sessions list and /api/session show, and what a page that connects now starts from.
        Assert.Equal(40, broadcaster.Status.VolumesSeen);
        Assert.Equal("running", broadcaster.Status.State);
        Assert.Equal(40, broadcaster.Snapshot().Status.VolumesSeen);
        await broadcaster.DisposeAsync();
    }

    /// <summary>Waits until a timer is set on <paramref name="time"/> (the dispose has started its drain timeout).</summary>
    private static Task WaitForTimerAsync(ManualTime time) => WaitForAsync(() => time.PendingTimers > 0);

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(Wait);
        while (!condition()) await Task.Delay(5, cts.Token);
    }

    /// <summary>Records what each send carried; the first send waits for <see cref="Release"/>.</summary>
    private sealed class GatedHubContext : IHubContext<DecoderHub, IDecoderClient>, IHubClients<IDecoderClient>, IDecoderClient
    {
        private int _sends;
        public TaskCompletionSource FirstSendStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public ConcurrentQueue<(string Text, long Seq)> Sent { get; } = new();
        public ConcurrentQueue<QcMessage> Rows { get; } = new();

        IHubClients<IDecoderClient> IHubContext<DecoderHub, IDecoderClient>.Clients => this;
        IGroupManager IHubContext<DecoderHub, IDecoderClient>.Groups => throw new NotSupportedException();
        public IDecoderClient All => this;
        public IDecoderClient AllExcept(IReadOnlyList<string> excludedConnectionIds) => this;
        public IDecoderClient Client(string connectionId) => this;
        public IDecoderClient Clients(IReadOnlyList<string> connectionIds) => this;
        public IDecoderClient Group(string groupName) => this;
        public IDecoderClient GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => this;
        public IDecoderClient Groups(IReadOnlyList<string> groupNames) => this;
        public IDecoderClient User(string userId) => this;
        public IDecoderClient Users(IReadOnlyList<string> userIds) => this;

        public Task Estimate(EstimateMessage message) => Record($"estimate {message.Volume}", message.Seq);
        public Task Qc(QcMessage message)
        {
            Rows.Enqueue(message);
            return Record($"qc {message.Volume}", message.Seq);
        }
        public Task Connectivity(ConnectivityMessage message) => Record($"connectivity {message.Volume}", message.Seq);
        public Task Status(StatusMessage message) => Record("status", message.Seq);
        public Task Feedback(FeedbackDisplayMessage message) => Record("feedback", 0);

        private async Task Record(string text, long seq)
        {
            if (Interlocked.Increment(ref _sends) == 1)
            {
                FirstSendStarted.SetResult();
                await Release.Task;
            }
            Sent.Enqueue((text, seq));
        }
    }
}
