using System.Globalization;
using System.Threading.Channels;
using RealtimeDecode.Engine.Recording;
using RealtimeDecode.Host.Lsl;
using RealtimeDecode.Lsl;
using static RealtimeDecode.Host.Tests.Lsl.LslTestSupport;

namespace RealtimeDecode.Host.Tests.Lsl;

/// <summary>The stimulus-marker recorder against test outlets over loopback sockets.</summary>
public sealed class MarkerInletRecorderTests
{
    private sealed record Marker(double Onset, string Value, string Source);

    private sealed class Collector
    {
        private readonly Channel<Marker> _channel = Channel.CreateUnbounded<Marker>();

        public void Add(double onset, string value, string source) => _channel.Writer.TryWrite(new Marker(onset, value, source));

        public async Task<Marker> NextAsync() => await _channel.Reader.ReadAsync(Timeout());

        public bool IsEmpty => _channel.Reader.Count == 0;
    }

    private static StreamOutlet MarkerOutlet(string name, LslConfig config, ChannelFormat format = ChannelFormat.String, int channels = 1,
        string type = "Markers", TimeProvider? time = null) =>
        new(StreamInfo.Create(name, type, channels, StreamInfo.IrregularRate, format, name + "-src"), config, time);

    private static async Task<MarkerInletRecorder> StartAsync(string query, LslConfig config, long sessionStart, Collector collector, StreamOutlet outlet)
    {
        var recorder = new MarkerInletRecorder(query, config, sessionStart, collector.Add);
        recorder.Start();
        await recorder.FirstConnection.WaitAsync(Bound);
        Assert.True(await outlet.WaitForConsumersAsync(Bound));
        return recorder;
    }

    private static double Seconds(long timestamp) => timestamp / (double)TimeProvider.System.TimestampFrequency;

    [Fact]
    public async Task Start_StringMarkers_RecordsValuesSourceAndSessionOnsets()
    {
        var config = Config();
        var name = UniqueName("Stim");
        await using var outlet = MarkerOutlet(name, config);
        long sessionStart = TimeProvider.System.GetTimestamp();
        var collector = new Collector();
        await using var recorder = await StartAsync(new LslOptions { MarkerInlet = name }.MarkerInletQuery()!, config, sessionStart, collector, outlet);

        outlet.PushSample(["movie-start"], Seconds(sessionStart) + 1.5);
        outlet.PushSample(["scene:7 ß"], Seconds(sessionStart) + 42.25);
        double pushedNow = LslClock.LocalClock();
        outlet.PushSample(["button"]);

        var a = await collector.NextAsync();
        var b = await collector.NextAsync();
        var c = await collector.NextAsync();
        Assert.Equal(("movie-start", name), (a.Value, a.Source));
        Assert.Equal(("scene:7 ß", name), (b.Value, b.Source));
        Assert.Equal("button", c.Value);
        // Same machine and clock: the time correction is a few microseconds at most.
        Assert.Equal(1.5, a.Onset, 0.005);
        Assert.Equal(42.25, b.Onset, 0.005);
        Assert.InRange(c.Onset, pushedNow - Seconds(sessionStart) - 0.005, LslClock.LocalClock() - Seconds(sessionStart) + 0.005);
        Assert.Equal(3, recorder.Received);
        Assert.Equal(name, recorder.ConnectedStream);
    }

    [Fact]
    public async Task Start_SenderOnShiftedClock_OnsetsCorrectedToLocalSessionTime()
    {
        var config = Config();
        var name = UniqueName("Stim");
        var senderClock = new ShiftedTimeProvider(5000.0);
        await using var outlet = MarkerOutlet(name, config, time: senderClock);
        long sessionStart = TimeProvider.System.GetTimestamp();
        var collector = new Collector();
        await using var recorder = await StartAsync("name='" + name + "'", config, sessionStart, collector, outlet);

        double before = LslClock.LocalClock() - Seconds(sessionStart);
        outlet.PushSample(["shifted"]); // stamped on the sender's clock, 5000 s ahead of ours
        double after = LslClock.LocalClock() - Seconds(sessionStart);

        var m = await collector.NextAsync();
        Assert.Equal("shifted", m.Value);
        Assert.InRange(m.Onset, before - 0.01, after + 0.01);
    }

    [Fact]
    public async Task Start_NumericStreamByPredicate_RecordsChannelZeroAsInvariantText()
    {
        var config = Config();
        var name = UniqueName("Trigger");
        await using var ints = MarkerOutlet(name, config, ChannelFormat.Int32, channels: 2, type: "Triggers");
        long sessionStart = TimeProvider.System.GetTimestamp();
        var collector = new Collector();
        await using var recorder = await StartAsync($"type='Triggers' and name='{name}'", config, sessionStart, collector, ints);

        ints.PushSample<int>([42, 7], Seconds(sessionStart) + 3);
        ints.PushSample<int>([-1, 0], Seconds(sessionStart) + 4);

        var first = await collector.NextAsync();
        Assert.Equal(("42", name), (first.Value, first.Source));
        Assert.Equal(3.0, first.Onset, 0.005);
        var second = await collector.NextAsync();
        Assert.Equal("-1", second.Value);
        Assert.Equal(4.0, second.Onset, 0.005);
    }

    [Fact]
    public async Task Start_DoubleStream_ShortestRoundTripText()
    {
        var config = Config();
        var name = UniqueName("Rating");
        await using var outlet = MarkerOutlet(name, config, ChannelFormat.Double64);
        var collector = new Collector();
        await using var recorder = await StartAsync("name='" + name + "'", config, TimeProvider.System.GetTimestamp(), collector, outlet);

        outlet.PushSample<double>([2.5]);
        outlet.PushSample<double>([0.1]);

        Assert.Equal("2.5", (await collector.NextAsync()).Value);
        Assert.Equal("0.1", (await collector.NextAsync()).Value);
    }

    [Fact]
    public async Task Start_StreamVanishesAndReturns_Reconnects()
    {
        var config = Config();
        var name = UniqueName("Stim");
        long sessionStart = TimeProvider.System.GetTimestamp();
        var collector = new Collector();
        var first = MarkerOutlet(name, config);
        await using var recorder = await StartAsync("name='" + name + "'", config, sessionStart, collector, first);
        first.PushSample(["before"]);
        Assert.Equal("before", (await collector.NextAsync()).Value);

        first.Dispose();
        await using var second = MarkerOutlet(name, config); // a restarted sender: new uid, new ports
        Assert.True(await second.WaitForConsumersAsync(Bound), "the recorder did not reconnect");
        second.PushSample(["after"], Seconds(sessionStart) + 9);

        var m = await collector.NextAsync();
        Assert.Equal("after", m.Value);
        Assert.Equal(9.0, m.Onset, 0.005);
        Assert.Equal(2, recorder.Connections);
    }

    [Fact]
    public async Task Start_CallbackThrows_KeepsRecording()
    {
        var config = Config();
        var name = UniqueName("Stim");
        await using var outlet = MarkerOutlet(name, config);
        var collector = new Collector();
        var calls = 0;
        await using var recorder = new MarkerInletRecorder("name='" + name + "'", config, TimeProvider.System.GetTimestamp(), (o, v, s) =>
        {
            if (Interlocked.Increment(ref calls) == 1) throw new IOException("disk full");
            collector.Add(o, v, s);
        });
        recorder.Start();
        await recorder.FirstConnection.WaitAsync(Bound);
        Assert.True(await outlet.WaitForConsumersAsync(Bound));

        outlet.PushSample(["lost"]);
        outlet.PushSample(["kept"]);

        Assert.Equal("kept", (await collector.NextAsync()).Value);
        Assert.Equal(1, recorder.CallbackFailures);
        Assert.Equal(2, recorder.Received);
    }

    [Fact]
    public async Task DisposeAsync_WhileResolving_StopsQuicklyWithoutThrowing()
    {
        var recorder = new MarkerInletRecorder("name='" + UniqueName("Nobody") + "'", Config(), 0, (_, _, _) => throw new InvalidOperationException("no marker expected"));
        recorder.Start();
        var started = TimeProvider.System.GetTimestamp();

        await recorder.DisposeAsync();

        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(3));
        Assert.True(recorder.FirstConnection.IsCanceled);
        Assert.Equal(0, recorder.Connections);
    }

    [Fact]
    public async Task DisposeAsync_Connected_NoMoreMarkersDelivered()
    {
        var config = Config();
        var name = UniqueName("Stim");
        await using var outlet = MarkerOutlet(name, config);
        var disposed = new Collector();
        var recorder = await StartAsync("name='" + name + "'", config, TimeProvider.System.GetTimestamp(), disposed, outlet);
        await recorder.DisposeAsync();

        outlet.PushSample(["too-late"]);
        // A second recorder sees the next marker; had the first one still been listening it would have had "too-late" by then.
        var next = new Collector();
        await using var second = await StartAsync("name='" + name + "'", config, TimeProvider.System.GetTimestamp(), next, outlet);
        outlet.PushSample(["next"]);

        Assert.Equal("next", (await next.NextAsync()).Value);
        Assert.True(disposed.IsEmpty);
        Assert.Equal(0, recorder.Received);
        Assert.Null(recorder.ConnectedStream);
    }

    [Fact]
    public void StartIfConfigured_NoInletOrDisabled_Null()
    {
        Assert.Null(MarkerInletRecorder.StartIfConfigured(new LslOptions(), Config(), 0, (_, _, _) => { }));
        Assert.Null(MarkerInletRecorder.StartIfConfigured(new LslOptions { Enabled = false, MarkerInlet = "Stim" }, Config(), 0, (_, _, _) => { }));
    }

    [Fact]
    public async Task StartIfConfigured_WithRecordingSink_MarkersInEventsTsv()
    {
        var dir = Path.Combine(Path.GetTempPath(), "rtd-lsl-events-" + Guid.NewGuid().ToString("N"));
        try
        {
            var config = Config();
            var name = UniqueName("Stim");
            long sessionStart = TimeProvider.System.GetTimestamp();
            await using var outlet = MarkerOutlet(name, config);
            using var recording = new RecordingSink(new RecordingOptions(dir, ["joy"]) { SessionStartTimestamp = sessionStart }, TimeProvider.System);
            var recorded = 0;
            var both = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void Record(double onset, string value, string source)
            {
                recording.RecordMarker(onset, value, source);
                if (Interlocked.Increment(ref recorded) == 2) both.TrySetResult();
            }
            await using (var recorder = MarkerInletRecorder.StartIfConfigured(new LslOptions { MarkerInlet = name }, config, sessionStart, Record))
            {
                Assert.NotNull(recorder);
                await recorder.FirstConnection.WaitAsync(Bound);
                Assert.True(await outlet.WaitForConsumersAsync(Bound));
                outlet.PushSample(["fixation"], Seconds(sessionStart) + 2);
                outlet.PushSample(["movie\tclip 3"], Seconds(sessionStart) + 6.5);
                await both.Task.WaitAsync(Bound);
            }

            var rows = File.ReadAllLines(Path.Combine(dir, "events.tsv")).Select(l => l.Split('\t')).ToArray();
            Assert.Equal(["onset_s", "value", "source"], rows[0]);
            Assert.Equal(3, rows.Length);
            Assert.Equal(2.0, double.Parse(rows[1][0], CultureInfo.InvariantCulture), 0.005);
            Assert.Equal(["fixation", name], rows[1][1..]);
            Assert.Equal(6.5, double.Parse(rows[2][0], CultureInfo.InvariantCulture), 0.005);
            Assert.Equal(["movie clip 3", name], rows[2][1..]);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}

/// <summary>A clock running a fixed offset ahead of the system's monotonic clock (a sender on another machine).</summary>
internal sealed class ShiftedTimeProvider(double offsetSeconds) : TimeProvider
{
    private readonly long _shift = (long)(offsetSeconds * global::System.Diagnostics.Stopwatch.Frequency);

    public override long GetTimestamp() => global::System.Diagnostics.Stopwatch.GetTimestamp() + _shift;

    public override long TimestampFrequency => global::System.Diagnostics.Stopwatch.Frequency;
}
