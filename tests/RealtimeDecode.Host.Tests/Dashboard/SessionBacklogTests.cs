using System.Runtime.CompilerServices;
using RealtimeDecode.Host.Dashboard;

namespace RealtimeDecode.Host.Tests.Dashboard;

/// <summary>The session so far kept in rows: a snapshot gives back what was published, and nothing published is held.</summary>
public sealed class SessionBacklogTests
{
    private static Dictionary<string, int> Counts(params (string Key, int N)[] counts) => counts.ToDictionary(c => c.Key, c => c.N);

    [Fact]
    public void Snapshot_AfterTheRingWrapsAndShapesChange_GivesEveryRowAsPublished_OlderRowsWithoutRoiOrCounts()
    {
        // Rows of two runs (a new scanner series at volume 6): each keeps its run and publication time.
        const int kept = 3;
        var backlog = new SessionBacklog(kept);
        var qc = new List<QcMessage>();
        var estimates = new List<EstimateMessage>();
        string[] targets = ["joy", "fear"];
        for (int v = 0; v < 9; v++)
        {
            // ROI values of two widths, a row without them, count keys that change at volume 6, motion on some rows.
            float[]? roi = v == 4 ? null : v < 5 ? [v, v + 0.5f] : [v, v + 0.25f, v + 0.75f];
            var counts = v < 6 ? Counts(("ok", v + 1), ("missing", 0)) : Counts(("ok", v + 1), ("missing", 0), ("late", 1));
            qc.Add(new QcMessage(v, v * 2.0, v == 4 ? "missing" : "ok", counts, v == 4 ? null : v + 0.5, v == 0 ? null : 0.1 * v, roi,
                v % 2 == 0 ? [v, 0, 0, 0, 0, 0.01] : null, v % 2 == 0 ? 0.2 * v : null, v == 8)
            { Session = "S", Seq = 2 * v + 1, Run = v < 6 ? 1 : 2, SentUnixMs = 2000.5 + v });
            if (v == 7) targets = ["joy", "fear", "anger"];
            double[] values = [.. targets.Select((_, t) => v + t / 10.0)];
            estimates.Add(new EstimateMessage(v, v * 2.0, [.. targets], values, 1.5 + v, 1000.0 + v, v == 3, v == 3 ? 2 : null, v == 5)
            { Session = "S", Seq = 2 * v + 2, Run = v < 6 ? 1 : 2 });
        }
        foreach (var (e, q) in estimates.Zip(qc)) { backlog.Add(e); backlog.Add(q); }

        var gotE = backlog.Estimates();
        Assert.Equal(estimates.Count, gotE.Length);
        for (int i = 0; i < gotE.Length; i++)
        {
            Assert.Equal(estimates[i] with { Targets = gotE[i].Targets, Values = gotE[i].Values }, gotE[i]);
            Assert.Equal(estimates[i].Targets, gotE[i].Targets);
            Assert.Equal(estimates[i].Values, gotE[i].Values);
            Assert.NotSame(estimates[i].Values, gotE[i].Values);
        }

        var gotQ = backlog.Qc();
        Assert.Equal(qc.Count, gotQ.Length);
        for (int i = 0; i < gotQ.Length; i++)
        {
            bool newest = i >= qc.Count - kept;
            Assert.Equal(qc[i] with { Counts = gotQ[i].Counts, Roi = gotQ[i].Roi }, gotQ[i]);
            Assert.Equal(newest ? qc[i].Roi : null, gotQ[i].Roi);
            Assert.Equal(newest ? qc[i].Counts.ToArray() : [], gotQ[i].Counts.ToArray()); // keys in their order
        }

        backlog.Clear();
        Assert.Empty(backlog.Estimates());
        Assert.Empty(backlog.Qc());
        backlog.Add(qc[0]);
        Assert.Equal(qc[0].Roi, Assert.Single(backlog.Qc()).Roi);
    }

    [Fact]
    public void Snapshot_OfAThousandRowsAndMore_EqualsTheMessagesAcrossChunks()
    {
        var backlog = new SessionBacklog(1000);
        for (int v = 0; v < 1500; v++)
        {
            backlog.Add(new EstimateMessage(v, v, ["a", "b", "c"], [v, -v, v / 3.0], v) { Seq = 2 * v + 1 });
            backlog.Add(new QcMessage(v, v, "ok", Counts(("ok", v + 1)), v, null, [v, -v]) { Seq = 2 * v + 2 });
        }
        var e = backlog.Estimates();
        var q = backlog.Qc();
        Assert.Equal(Enumerable.Range(0, 1500).Select(v => 2L * v + 1), e.Select(x => x.Seq));
        Assert.All(e, x => Assert.Equal(new[] { x.Volume, -x.Volume, x.Volume / 3.0 }, x.Values));
        Assert.All(q[..500], x => Assert.Null(x.Roi));
        Assert.All(q[500..], x => { Assert.Equal(new float[] { x.Volume, -x.Volume }, x.Roi!); Assert.Equal(x.Volume + 1, x.Counts["ok"]); });
    }

    [Fact]
    public void Publish_KeepsNoArrayOfTheMessage_SoItDiesWithItsSends()
    {
        var broadcaster = new DashboardBroadcaster(new NoHub(), new DashboardOptions()) { SessionId = "S" };
        var (roi, values, counts) = PublishOne(broadcaster);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(roi.IsAlive);
        Assert.False(values.IsAlive);
        Assert.False(counts.IsAlive);
        Assert.Equal([0.5f], broadcaster.Snapshot().Qc.Single().Roi!);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Roi, WeakReference Values, WeakReference Counts) PublishOne(DashboardBroadcaster b)
    {
        var q = new QcMessage(0, 0, "ok", Counts(("ok", 1)), 1, null, [0.5f]);
        var e = new EstimateMessage(0, 0, ["joy"], [0.25], 1);
        b.Publish(e);
        b.Publish(q);
        return (new WeakReference(q.Roi), new WeakReference(e.Values), new WeakReference(q.Counts));
    }

    /// <summary>A hub with no client: the broadcaster never sends through it.</summary>
    private sealed class NoHub : Microsoft.AspNetCore.SignalR.IHubContext<DecoderHub, IDecoderClient>
    {
        public Microsoft.AspNetCore.SignalR.IHubClients<IDecoderClient> Clients => throw new NotSupportedException();
        public Microsoft.AspNetCore.SignalR.IGroupManager Groups => throw new NotSupportedException();
    }
}
