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
}
