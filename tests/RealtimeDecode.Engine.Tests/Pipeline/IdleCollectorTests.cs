using System.Reactive.Concurrency;
using System.Reactive.Linq;
using RealtimeDecode.Engine.Ingest;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Pipeline;

public sealed class IdleCollectorTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private readonly HistoricalScheduler _scheduler = new(DateTimeOffset.UnixEpoch);
    private long _allocated = 1_000_000;
    private int _gen0 = 7;
    private int _collected;

    private IdleCollector Collector() => new(_scheduler, () => _allocated, () => _gen0, () => { _collected++; _gen0++; });

    [Fact]
    public void FrameDone_ThresholdAllocated_CollectsOnceQuietAndNotBefore()
    {
        var collector = Collector();
        _allocated += IdleCollector.Threshold;
        collector.FrameDone();

        _scheduler.AdvanceBy(IdleCollector.Quiet - Tick);
        Assert.Equal(0, _collected);
        _scheduler.AdvanceBy(Tick);
        Assert.Equal(1, _collected);

        // nothing allocated since its own collection: the next quiet period does not collect again
        collector.FrameDone();
        _scheduler.AdvanceBy(IdleCollector.Quiet * 3);
        Assert.Equal(1, _collected);
    }

    [Fact]
    public void FrameDone_LessThanThresholdAllocated_DoesNotCollect()
    {
        var collector = Collector();
        _allocated += IdleCollector.Threshold - 1;
        collector.FrameDone();
        _scheduler.AdvanceBy(IdleCollector.Quiet * 3);
        Assert.Equal(0, _collected);

        // the allocations add up over volumes
        _allocated += 1;
        collector.FrameDone();
        _scheduler.AdvanceBy(IdleCollector.Quiet);
        Assert.Equal(1, _collected);
    }

    [Fact]
    public void FrameDone_AnotherFrameWithinTheQuiet_WaitsForTheQuietAfterTheLastFrame()
    {
        var collector = Collector();
        _allocated += IdleCollector.Threshold;
        collector.FrameDone();
        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(15));
        collector.FrameDone();

        _scheduler.AdvanceBy(IdleCollector.Quiet - TimeSpan.FromMilliseconds(15) + Tick);   // the first frame's quiet is over
        Assert.Equal(0, _collected);
        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(15) - Tick * 2);
        Assert.Equal(0, _collected);
        _scheduler.AdvanceBy(Tick);                                                         // the second one's
        Assert.Equal(1, _collected);
    }

    [Fact]
    public void FrameDone_TheRuntimeCollectedMeanwhile_CountsAllocationsFromThen()
    {
        var collector = Collector();
        _allocated += IdleCollector.Threshold * 4;
        _gen0++;   // a collection of the runtime's own, during the volume
        collector.FrameDone();
        _scheduler.AdvanceBy(IdleCollector.Quiet);
        Assert.Equal(0, _collected);

        _allocated += IdleCollector.Threshold;
        collector.FrameDone();
        _scheduler.AdvanceBy(IdleCollector.Quiet);
        Assert.Equal(1, _collected);
    }

    [Fact]
    public void FrameDone_ManyFrames_OneCheckPendingAtATime()
    {
        var collector = Collector();
        _allocated += IdleCollector.Threshold;
        for (int i = 0; i < 100; i++)
        {
            collector.FrameDone();
            _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(5));
        }
        Assert.Equal(0, _collected);
        _scheduler.AdvanceBy(IdleCollector.Quiet);
        Assert.Equal(1, _collected);
    }

    [Fact]
    public void Process_CollectWhenIdle_ChecksOnTheSchedulerAQuietPeriodAfterTheLastFrame()
    {
        // The check is an item on the pipeline's scheduler: with it, the scheduler's last item is due a quiet
        // period after the last frame; without it, at the last frame.
        Assert.Equal(IdleCollector.Quiet, LastItemAfterLastFrame(collect: true));
        Assert.Equal(TimeSpan.Zero, LastItemAfterLastFrame(collect: false));
    }

    private static TimeSpan LastItemAfterLastFrame(bool collect)
    {
        var scheduler = new HistoricalScheduler(DateTimeOffset.UnixEpoch);
        var tr = TimeSpan.FromSeconds(2);
        var pipeline = new RealtimePipeline(new PipelineOptions(tr) { CollectWhenIdle = collect }, new FakeStages().Create, scheduler,
            new SchedulerTimeProvider(scheduler));
        var volumes = FakeVolumes.Run(4);
        var arrivals = Observable.Generate(0, i => i < 4, i => i + 1, i => new VolumeArrival(i, $"v{i}", 0, Load: volumes[i]),
            i => i == 0 ? TimeSpan.Zero : tr, scheduler);
        var last = DateTimeOffset.MinValue;
        using var sub = pipeline.Process(arrivals).Subscribe(_ => last = scheduler.Now);
        scheduler.Start();
        Assert.Equal(DateTimeOffset.UnixEpoch + tr * 3, last);
        return scheduler.Now - last;
    }
}
