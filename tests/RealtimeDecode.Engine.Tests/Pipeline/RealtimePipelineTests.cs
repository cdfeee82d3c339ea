using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using RealtimeDecode.Engine.Ingest;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Pipeline;

public sealed class RealtimePipelineTests
{
    private static readonly TimeSpan Tr = TimeSpan.FromSeconds(2);
    private readonly HistoricalScheduler _scheduler = new(DateTimeOffset.UnixEpoch);
    private readonly SchedulerTimeProvider _time;

    public RealtimePipelineTests() => _time = new SchedulerTimeProvider(_scheduler);

    private RealtimePipeline Pipeline(FakeStages stages) => new(new PipelineOptions(Tr), stages.Create, _scheduler, _time);

    private List<PipelineFrame> Replay(FakeStages stages, int volumes, ReplaySpeed? speed = null)
    {
        var replayer = new RunReplayer(FakeVolumes.Run(volumes), Tr, speed ?? ReplaySpeed.RealTime, _scheduler, _time, i => $"run.nii#{i}");
        var frames = new List<PipelineFrame>();
        using var sub = Pipeline(stages).Process(replayer.Arrivals()).Subscribe(frames.Add);
        _scheduler.AdvanceBy(Tr * (volumes + 1));
        return frames;
    }

    [Fact]
    public void Process_NewSeries_CountsItsVolumesFromZeroAgain()
    {
        var volumes = FakeVolumes.Run(3);
        var arrivals = new[] { 0, 1, 2 }.Select(i => new VolumeArrival(i, $"a{i}", 0, Load: volumes[i], Series: 1))
            .Concat(new[] { 0, 1 }.Select(i => new VolumeArrival(i, $"b{i}", 0, Load: volumes[i], Series: 2)))
            .ToObservable(_scheduler);
        var frames = new List<PipelineFrame>();
        using var sub = Pipeline(new FakeStages()).Process(arrivals).Subscribe(frames.Add);
        _scheduler.AdvanceBy(Tr);
        Assert.Equal([0, 1, 2, 0, 1], frames.Select(f => f.Volume));
        Assert.All(frames, f => Assert.Equal(VolumeStatus.Ok, f.Status));
    }

    [Fact]
    public void Process_ReplayedRun_OneFramePerVolumeInOrderWithOnsets()
    {
        var frames = Replay(new FakeStages(), 8);

        Assert.Equal(Enumerable.Range(0, 8), frames.Select(f => f.Volume));
        Assert.All(frames, f => Assert.Equal(VolumeStatus.Ok, f.Status));
        Assert.Equal(frames.Select(f => f.Volume * 2.0), frames.Select(f => f.OnsetSeconds));
        Assert.Equal("run.nii#5", frames[5].File);
    }

    [Fact]
    public void Process_BeforeWindowIsFull_WarmingUpWithoutEstimate()
    {
        var frames = Replay(new FakeStages { Window = 4 }, 6).Cast<EstimateFrame>().ToList();

        Assert.All(frames.Take(3), f =>
        {
            Assert.True(f.IsWarmingUp);
            Assert.Equal(EstimateState.WarmingUp, f.State);
            Assert.Null(f.Estimates);
            Assert.Null(f.Connectivity);
            Assert.Equal(FakeStages.Rois, f.Roi.Values.Length);
        });
        Assert.All(frames.Skip(3), f =>
        {
            Assert.Equal(EstimateState.Ready, f.State);
            Assert.Equal(2, f.Estimates!.Length);
            Assert.Equal(FakeStages.Edges, f.Connectivity!.Edges.Length);
            Assert.Equal(f.Volume, f.Connectivity.Volume);
        });
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Process_NonFiniteEstimate_FrameMarkedNotFiniteWithoutValues(double bad)
    {
        var stages = new FakeStages { Window = 3 };
        stages.NonFiniteDecodes[1] = bad;   // the second decoded volume: volume 3
        var frames = Replay(stages, 6).Cast<EstimateFrame>().ToList();

        var f = frames[3];
        Assert.True(f.NotFinite);
        Assert.Equal(EstimateState.NotFinite, f.State);
        Assert.False(f.IsWarmingUp);
        Assert.Null(f.Estimates);
        Assert.NotNull(f.Connectivity);
        Assert.All(frames.Where(x => x.Volume != 3 && x.Volume >= 2), x =>
        {
            Assert.Equal(EstimateState.Ready, x.State);
            Assert.All(x.Estimates!, v => Assert.True(double.IsFinite(v)));
        });
        var summary = SessionSummary.Compute(frames);
        Assert.Equal(2, summary.WarmUpVolumes);
        Assert.Equal(3, summary.Estimates);
    }

    [Fact]
    public void Process_CorruptVolume_SkippedFrameAndSessionContinues()
    {
        var stages = new FakeStages { Window = 2 };
        stages.CorruptIndices.Add(3);

        var frames = Replay(stages, 7);

        Assert.Equal(Enumerable.Range(0, 7), frames.Select(f => f.Volume));
        var skipped = Assert.IsType<SkippedFrame>(frames[3]);
        Assert.Equal(VolumeStatus.Corrupt, skipped.Status);
        Assert.Contains("truncated voxel data", skipped.Reason);
        Assert.Null(skipped.Timing.ReadTimestamp);
        Assert.Equal([3], stages.Skipped);
        Assert.All(frames.Skip(4), f => Assert.False(Assert.IsType<EstimateFrame>(f).IsWarmingUp));
    }

    [Fact]
    public void Process_IndexGapFromUnorderedSource_MissingFramesKeepTheTrClock()
    {
        var stages = new FakeStages();
        var source = new Subject<VolumeArrival>();
        var frames = new List<PipelineFrame>();
        using var sub = Pipeline(stages).Process(source).Subscribe(frames.Add);

        source.OnNext(new VolumeArrival(0, "a", 0, Load: () => FakeVolumes.Make(0)));
        source.OnNext(new VolumeArrival(3, "d", 0, Load: () => FakeVolumes.Make(3)));
        source.OnNext(new VolumeArrival(2, "c", 0, Load: () => FakeVolumes.Make(2)));
        source.OnNext(new VolumeArrival(3, "d2", 0, Load: () => FakeVolumes.Make(3)));
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));

        Assert.Equal([0, 1, 2, 3, 2, 3], frames.Select(f => f.Volume));
        Assert.Equal([VolumeStatus.Ok, VolumeStatus.Missing, VolumeStatus.Missing, VolumeStatus.Ok, VolumeStatus.Late, VolumeStatus.Duplicate],
            frames.Select(f => f.Status));
        Assert.Equal([1, 2], stages.Skipped);
    }

    [Fact]
    public void Process_MissingAndDuplicateArrivals_OnlyMissingTakesASlot()
    {
        var stages = new FakeStages();
        var source = new Subject<VolumeArrival>();
        var frames = new List<PipelineFrame>();
        using var sub = Pipeline(stages).Process(source).Subscribe(frames.Add);

        source.OnNext(new VolumeArrival(0, "a", 0, Load: () => FakeVolumes.Make(0)));
        source.OnNext(new VolumeArrival(1, null, 0, VolumeStatus.Missing));
        source.OnNext(new VolumeArrival(0, "a-copy", 0, VolumeStatus.Duplicate));
        source.OnNext(new VolumeArrival(2, "c", 0, Load: () => FakeVolumes.Make(2)));
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));

        Assert.Equal([VolumeStatus.Ok, VolumeStatus.Missing, VolumeStatus.Duplicate, VolumeStatus.Ok], frames.Select(f => f.Status));
        Assert.Equal([1], stages.Skipped);
        Assert.Equal("a-copy", frames[2].File);
    }

    [Fact]
    public void Process_ArrivalsBeforeSchedulerRuns_QueuedNotDroppedNorProcessedEarly()
    {
        var source = new Subject<VolumeArrival>();
        var frames = new List<PipelineFrame>();
        using var sub = Pipeline(new FakeStages()).Process(source).Subscribe(frames.Add);

        for (int i = 0; i < 50; i++) source.OnNext(new VolumeArrival(i, null, 0, Load: () => FakeVolumes.Make(0)));
        Assert.Empty(frames);
        _scheduler.AdvanceBy(TimeSpan.FromTicks(1));

        Assert.Equal(Enumerable.Range(0, 50), frames.Select(f => f.Volume));
    }

    [Fact]
    public void Process_TwoSubscriptions_EachGetsFreshStages()
    {
        var stages = new FakeStages();
        var pipeline = Pipeline(stages);
        var replayer = new RunReplayer(FakeVolumes.Run(5), Tr, ReplaySpeed.Max, _scheduler, _time);
        var first = new List<PipelineFrame>();
        var second = new List<PipelineFrame>();

        using (pipeline.Process(replayer.Arrivals()).Subscribe(first.Add)) _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));
        using (pipeline.Process(replayer.Arrivals()).Subscribe(second.Add)) _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));

        Assert.Equal(2, stages.Created);
        var a = first.Cast<EstimateFrame>().Select(f => f.Estimates).ToList();
        var b = second.Cast<EstimateFrame>().Select(f => f.Estimates).ToList();
        Assert.Equal(5, b.Count);
        for (int i = 0; i < a.Count; i++) Assert.Equal(a[i], b[i]);
    }

    [Fact]
    public void Process_SimulatedStageCosts_TimingMilestonesAndLatency()
    {
        var stages = new FakeStages { Window = 1, Clock = _time, ReadCost = TimeSpan.FromMilliseconds(40), DecodeCost = TimeSpan.FromMilliseconds(15) };

        var frames = Replay(stages, 3).Cast<EstimateFrame>().ToList();

        var t = frames[1].Timing;
        Assert.Equal(TimeSpan.TicksPerSecond, t.TimestampFrequency);
        // Volume 1 is detected at 2 × TR = 4 s of virtual time, plus the 55 ms already spent on volume 0.
        Assert.Equal(TimeSpan.FromMilliseconds(4055).Ticks, t.DetectedTimestamp);
        Assert.Equal(t.DetectedTimestamp + TimeSpan.FromMilliseconds(40).Ticks, t.ReadTimestamp);
        Assert.Equal(t.ReadTimestamp + TimeSpan.FromMilliseconds(15).Ticks, t.DecodedTimestamp);
        // The pipeline publishes nothing itself: a frame is published when a sink first hands it to its transport.
        Assert.Null(t.PublishedTimestamp);
        Assert.True(double.IsNaN(t.LatencyMs));
        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(3));
        long handedOff = t.MarkHandedOff("lsl", _time);
        Assert.Equal(handedOff, t.PublishedTimestamp);
        Assert.Equal(t.MillisecondsSince(t.DetectedTimestamp, handedOff), t.LatencyMs, 9);
        Assert.True(t.LatencyMs >= 55.0 + 3.0 - 1e-9, $"latency {t.LatencyMs} ms, decoded after 55 ms, handed off 3 ms later at the earliest");
    }

    [Fact]
    public void Process_StageBug_EndsWithError()
    {
        var stages = new FakeStages();
        var pipeline = new RealtimePipeline(new PipelineOptions(Tr), () => stages.Create() with { Decode = _ => throw new InvalidOperationException("bug") },
            _scheduler, _time);
        var replayer = new RunReplayer(FakeVolumes.Run(6), Tr, ReplaySpeed.Max, _scheduler, _time);
        Exception? error = null;

        using var sub = pipeline.Process(replayer.Arrivals()).Subscribe(_ => { }, e => error = e);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));

        Assert.IsType<InvalidOperationException>(error);
    }

    [Fact]
    public void Process_OnlineVersusBatchRecompute_IdenticalNumbers()
    {
        const int n = 20;
        var stages = new FakeStages { Window = 5 };
        var online = Replay(stages, n, ReplaySpeed.Of(10)).Cast<EstimateFrame>().ToList();

        // Batch: the whole run at once, computed column-wise without the online kernels' state.
        var roi = Enumerable.Range(0, n).Select(i => FakeStages.RoiMeans(FakeVolumes.Make(i))).ToArray();
        var cleaned = new double[n][];
        for (int t = 0; t < n; t++)
        {
            cleaned[t] = new double[FakeStages.Rois];
            for (int r = 0; r < FakeStages.Rois; r++)
            {
                double s = 0;
                for (int k = 0; k <= t; k++) s += roi[k][r];
                cleaned[t][r] = roi[t][r] - s / (t + 1);
            }
        }

        Assert.Equal(n, online.Count);
        for (int t = 0; t < n; t++)
        {
            Assert.Equal(cleaned[t], online[t].Roi.Values);
            if (t < 4) { Assert.True(online[t].IsWarmingUp); continue; }
            var edges = FakeStages.Correlate(cleaned[(t - 4)..(t + 1)]);
            Assert.Equal(edges, online[t].Connectivity!.Edges);
            Assert.Equal(FakeStages.DecodeLinear(edges), online[t].Estimates);
        }
    }
}
