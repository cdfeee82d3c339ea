using RealtimeDecode.Engine.Tests.Support;
using RealtimeDecode.Engine.Pipeline;

namespace RealtimeDecode.Engine.Tests.Pipeline;

public sealed class SessionSummaryTests
{
    private static FrameTiming Timing(double latencyMs) =>
        Timings.Published(1_000_000, 1_000_000, 1_000_000, 1_000_000 + (long)Math.Round(latencyMs * 10_000), TimeSpan.TicksPerSecond);

    private static EstimateFrame Estimate(int volume, double latencyMs, bool warm = false)
    {
        var t = Timing(latencyMs);
        return new EstimateFrame(volume, volume * 2.0, null, t, new RoiFrame(volume, volume * 2.0, [1.0], t), null, warm ? null : [0.5]);
    }

    private static SkippedFrame Skipped(int volume, VolumeStatus status) => new(volume, volume * 2.0, status, null, "x", Timing(0));

    [Fact]
    public void Compute_MixedFrames_CountsPerStatusAndSlots()
    {
        var frames = new List<PipelineFrame> { Estimate(0, 5, warm: true), Estimate(1, 5, warm: true), Estimate(2, 10), Skipped(3, VolumeStatus.Missing),
            Skipped(4, VolumeStatus.Corrupt), Estimate(5, 20), Skipped(5, VolumeStatus.Duplicate), Skipped(3, VolumeStatus.Late) };

        var s = SessionSummary.Compute(frames);

        Assert.Equal(6, s.Volumes);
        Assert.Equal(4, s.StatusCounts[VolumeStatus.Ok]);
        Assert.Equal(1, s.StatusCounts[VolumeStatus.Missing]);
        Assert.Equal(1, s.StatusCounts[VolumeStatus.Corrupt]);
        Assert.Equal(1, s.StatusCounts[VolumeStatus.Duplicate]);
        Assert.Equal(1, s.StatusCounts[VolumeStatus.Late]);
        Assert.Equal(2, s.WarmUpVolumes);
        Assert.Equal(2, s.Estimates);
        Assert.Equal(15, s.LatencyMedianMs, 9);
        Assert.Contains("missing 1", s.ToString());
        Assert.StartsWith("volumes: 6 (ok 4, missing 1, corrupt 1); extra files ignored: late 1, duplicate 1\n", s.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_SkippedExistingAndChangedGrids_CountInTheTotalTheyAreListedIn()
    {
        var frames = new List<PipelineFrame> { Skipped(0, VolumeStatus.SkippedExisting), Skipped(1, VolumeStatus.SkippedExisting), Estimate(2, 5, warm: true),
            Skipped(3, VolumeStatus.GridChanged), Skipped(4, VolumeStatus.AffineChanged), Skipped(9, VolumeStatus.Stray) };

        var s = SessionSummary.Compute(frames);

        Assert.Equal(5, s.Volumes);
        Assert.Equal(1, s.VolumesRead);
        Assert.StartsWith("volumes: 5 (ok 1, grid-changed 1, affine-changed 1, skipped-existing 2); extra files ignored: stray 1\n", s.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_LatenciesOneToHundred_NumpyLinearPercentiles()
    {
        // numpy.percentile(range(1, 101), [50, 99]) == [50.5, 99.01]
        var frames = Enumerable.Range(1, 100).Reverse().Select(i => (PipelineFrame)Estimate(i, i));

        var s = SessionSummary.Compute(frames);

        Assert.Equal(50.5, s.LatencyMedianMs, 9);
        Assert.Equal(99.01, s.LatencyP99Ms, 9);
    }

    [Fact]
    public void Compute_NoEstimates_LatencyIsNaN()
    {
        var s = SessionSummary.Compute([Estimate(0, 3, warm: true)]);
        Assert.True(double.IsNaN(s.LatencyMedianMs));
        Assert.Equal(1, s.Volumes);
        Assert.DoesNotContain("NaN", s.ToString(), StringComparison.Ordinal);
        Assert.Contains("latency: none yet", s.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SummarySink_EstimateHandedOffAfterItSawIt_KeepsTheFirstHandOffAndLetsTheTimingGo()
    {
        var sink = new SummarySink();
        // Volume 1 reaches the summary before any transport took it; volume 2 is already published (20 ms).
        var late = new FrameTiming(1_000_000, 1_000_000, 1_000_000, TimeSpan.TicksPerSecond);
        var published = await FeedAsync(sink, late);
        var before = sink.Compute();
        Assert.Equal(2, before.Estimates);
        Assert.Equal(20, before.LatencyMedianMs, 9);

        late.MarkHandedOff("lsl", new Timings.FixedClock(1_000_000 + 70_000, TimeSpan.TicksPerSecond));
        late.MarkHandedOff("dashboard", new Timings.FixedClock(1_000_000 + 90_000, TimeSpan.TicksPerSecond));
        await sink.OnFrameAsync(Skipped(3, VolumeStatus.Missing), CancellationToken.None);

        // 7 ms (the first hand-off, not the second) and 20 ms.
        var after = sink.Compute();
        Assert.Equal(2, after.Estimates);
        Assert.Equal(13.5, after.LatencyMedianMs, 9);
        // The summary keeps numbers, not the frames' timings: a published frame, once dropped, is collected whole.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(published.IsAlive);
    }

    /// <summary>Feeds volumes 0 (warm-up), 2 (published) and 1 (timing <paramref name="late"/>); returns a weak reference to volume 2's timing.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> FeedAsync(SummarySink sink, FrameTiming late)
    {
        var weak = await FeedPublishedAsync(sink);
        await sink.OnFrameAsync(new EstimateFrame(1, 2.0, null, late, new RoiFrame(1, 2.0, [1.0], late), null, [0.5]), CancellationToken.None);
        return weak;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> FeedPublishedAsync(SummarySink sink)
    {
        await sink.OnFrameAsync(Estimate(0, 5, warm: true), CancellationToken.None);
        var frame = Estimate(2, 20);
        await sink.OnFrameAsync(frame, CancellationToken.None);
        return new WeakReference(frame.Timing);
    }
}
