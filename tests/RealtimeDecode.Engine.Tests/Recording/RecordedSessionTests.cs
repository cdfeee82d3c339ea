using System.Reactive.Concurrency;
using RealtimeDecode.Engine.Ingest;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Recording;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Recording;

/// <summary>Replay → pipeline → fan-out (recorder, a stalled dashboard, a broken sink, summary) in virtual time.</summary>
public sealed class RecordedSessionTests : IDisposable
{
    private static readonly TimeSpan Tr = TimeSpan.FromSeconds(2);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Replay_WithCorruptVolumeAndBadSinks_RecorderGetsEveryFrameAndNumbersMatch()
    {
        const int n = 12;
        var scheduler = new HistoricalScheduler(DateTimeOffset.UnixEpoch);
        var time = new SchedulerTimeProvider(scheduler);
        var stages = new FakeStages { Window = 3, Clock = time, DecodeCost = TimeSpan.FromMilliseconds(20) };
        stages.CorruptIndices.Add(6);
        var pipeline = new RealtimePipeline(new PipelineOptions(Tr), stages.Create, scheduler, time);
        var replayer = new RunReplayer(FakeVolumes.Run(n), Tr, ReplaySpeed.RealTime, scheduler, time, i => $"run.nii.gz#{i}");
        var recorder = new RecordingSink(new RecordingOptions(_dir.File("rec"), FakeStages.Targets), time);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dashboard = new CollectingSink("dashboard") { Gate = gate.Task };
        var broken = new CollectingSink("lsl") { Throws = true };
        var frames = new CollectingSink("frames");
        var summary = new SummarySink();
        using var fanout = new SinkFanout([
            SinkRegistration.Bounded(dashboard, 1), SinkRegistration.Bounded(broken, 64),
            SinkRegistration.Unbounded(recorder), SinkRegistration.Unbounded(frames), SinkRegistration.Unbounded(summary)]);

        using (pipeline.Process(replayer.Arrivals()).Subscribe(fanout))
        {
            scheduler.AdvanceBy(Tr);
            await Bounded.Wait(dashboard.Entered.Task, "the dashboard to take the first frame");
            scheduler.AdvanceBy(Tr * n);
        }
        gate.SetResult();
        await Bounded.Wait(fanout.Completion, "the sinks to drain");

        var all = frames.Frames;
        Assert.Equal(Enumerable.Range(0, n), all.Select(f => f.Volume));
        Assert.True(fanout.Statistics[0].Dropped > 0);
        Assert.Equal(n, fanout.Statistics[1].Failures);
        Assert.Equal(new SinkStatistics("recorder", n, 0, 0), fanout.Statistics[2]);

        var volumes = File.ReadAllLines(_dir.File("rec/volumes.tsv"));
        Assert.Equal(n + 1, volumes.Length);
        Assert.Equal("6\tcorrupt\trun.nii.gz#6", volumes[7]);
        Assert.Equal("0\tok\trun.nii.gz#0", volumes[1]);

        var table = NumericTable.Read(_dir.File("rec/estimates.tsv"));
        var ready = all.OfType<EstimateFrame>().Where(f => !f.IsWarmingUp).ToList();
        Assert.Equal(ready.Select(f => f.Volume), table.Volumes);
        Assert.Equal([2, 3, 4, 5, 7, 8, 9, 10, 11], table.Volumes);
        for (int r = 0; r < ready.Count; r++)
        {
            Assert.Equal(ready[r].OnsetSeconds, table.Row(r)[0]);
            Assert.Equal(ready[r].Estimates, table.Row(r).Slice(1, 2).ToArray());
            // published = the recorder's write (the only sink here that hands frames to a transport), after decoding
            var t = ready[r].Timing;
            Assert.Equal(t.HandOffOf("recorder"), t.PublishedTimestamp);
            Assert.True(t.PublishedTimestamp >= t.DecodedTimestamp);
            Assert.Equal(t.LatencyMs, table.Row(r)[table.IndexOf("latency_ms")], 9);
            Assert.Equal(table.Row(r)[table.IndexOf("published_ms")] - table.Row(r)[table.IndexOf("detected_ms")], table.Row(r)[table.IndexOf("latency_ms")], 6);
            Assert.True(table.Row(r)[table.IndexOf("published_ms")] - table.Row(r)[table.IndexOf("decoded_ms")] >= 0);
        }

        var s = await Bounded.Wait(summary.Summary, "the summary");
        Assert.Equal(n, s.Volumes);
        Assert.Equal(1, s.StatusCounts[VolumeStatus.Corrupt]);
        Assert.Equal(2, s.WarmUpVolumes);
        Assert.Equal(ready.Count, s.Estimates);
        var latencies = ready.Select(f => f.Timing.LatencyMs).Order().ToList();
        var computed = summary.Compute();
        Assert.Equal(SessionSummary.Percentile(latencies, 0.5), computed.LatencyMedianMs, 9);
        Assert.Equal(SessionSummary.Percentile(latencies, 0.99), computed.LatencyP99Ms, 9);
    }
}
