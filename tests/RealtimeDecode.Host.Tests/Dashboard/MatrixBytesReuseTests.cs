using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using RealtimeDecode.Host.Dashboard;

namespace RealtimeDecode.Host.Tests.Dashboard;

/// <summary>
/// The encoder's matrix bytes are reused for later windows, and only once nobody can still read them: every client is
/// sent the bytes of its own window, whatever was sent, skipped or dropped around it, and a snapshot keeps its own.
/// </summary>
public sealed class MatrixBytesReuseTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private const int Rois = 6;

    private static double[] Edges(int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, Rois * (Rois - 1) / 2).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
    }

    [Fact]
    public async Task FastAndSlowClientAndSnapshot_EachIsSentTheBytesOfItsOwnWindow_AndArraysAreReused()
    {
        var hub = new RecordingHub("slow");
        var broadcaster = new DashboardBroadcaster(hub, new DashboardOptions { MatrixIntervalMs = 0, ClientQueue = 4 }) { SessionId = "S" };
        broadcaster.AddClient("fast");
        broadcaster.AddClient("slow");
        var encoder = new ConnectivityEncoder(Rois, Enumerable.Range(0, Rois).ToArray(), null, null, 400);
        var expected = new Dictionary<int, byte[]>();
        byte[]? snapshotBytes = null;
        ConnectivityMessage? snapshotMatrix = null;

        const int windows = 60;
        for (int v = 0; v < windows; v++)
        {
            var m = encoder.Encode(v, Edges(v));
            expected[v] = m.Values.ToArray();
            try { broadcaster.Publish(m); }
            finally { m.Lease!.Release(); }
            broadcaster.Publish(new EstimateMessage(v, v * 2.0, ["joy"], [v], 1.0));
            if (v == 20)
            {
                snapshotMatrix = broadcaster.Snapshot().Connectivity;
                snapshotBytes = snapshotMatrix!.Values.ToArray();
            }
            // The slow client finishes one send in every ten windows; the fast one is sent each matrix before the next.
            if (v % 10 == 9) hub.Gate.Release();
            int sent = v;
            await WaitForAsync(() => hub.Matrices("fast").Any(r => r.Volume == sent));
        }
        hub.Gate.Release(1000);
        await WaitForAsync(() => hub.Matrices("slow").Any(r => r.Volume == windows - 1));

        var fast = hub.Matrices("fast");
        var slow = hub.Matrices("slow");
        Assert.Equal(Enumerable.Range(0, windows).ToArray(), fast.Select(r => r.Volume).ToArray());
        Assert.InRange(slow.Length, 3, 20); // the slow client took a few, the newest at each release
        foreach (var (volume, bytes) in fast.Concat(slow))
            Assert.Equal(expected[volume], bytes);
        Assert.Equal(snapshotBytes, snapshotMatrix!.Values);
        Assert.True(broadcaster.SupersededMatrices + broadcaster.DroppedMessages > 0);
        // One array for each window a holder could still read at once (the newest, the slow client's in-flight and queued
        // ones, the fast client's), plus the snapshot's, which is never reused: far fewer than one per window.
        Assert.InRange(encoder.ArraysCreated, 2, 12);
        await broadcaster.DisposeAsync();
    }

    [Fact]
    public void MatrixNobodyReleases_KeepsItsBytes_ReleasedByAll_TheyCarryTheNextWindow()
    {
        var encoder = new ConnectivityEncoder(Rois, Enumerable.Range(0, Rois).ToArray(), null, null, 400);
        var kept = encoder.Encode(0, Edges(0));
        var copy = kept.Values.ToArray();
        var next = encoder.Encode(1, Edges(1));
        Assert.NotSame(kept.Values, next.Values);
        Assert.Equal(copy, kept.Values);

        Assert.True(next.Lease!.TryHold());
        next.Lease.Release();
        var third = encoder.Encode(2, Edges(2));
        Assert.NotSame(next.Values, third.Values); // one holder left
        next.Lease.Release();
        Assert.False(next.Lease.TryHold()); // given back: nobody may take it up again
        var fourth = encoder.Encode(3, Edges(3));
        Assert.Same(next.Values, fourth.Values);
        Assert.Equal(3, encoder.ArraysCreated);
        Assert.Throws<InvalidOperationException>(() => { fourth.Lease!.Release(); fourth.Lease.Release(); });
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(Wait);
        while (!condition()) await Task.Delay(2, cts.Token);
    }

    /// <summary>A hub whose clients copy each matrix's bytes when its send completes (the latest a transport could read
    /// them); the sends of <paramref name="slowClient"/> wait for <see cref="Gate"/>.</summary>
    private sealed class RecordingHub(string slowClient) : IHubContext<DecoderHub, IDecoderClient>, IHubClients<IDecoderClient>
    {
        private readonly ConcurrentDictionary<string, ConcurrentQueue<(int Volume, byte[] Bytes)>> _matrices = new();

        public SemaphoreSlim Gate { get; } = new(0);

        public (int Volume, byte[] Bytes)[] Matrices(string client) => _matrices.TryGetValue(client, out var q) ? q.ToArray() : [];

        IHubClients<IDecoderClient> IHubContext<DecoderHub, IDecoderClient>.Clients => this;
        IGroupManager IHubContext<DecoderHub, IDecoderClient>.Groups => throw new NotSupportedException();
        public IDecoderClient Client(string connectionId) =>
            new Recorder(_matrices.GetOrAdd(connectionId, _ => new()), connectionId == slowClient ? Gate : null);
        public IDecoderClient All => throw new NotSupportedException();
        public IDecoderClient AllExcept(IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();
        public IDecoderClient Clients(IReadOnlyList<string> connectionIds) => throw new NotSupportedException();
        public IDecoderClient Group(string groupName) => throw new NotSupportedException();
        public IDecoderClient GroupExcept(string groupName, IReadOnlyList<string> excludedConnectionIds) => throw new NotSupportedException();
        public IDecoderClient Groups(IReadOnlyList<string> groupNames) => throw new NotSupportedException();
        public IDecoderClient User(string userId) => throw new NotSupportedException();
        public IDecoderClient Users(IReadOnlyList<string> userIds) => throw new NotSupportedException();

        private sealed class Recorder(ConcurrentQueue<(int, byte[])> matrices, SemaphoreSlim? gate) : IDecoderClient
        {
            public async Task Connectivity(ConnectivityMessage message)
            {
                if (gate is not null) await gate.WaitAsync();
                else await Task.Yield();
                matrices.Enqueue((message.Volume, message.Values.ToArray()));
            }

            public Task Estimate(EstimateMessage message) => Task.CompletedTask;
            public Task Qc(QcMessage message) => Task.CompletedTask;
            public Task Status(StatusMessage message) => Task.CompletedTask;
            public Task Feedback(FeedbackDisplayMessage message) => Task.CompletedTask;
        }
    }
}
