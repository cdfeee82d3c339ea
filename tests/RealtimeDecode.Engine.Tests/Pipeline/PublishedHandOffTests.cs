using System.Globalization;
using System.Reactive.Concurrency;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Recording;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Pipeline;

/// <summary>
/// "Published" is the first hand-off of a frame to a transport, whichever sink makes it; each sink's own hand-off is
/// recorded too. Virtual time: every hand-off is 1 ms after the previous one, and the sinks take turns being first.
/// </summary>
public sealed class PublishedHandOffTests : IDisposable
{
    private const long TicksPerMs = TimeSpan.TicksPerMillisecond;
    private readonly TempDirectory _dir = new();
    private readonly HistoricalScheduler _scheduler = new(DateTimeOffset.UnixEpoch);
    private readonly SchedulerTimeProvider _time;

    public PublishedHandOffTests() => _time = new SchedulerTimeProvider(_scheduler);

    public void Dispose() => _dir.Dispose();

    /// <summary>A transport sink: hands each frame to its (fake) transport, marking the hand-off on the frame's clock.</summary>
    private sealed class TransportSink(string name, TimeProvider time) : IFrameSink
    {
        public string Name => name;

        public ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken)
        {
            frame.Timing.MarkHandedOff(Name, time);
            return ValueTask.CompletedTask;
        }

        public ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private EstimateFrame Estimate(int v)
    {
        long now = _time.GetTimestamp();
        var t = new FrameTiming(now, now, now, TimeSpan.TicksPerSecond);
        return new EstimateFrame(v, v * 2.0, null, t, new RoiFrame(v, v * 2.0, [1], t), null, [0.1 * v]) { Series = 4 };
    }

    [Fact]
    public void MarkHandedOff_ThreeSinks_PublishedIsTheFirstAndEachKeepsItsOwn()
    {
        var t = new FrameTiming(0, 0, 0, TimeSpan.TicksPerSecond);
        Assert.Null(t.PublishedTimestamp);
        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(7));
        long lsl = t.MarkHandedOff("lsl", _time);
        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(2));
        long recorder = t.MarkHandedOff("recorder", _time);
        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(5));
        Assert.Equal(lsl, t.MarkHandedOff("lsl", _time)); // a second mark of the same sink keeps the first
        long dashboard = t.MarkHandedOff("dashboard", _time);

        Assert.Equal(7 * TicksPerMs, lsl);
        Assert.Equal(lsl, t.PublishedTimestamp);
        Assert.Equal(7.0, t.LatencyMs, 9);
        Assert.Equal([("lsl", lsl), ("recorder", recorder), ("dashboard", dashboard)], t.HandOffs.Select(h => (h.Sink, h.Timestamp)));
        Assert.Equal(9 * TicksPerMs, t.HandOffOf("recorder"));
        Assert.Equal(14 * TicksPerMs, t.HandOffOf("dashboard"));
        Assert.Null(t.HandOffOf("feedback"));
    }

    [Fact]
    public async Task Session_SinksTakeTurnsBeingFirst_PublishedFollowsWhicheverHandsOffFirstAndEachSinkIsRecorded()
    {
        string rec = _dir.File("rec");
        var recorder = new RecordingSink(new RecordingOptions(rec, ["joy"]), _time);
        using var handOffs = new HandOffTable(rec, sessionStart: 0);
        IFrameSink[] sinks = [recorder, new TransportSink("dashboard", _time), new TransportSink("lsl", _time)];
        var frames = new List<EstimateFrame>();
        for (int v = 0; v < 6; v++)
        {
            _scheduler.AdvanceBy(TimeSpan.FromSeconds(2));
            var frame = Estimate(v);
            frames.Add(frame);
            _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(3)); // decoding
            for (int k = 0; k < sinks.Length; k++)
            {
                var sink = sinks[(v + k) % sinks.Length]; // volume v: sink v mod 3 goes first
                await sink.OnFrameAsync(frame, CancellationToken.None);
                handOffs.Record(frame, new SinkHandOff(sink.Name, frame.Timing.HandOffOf(sink.Name)!.Value));
                _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(1));
            }
        }
        await recorder.OnCompletedAsync(null, CancellationToken.None);
        handOffs.Dispose();

        var estimates = NumericTable.Read(Path.Combine(rec, RecordingLayout.EstimatesFile));
        var rows = File.ReadAllLines(Path.Combine(rec, RecordingLayout.HandOffsFile));
        Assert.Equal("volume\tseries\tsink\thandoff_ms\tlatency_ms", rows[0]);
        var table = rows.Skip(1).Select(l => l.Split('\t')).ToList();
        Assert.Equal(6 * sinks.Length, table.Count);
        for (int v = 0; v < frames.Count; v++)
        {
            var t = frames[v].Timing;
            string first = sinks[v % sinks.Length].Name;
            // published is the first hand-off, whichever sink made it: 3 ms after detection, before every other sink's
            Assert.Equal(t.HandOffOf(first), t.PublishedTimestamp);
            Assert.Equal(3.0, t.LatencyMs, 9);
            foreach (var s in sinks) Assert.True(t.HandOffOf(s.Name) >= t.PublishedTimestamp, $"volume {v}: {s.Name} before published");
            double detectedMs = t.MillisecondsSince(0, t.DetectedTimestamp);
            Assert.Equal(detectedMs + 3.0, estimates.Row(v)[estimates.IndexOf("published_ms")], 9);
            Assert.Equal(3.0, estimates.Row(v)[estimates.IndexOf("latency_ms")], 9);
            // each sink's own row: its hand-off k ms after the first, as it came
            var mine = table.Where(r => r[0] == v.ToString(CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(sinks.Select((_, k) => sinks[(v + k) % sinks.Length].Name), mine.Select(r => r[2]));
            for (int k = 0; k < sinks.Length; k++)
            {
                Assert.Equal("4", mine[k][1]);
                Assert.Equal(detectedMs + 3 + k, double.Parse(mine[k][3], CultureInfo.InvariantCulture), 6);
                Assert.Equal(3.0 + k, double.Parse(mine[k][4], CultureInfo.InvariantCulture), 6);
            }
        }
    }

    [Fact]
    public async Task Fanout_SinkMarksAHandOff_ReportedOnceWithItsTime()
    {
        var reported = new List<(int Volume, SinkHandOff HandOff)>();
        using var fanout = new SinkFanout(
            [SinkRegistration.Unbounded(new TransportSink("lsl", _time)), SinkRegistration.Unbounded(new CollectingSink("log"))],
            onHandOff: (f, h) => { lock (reported) reported.Add((f.Volume, h)); });
        var frames = Enumerable.Range(0, 3).Select(Estimate).ToList();
        foreach (var f in frames) fanout.OnNext(f);
        fanout.OnCompleted();
        await Bounded.Wait(fanout.Completion, "the sinks to drain");

        Assert.Equal([0, 1, 2], reported.Select(r => r.Volume));
        Assert.All(reported, r => Assert.Equal("lsl", r.HandOff.Sink)); // the log sink hands nothing off
        Assert.Equal(frames.Select(f => f.Timing.PublishedTimestamp!.Value), reported.Select(r => r.HandOff.Timestamp));
    }
}
