using RealtimeDecode.Tests.Support;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Host.Lsl;
using RealtimeDecode.Lsl;
using static RealtimeDecode.Host.Tests.Lsl.LslTestSupport;

namespace RealtimeDecode.Host.Tests.Lsl;

/// <summary>The LSL sink against real inlets over loopback sockets.</summary>
public sealed class LslEstimateSinkTests
{
    private static async Task<(LslEstimateSink Sink, StreamInlet Estimates, StreamInlet Markers, LslConfig Config)> StartAsync(
        LslOptions? options = null, string[]? targets = null)
    {
        var config = Config();
        var sink = new LslEstimateSink(options ?? Options(), Context(targets), config);
        var estimates = await OpenInletAsync(sink.EstimatesInfo.Name, config);
        var markers = await OpenInletAsync(sink.MarkersInfo.Name, config);
        Assert.True(await sink.EstimatesOutlet.WaitForConsumersAsync(Bound));
        Assert.True(await sink.MarkersOutlet.WaitForConsumersAsync(Bound));
        return (sink, estimates, markers, config);
    }

    private static async Task<List<string>> PullMarkersAsync(StreamInlet inlet, int count)
    {
        var received = new List<string>();
        var buffer = new string[1];
        for (var i = 0; i < count; i++)
        {
            await inlet.PullSampleAsync(buffer, Timeout());
            received.Add(buffer[0]);
        }
        return received;
    }

    private static async Task<bool> NothingMoreAsync(StreamInlet inlet)
    {
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        try
        {
            await inlet.PullSampleAsync(new string[1], quiet.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    [Fact]
    public async Task OnFrameAsync_FrameSequence_InletReceivesEveryEstimateAsFloat32AndSkipsWarmUp()
    {
        var (sink, inlet, markers, _) = await StartAsync();
        await using var _ = sink;
        await using var __ = inlet;
        await using var ___ = markers;
        var sent = new List<double[]>();
        double before = LslClock.LocalClock();
        for (var v = 0; v < 12; v++)
        {
            PipelineFrame frame = v switch
            {
                < 3 => Estimate(v, null),
                6 => Skipped(v, VolumeStatus.Missing),
                _ => Estimate(v, Values(v, 3)),
            };
            if (frame is EstimateFrame { Estimates: { } e }) sent.Add(e);
            await sink.OnFrameAsync(frame, CancellationToken.None);
        }
        double after = LslClock.LocalClock();

        Assert.Equal(8, sent.Count);
        Assert.Equal(8, sink.SamplesPushed);
        var received = new float[3];
        double last = double.NegativeInfinity;
        foreach (var expected in sent)
        {
            var ts = await inlet.PullSampleAsync(received, Timeout());
            Assert.Equal(expected.Select(x => (float)x).ToArray(), received);
            Assert.InRange(ts, before, after);
            Assert.True(ts >= last, "timestamps must not go back");
            last = ts;
        }
        Assert.Null(await inlet.PullSampleAsync(received, TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task OnFrameAsync_DetectionTimestamps_StampedAtDetectionNotPush()
    {
        var options = Options();
        options.Timestamp = LslTimestampMode.Detection;
        var (sink, inlet, markers, _) = await StartAsync(options);
        await using var _ = sink;
        await using var __ = inlet;
        await using var ___ = markers;

        double before = LslClock.LocalClock();
        await sink.OnFrameAsync(Estimate(5, [1, 2, 3], latencyMs: 400), CancellationToken.None);
        double after = LslClock.LocalClock();

        var ts = await inlet.PullSampleAsync(new float[3], Timeout());
        Assert.InRange(ts, before - 0.4, after - 0.4);
    }

    [Fact]
    public async Task Constructor_ModelWithLag_DescStatesHowOldTheEstimatesAre()
    {
        var options = Options();
        var lag = new RealtimeDecode.Engine.Decoding.EstimateLag(12.2, 0.8, 10.9, 13.6, ["joy", "fear"], [12.1, 12.4], [1, 1], "evaluate on run 2");
        var config = Config();
        await using var sink = new LslEstimateSink(options, Context(["joy", "fear"]) with { MeasuredLag = lag }, config);
        await using var inlet = await OpenInletAsync(options.Name, config);

        var full = await inlet.GetFullInfoAsync(Timeout());

        var e = full.Desc.Element("decoder")?.Element("estimate_lag");
        Assert.Equal("12.2", e?.Element("seconds")?.Value);
        Assert.Equal("0.8", e?.Element("standard_error_s")?.Value);
        Assert.StartsWith("describes about t − 12.2 s", e?.Element("meaning")?.Value);
    }

    [Fact]
    public async Task Constructor_LagMeasuredAtAnotherTr_DescHasNoNumberAndSaysBothTrs()
    {
        var options = Options();
        var lag = new RealtimeDecode.Engine.Decoding.EstimateLag(12.2, 0.8, 10.9, 13.6, ["joy", "fear"], [12.1, 12.4], [1, 1], "evaluate on run 2")
        {
            RepetitionTimeSeconds = 0.8,
        };
        var config = Config();
        await using var sink = new LslEstimateSink(options, Context(["joy", "fear"], tr: 2.0) with { MeasuredLag = lag }, config);
        await using var inlet = await OpenInletAsync(options.Name, config);

        var full = await inlet.GetFullInfoAsync(Timeout());

        var e = full.Desc.Element("decoder")?.Element("estimate_lag");
        Assert.Null(e?.Element("seconds"));
        Assert.Null(e?.Element("meaning"));
        Assert.Equal("not known at TR 2 s (measured at TR 0.8 s)", e?.Element("status")?.Value);
    }

    [Fact]
    public async Task Constructor_ModelWithoutLag_DescSaysNotMeasured()
    {
        var options = Options();
        var config = Config();
        await using var sink = new LslEstimateSink(options, Context(["joy"]), config);
        await using var inlet = await OpenInletAsync(options.Name, config);

        var full = await inlet.GetFullInfoAsync(Timeout());

        Assert.Equal("not measured", full.Desc.Element("decoder")?.Element("estimate_lag")?.Element("status")?.Value);
    }

    [Fact]
    public async Task Constructor_Session_StreamInfoHasLabelsRateTypeAndStableSourceId()
    {
        var options = Options();
        var session = Context(["joy", "fear", "sadness"], tr: 1.5, sha: "deadbeef");
        var config = Config();
        await using var sink = new LslEstimateSink(options, session, config);
        await using var inlet = await OpenInletAsync(options.Name, config);

        var full = await inlet.GetFullInfoAsync(Timeout());

        Assert.Equal(options.Name, full.Name);
        Assert.Equal("Emotion", full.Type);
        Assert.Equal(ChannelFormat.Float32, full.ChannelFormat);
        Assert.Equal(3, full.ChannelCount);
        Assert.Equal(1 / 1.5, full.NominalSrate, 12);
        Assert.Equal(["joy", "fear", "sadness"], full.GetChannelLabels());
        Assert.Equal(StreamInfo.StableSourceId("rtdecode", Environment.MachineName, options.Name, "deadbeef", "joy", "fear", "sadness"), full.SourceId);
        Assert.Equal("deadbeef", full.Desc.Element("decoder")?.Element("model_sha256")?.Value);
        Assert.Equal(config.SessionId, full.SessionId);

        var markers = sink.MarkersInfo;
        Assert.Equal(options.MarkersName, markers.Name);
        Assert.Equal("Markers", markers.Type);
        Assert.Equal(ChannelFormat.String, markers.ChannelFormat);
        Assert.Equal(1, markers.ChannelCount);
        Assert.Equal(StreamInfo.IrregularRate, markers.NominalSrate);
        Assert.Equal(full.SourceId + "-markers", markers.SourceId);
    }

    [Fact]
    public void Constructor_SameContextTwice_SameSourceIdOtherModelDiffers()
    {
        var options = Options();
        string first, second, otherModel, otherTargets;
        using (var a = new LslEstimateSink(options, Context(), Config())) first = a.EstimatesInfo.SourceId;
        using (var b = new LslEstimateSink(options, Context(), Config())) second = b.EstimatesInfo.SourceId;
        using (var c = new LslEstimateSink(options, Context(sha: "ffff0000"), Config())) otherModel = c.EstimatesInfo.SourceId;
        using (var d = new LslEstimateSink(options, Context(["joy", "fear"]), Config())) otherTargets = d.EstimatesInfo.SourceId;

        Assert.Equal(first, second);
        Assert.StartsWith("rtdecode-", first);
        Assert.NotEqual(first, otherModel);
        Assert.NotEqual(first, otherTargets);
    }

    [Fact]
    public void Constructor_ExplicitSourceId_UsedAsGiven()
    {
        var options = Options();
        options.SourceId = "scanner-room-decoder";
        using var sink = new LslEstimateSink(options, Context(), Config());
        Assert.Equal("scanner-room-decoder", sink.EstimatesInfo.SourceId);
        Assert.Equal("scanner-room-decoder-markers", sink.MarkersInfo.SourceId);
    }

    [Fact]
    public void Constructor_NonPositiveTr_ThrowsNamingTheTr()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new LslEstimateSink(Options(), Context(tr: 0), Config()));
        Assert.Contains("TR", e.Message);
    }

    [Fact]
    public async Task OnFrameAsync_StatusEvents_MarkerOutletEmitsStatusMarkers()
    {
        var (sink, inlet, markers, _) = await StartAsync();
        await using var _ = sink;
        await using var __ = inlet;
        await using var ___ = markers;
        PipelineFrame[] frames =
        [
            Estimate(0, null), Estimate(1, null), Estimate(2, Values(2, 3)), Skipped(3, VolumeStatus.Missing),
            Skipped(4, VolumeStatus.Corrupt), Estimate(5, Values(5, 3)), Skipped(3, VolumeStatus.Late), Skipped(5, VolumeStatus.Duplicate),
            Estimate(6, Values(6, 3)),
        ];
        foreach (var f in frames) await sink.OnFrameAsync(f, CancellationToken.None);
        await sink.OnCompletedAsync(null, CancellationToken.None);

        Assert.Equal(["warmup-done:2", "missing:3", "corrupt:4", "late:3", "duplicate:5", "session-end"], await PullMarkersAsync(markers, 6));
        Assert.Equal(6, sink.MarkersPushed);
        Assert.Equal(3, sink.SamplesPushed);
        Assert.True(await NothingMoreAsync(markers), "no marker beyond the expected ones");
    }

    [Fact]
    public async Task OnFrameAsync_HighMotionAndWithheld_MarkerNamesTheVolumeOnceAndWithheldEstimatesNeverReachTheStream()
    {
        var (sink, inlet, markers, _) = await StartAsync();
        await using var _ = sink;
        await using var __ = inlet;
        await using var ___ = markers;
        // volume 1 moved during warm-up; 4 moved with the window full; windows 4..6 hold volume 4 and are withheld
        PipelineFrame[] frames =
        [
            Estimate(0, null), Estimate(1, null) with { HighMotionVolume = 1 }, Estimate(2, Values(2, 3)) with { HighMotionVolume = 1, Censored = true },
            Estimate(3, Values(3, 3)),
            Estimate(4, Values(4, 3)) with { HighMotionVolume = 4, Censored = true, Withheld = true },
            Estimate(5, Values(5, 3)) with { HighMotionVolume = 4, Censored = true, Withheld = true },
            Estimate(6, Values(6, 3)),
        ];
        foreach (var f in frames) await sink.OnFrameAsync(f, CancellationToken.None);
        await sink.OnCompletedAsync(null, CancellationToken.None);

        Assert.Equal(["motion:1", "warmup-done:2", "motion:4", "session-end"], await PullMarkersAsync(markers, 4));
        Assert.True(await NothingMoreAsync(markers), "one marker per high-motion volume");
        Assert.Equal(3, sink.SamplesPushed);
        var received = new float[3];
        foreach (int v in new[] { 2, 3, 6 })
        {
            await inlet.PullSampleAsync(received, Timeout());
            Assert.Equal(Values(v, 3).Select(x => (float)x).ToArray(), received);
        }
        Assert.Null(await inlet.PullSampleAsync(received, TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task ConditionMarkerSink_ProtocolOnsets_PushedOnTheMarkerOutletAtTheirVolumes()
    {
        using var dir = new RealtimeDecode.Host.Tests.Commands.TempFolder();
        string path = dir.File("p.tsv");
        File.WriteAllText(path, "onset\tduration\ttrial_type\n0\t4\trest\n4\t4\tbase\n8\t4\tup\n");
        File.WriteAllText(dir.File("p.json"), """{"Conditions": {"rest": {"Role": "rest"}, "base": {"Role": "baseline"}, "up": {"Role": "regulate", "Target": "a"}}}""");
        var (sink, inlet, markers, _) = await StartAsync();
        await using var _ = sink;
        await using var __ = inlet;
        await using var ___ = markers;
        var conditions = new ConditionMarkerSink(RealtimeDecode.Engine.Feedback.ProtocolFile.Read(path), 2, sink.PushMarker);
        PipelineFrame[] frames = [Estimate(0, null), Estimate(1, null), Skipped(2, VolumeStatus.Missing), Estimate(3, Values(3, 3)), Estimate(4, Values(4, 3))];
        foreach (var f in frames)
        {
            await sink.OnFrameAsync(f, CancellationToken.None);
            await conditions.OnFrameAsync(f, CancellationToken.None);
        }
        await sink.OnCompletedAsync(null, CancellationToken.None);
        Assert.Equal(["condition:rest:1", "missing:2", "condition:base:2", "warmup-done:3", "condition:up:3", "session-end"], await PullMarkersAsync(markers, 6));
    }

    [Fact]
    public async Task OnCompletedAsync_PipelineFailed_MarksSessionEndError()
    {
        var (sink, inlet, markers, _) = await StartAsync();
        await using var _ = sink;
        await using var __ = inlet;
        await using var ___ = markers;
        await sink.OnCompletedAsync(new InvalidOperationException("boom"), CancellationToken.None);
        Assert.Equal(["session-end:error"], await PullMarkersAsync(markers, 1));
    }

    [Fact]
    public async Task OnFrameAsync_WrongEstimateCount_ThrowsNamingVolumeAndCounts()
    {
        await using var sink = new LslEstimateSink(Options(), Context(), Config());
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => sink.OnFrameAsync(Estimate(4, [1.0, 2.0]), CancellationToken.None).AsTask());
        Assert.Contains("Volume 4 has 2 estimates", e.Message);
        Assert.Equal(0, sink.SamplesPushed);
    }

    [Fact]
    public async Task OnFrameAsync_AfterDispose_IgnoresFramesWithoutThrowing()
    {
        var sink = new LslEstimateSink(Options(), Context(), Config());
        sink.Dispose();
        await sink.OnFrameAsync(Estimate(3, Values(3, 3)), CancellationToken.None);
        await sink.OnFrameAsync(Skipped(4, VolumeStatus.Missing), CancellationToken.None);
        await sink.OnCompletedAsync(null, CancellationToken.None);
        Assert.Equal(2, sink.IgnoredFrames);
        Assert.Equal(0, sink.SamplesPushed);
        Assert.Equal(0, sink.MarkersPushed);
    }

    [Fact]
    public async Task SinkFanout_EstimatesOutletFailed_OtherSinksAndStatusMarkersKeepGoing()
    {
        var (sink, inlet, markers, _) = await StartAsync();
        await using var _ = sink;
        await using var __ = inlet;
        await using var ___ = markers;
        var collector = new CollectingSink();
        // The estimates outlet breaks before the session: every estimate push throws.
        sink.EstimatesOutlet.Dispose();
        using var fanout = new SinkFanout([SinkRegistration.Bounded(sink, 64), SinkRegistration.Unbounded(collector)]);
        PipelineFrame[] frames = [Estimate(0, Values(0, 3)), Skipped(1, VolumeStatus.Missing), Estimate(2, Values(2, 3)), Skipped(3, VolumeStatus.Corrupt), Estimate(4, Values(4, 3))];
        foreach (var f in frames) fanout.OnNext(f);
        fanout.OnCompleted();

        await fanout.Completion.WaitAsync(Bound);

        Assert.Equal(frames, collector.Frames.ToArray());
        Assert.Null(await collector.Completed.Task.WaitAsync(Bound));
        var stats = fanout.Statistics.Single(s => s.Name == "lsl");
        Assert.Equal(3, stats.Failures);
        Assert.Equal(2, stats.Delivered);
        Assert.Equal(["missing:1", "corrupt:3", "session-end"], await PullMarkersAsync(markers, 3));
    }

    [Fact]
    public async Task OnFrameAsync_SteadyState_AllocatesNothingPerSample()
    {
        var (sink, inlet, markers, _) = await StartAsync();
        await using var _ = sink;
        await using var __ = inlet;
        await using var ___ = markers;
        var frame = Estimate(10, Values(10, 3));
        await sink.OnFrameAsync(frame, CancellationToken.None); // first estimate: the warmup-done marker
        for (var i = 0; i < 50; i++) await sink.OnFrameAsync(frame, CancellationToken.None);

        bool allSynchronous = true;
        long allocated = Allocations.SteadyState(() =>
        {
            for (var i = 0; i < 100; i++) allSynchronous &= sink.OnFrameAsync(frame, CancellationToken.None).IsCompletedSuccessfully;
        }, warmup: 0);

        Assert.Equal(0, allocated);
        Assert.True(allSynchronous);
        Assert.Equal(551, sink.SamplesPushed);
    }
}
