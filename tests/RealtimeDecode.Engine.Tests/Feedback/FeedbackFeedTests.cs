using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Feedback;

/// <summary>The one feed of the feedback rule: rows per volume from the run's first estimate, gaps and withheld estimates
/// as missing, a fresh kernel at each new series of the frames.</summary>
public sealed class FeedbackFeedTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static FrameTiming T => Timings.Published(0, 0, 0, 0, TimeSpan.TicksPerSecond);

    private static EstimateFrame Estimate(int series, int v, double? value, bool withheld = false) =>
        new(v, v * 2.0, null, T, new RoiFrame(v, v * 2.0, [0.0], T), null, value is { } x ? [x] : null) { Series = series, Withheld = withheld };

    private static SkippedFrame Skipped(int series, int v, VolumeStatus status) => new(v, v * 2.0, status, null, "x", T) { Series = series };

    private FeedbackProtocol Protocol()
    {
        string tsv = _dir.File("p.tsv");
        File.WriteAllText(tsv, "onset\tduration\ttrial_type\n0\t6\tbase\n6\t20\tup\n");
        File.WriteAllText(Path.ChangeExtension(tsv, ".json"), """{"Conditions": {"base": {"Role": "baseline"}, "up": {"Role": "regulate", "Target": "a"}}, "Normalisation": {"Method": "difference", "BaselineSkip": 0}, "Range": [-100, 100], "HaemodynamicDelay": 0}""");
        return ProtocolFile.Read(tsv);
    }

    [Fact]
    public void Push_GapsWithheldAndANewSeries_OneRowPerVolumeFromEachRunsFirstEstimate()
    {
        var protocol = Protocol();
        int kernels = 0;
        var feed = new FeedbackFeed(() => { kernels++; return new FeedbackKernel(protocol, ["a"], 2, 1); }, 1);

        var warm = feed.Push(Estimate(3, 0, null));                     // warm-up: nothing yet
        var first = feed.Push(Estimate(3, 1, 1.0));
        var extra = feed.Push(Skipped(3, 1, VolumeStatus.Duplicate));  // an extra file takes no slot
        var gap = feed.Push(Estimate(3, 4, 2.0));                        // 2 and 3 never came: pushed missing first
        var missing = feed.Push(Skipped(3, 5, VolumeStatus.Missing));   // after the last estimate: provisional
        var withheld = feed.Push(Estimate(3, 6, 9.0, withheld: true));
        var next = feed.Push(Estimate(7, 0, 5.0));                       // series 7: a new run

        Assert.Equal((true, 1, 0), (warm.NewRun, warm.Run, warm.Samples.Count));
        Assert.Equal([1], first.Samples.Select(s => s.Volume));
        Assert.Empty(extra.Samples);
        Assert.Equal([2, 3, 4], gap.Samples.Select(s => s.Volume));
        Assert.True(double.IsNaN(gap.Samples[0].Estimate) && double.IsNaN(gap.Samples[1].Estimate));
        Assert.Equal(2.0, gap.Samples[2].Estimate);
        Assert.False(gap.Provisional);
        Assert.True(missing.Provisional);
        Assert.Equal([5], missing.Samples.Select(s => s.Volume));
        Assert.True(double.IsNaN(Assert.Single(withheld.Samples).Estimate)); // withheld: as missing, yet it is an estimate
        Assert.False(withheld.Provisional);
        Assert.Equal((true, 2), (next.NewRun, next.Run));
        Assert.Equal(2, kernels);
        Assert.Equal(7, feed.Series);
        Assert.Equal(5.0, Assert.Single(next.Samples).Estimate);
    }
}
