using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Tests.Dashboard.Support;

namespace RealtimeDecode.Host.Tests.Dashboard;

/// <summary>The sink's messages as the backlog records them (no clients connected).</summary>
public sealed class DashboardSinkTests
{
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static (DashboardBroadcaster B, List<StatusMessage> Statuses) Broadcaster()
    {
        var b = new DashboardBroadcaster(new FakeHubContext(), new DashboardOptions());
        return (b, []);
    }

    [Fact]
    public async Task OnFrameAsync_WholeSession_BacklogHoldsEveryVolumeAndStatusEnds()
    {
        var session = new FakeSession(rois: 30, targets: 3, window: 5, volumes: 20, missing: [8]);
        var (b, _) = Broadcaster();
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);
        var sink = new DashboardSink(b, session.Context, new DashboardOptions(), new FixedTime(now));
        Assert.Equal("starting", b.Snapshot().Status.State);

        var states = new List<(string, int)>();
        for (int v = 0; v < 20; v++)
        {
            await sink.OnFrameAsync(session.Frame(v), CancellationToken.None);
            var s = b.Snapshot().Status;
            states.Add((s.State, s.WarmupRemaining));
        }
        await sink.OnCompletedAsync(null, CancellationToken.None);

        Assert.Equal([("warming-up", 4), ("warming-up", 3), ("warming-up", 2), ("warming-up", 1)], states.Take(4));
        Assert.All(states.Skip(4), s => Assert.Equal("running", s.Item1));
        var snap = b.Snapshot();
        Assert.Equal("ended", snap.Status.State);
        Assert.Equal(20, snap.Status.VolumesSeen);
        Assert.Equal(Enumerable.Range(4, 16).Where(v => v != 8), snap.Estimates.Select(e => e.Volume));
        Assert.All(snap.Estimates, e => Assert.Equal(1_700_000_000_123, e.SentUnixMs));
        Assert.Equal(FakeSession.Estimate(19, 2), snap.Estimates[^1].Values[2]);
        Assert.Equal(Enumerable.Range(0, 20), snap.Qc.Select(q => q.Volume));
        var missing = snap.Qc[8];
        Assert.Equal("missing", missing.Status);
        Assert.Null(missing.Roi);
        Assert.Null(snap.Qc[9].Motion); // first volume after the gap
        Assert.Null(snap.Qc[0].Motion);
        Assert.Equal(19, snap.Qc[^1].Counts["ok"]);
        Assert.Equal(1, snap.Qc[^1].Counts["missing"]);
        var r18 = ((EstimateFrame)session.Frame(18)).Roi.Values;
        var r19 = ((EstimateFrame)session.Frame(19)).Roi.Values;
        Assert.Equal(Math.Sqrt(r18.Zip(r19, (a, c) => (c - a) * (c - a)).Average()), snap.Qc[^1].Motion!.Value, 12);
        Assert.Equal(r19.Select(x => (float)x), snap.Qc[^1].Roi);
        Assert.Equal(19, snap.Connectivity!.Volume);
        Assert.Equal(30, snap.Connectivity.RoiCount);
        Assert.NotNull(snap.Connectivity.Contributions);
    }

    [Fact]
    public async Task OnFrameAsync_SecondSeries_MessagesNameTheirRunAndTheNewRunCountsAndWarmsUpAgain()
    {
        var session = new FakeSession(rois: 30, targets: 3, window: 5, volumes: 20);
        var (b, _) = Broadcaster();
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);
        var sink = new DashboardSink(b, session.Context, new DashboardOptions(), new FixedTime(now));
        Assert.Equal((1, (int?)null), (b.Status.Run, b.Status.Series));
        for (int v = 0; v < 12; v++) await sink.OnFrameAsync(session.Frame(v) with { Series = 7 }, CancellationToken.None);
        Assert.Equal(("running", 1, (int?)7), (b.Status.State, b.Status.Run, b.Status.Series));

        // The next series: its first frame is announced as the new run warming up, before its own messages.
        var published = new List<ISessionEvent>();
        b.Published = (_, e) => published.Add(e);
        await sink.OnFrameAsync(session.Frame(0) with { Series = 9 }, CancellationToken.None);
        var first = Assert.IsType<StatusMessage>(published[0]);
        Assert.Equal(("warming-up", 5, 2, (int?)9), (first.State, first.WarmupRemaining, first.Run, first.Series));
        Assert.Equal((0, 2), (Assert.IsType<QcMessage>(published[1]).Volume, ((QcMessage)published[1]).Run));
        for (int v = 1; v < 8; v++) await sink.OnFrameAsync(session.Frame(v) with { Series = 9 }, CancellationToken.None);
        await sink.OnCompletedAsync(null, CancellationToken.None);

        var snap = b.Snapshot();
        Assert.Equal(("ended", 2, (int?)9), (snap.Status.State, snap.Status.Run, snap.Status.Series));
        Assert.Equal(20, snap.Status.VolumesSeen); // the session's, over both runs
        Assert.Equal(Enumerable.Repeat(1, 12).Concat(Enumerable.Repeat(2, 8)), snap.Qc.Select(q => q.Run));
        Assert.Equal(Enumerable.Range(0, 12).Concat(Enumerable.Range(0, 8)), snap.Qc.Select(q => q.Volume));
        Assert.All(snap.Qc, q => Assert.Equal(1_700_000_000_123, q.SentUnixMs));
        Assert.Equal([.. Enumerable.Range(4, 8).Select(v => (1, v)), .. Enumerable.Range(4, 4).Select(v => (2, v))],
            snap.Estimates.Select(e => (e.Run, e.Volume)));
        Assert.Equal((2, 7), (snap.Connectivity!.Run, snap.Connectivity.Volume));
        // Counts of the run: the second starts from 0; no motion measured across the runs.
        Assert.Equal(12, snap.Qc[11].Counts["ok"]);
        Assert.Equal(1, snap.Qc[12].Counts["ok"]);
        Assert.Equal(8, snap.Qc[^1].Counts["ok"]);
        Assert.Null(snap.Qc[12].Motion);
        Assert.NotNull(snap.Qc[13].Motion);
    }

    [Fact]
    public void CreateInfo_Networks_RoiOrderGroupsByNetworkInOrderOfFirstAppearance()
    {
        var session = new FakeSession(rois: 9, targets: 2, networks: 3);
        var info = DashboardSink.CreateInfo(session.Context);
        Assert.Equal([0, 3, 6, 1, 4, 7, 2, 5, 8], info.RoiOrder);
        var none = DashboardSink.CreateInfo(session.Context with { Networks = null });
        Assert.Equal(Enumerable.Range(0, 9), none.RoiOrder);
    }

    [Fact]
    public void CreateInfo_ModelLag_CarriedForTheEstimatePlotLabel()
    {
        var session = new FakeSession(rois: 6, targets: 2);
        var lag = new RealtimeDecode.Engine.Decoding.EstimateLag(12.2, 0.8, 10.9, 13.6, session.Context.Targets, [12, 12.4], [1, 1], "evaluate");

        var info = DashboardSink.CreateInfo(session.Context with { MeasuredLag = lag });
        var none = DashboardSink.CreateInfo(session.Context);

        Assert.Equal(12.2, info.LagSeconds);
        Assert.Equal(0.8, info.LagStandardErrorSeconds);
        Assert.Null(none.LagSeconds);
        Assert.Null(none.LagStandardErrorSeconds);
    }

    [Theory]
    [InlineData(2.0, 12.2)]   // measured at the session's TR: published
    [InlineData(2.01, 12.2)]  // within 1 %
    [InlineData(0.8, null)]   // measured at another TR: not known, shown as not measured
    public void CreateInfo_LagMeasuredAtATr_PublishedOnlyAtThatTr(double measuredTr, double? expected)
    {
        var session = new FakeSession(rois: 6, targets: 2); // TR 2 s
        var lag = new RealtimeDecode.Engine.Decoding.EstimateLag(12.2, 0.8, 10.9, 13.6, session.Context.Targets, [12, 12.4], [1, 1], "evaluate")
        {
            RepetitionTimeSeconds = measuredTr,
        };

        var info = DashboardSink.CreateInfo(session.Context with { MeasuredLag = lag });

        Assert.Equal(expected, info.LagSeconds);
        Assert.Equal(expected is null ? null : 0.8, info.LagStandardErrorSeconds);
    }

    [Fact]
    public async Task OnCompletedAsync_PipelineError_StatusFailedWithMessage()
    {
        var (b, _) = Broadcaster();
        var sink = new DashboardSink(b, new FakeSession(rois: 10, targets: 2).Context, new DashboardOptions());
        await sink.OnCompletedAsync(new InvalidOperationException("disk gone"), CancellationToken.None);
        Assert.Equal(("failed", "disk gone"), (b.Snapshot().Status.State, b.Snapshot().Status.Message));
    }
}
