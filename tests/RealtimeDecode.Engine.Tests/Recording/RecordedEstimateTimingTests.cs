using System.Reactive.Concurrency;
using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Engine.Recording;
using RealtimeDecode.Engine.Tests.Support;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tests.Recording;

public sealed class RecordedEstimateTimingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Out => Path.Combine(_dir.Path, "rec");

    [Theory]
    [InlineData(false, CensorPolicy.Withhold, null)]
    [InlineData(true, CensorPolicy.Withhold, CensorPolicy.Withhold)]
    [InlineData(true, CensorPolicy.Publish, CensorPolicy.Publish)]
    public async Task TryRead_WrittenByTheRecorder_TrWindowAndCensorPolicyAsTheSessionRan(bool realign, CensorPolicy policy, CensorPolicy? expected)
    {
        var time = new SchedulerTimeProvider(new HistoricalScheduler(DateTimeOffset.UnixEpoch));
        var sink = new RecordingSink(new RecordingOptions(Out, ["joy"])
        {
            RepetitionTime = TimeSpan.FromSeconds(1.5), WindowVolumes = 13, Motion = realign, Censor = policy,
        }, time);
        await sink.OnCompletedAsync(null, CancellationToken.None);
        sink.Dispose();

        var t = RecordedEstimateTiming.TryRead(Out);
        Assert.NotNull(t);
        Assert.Equal((1.5, 13, expected), (t.RepetitionTimeSeconds, t.WindowVolumes, t.Censor));
        Assert.Equal(Path.Combine(Out, RecordingLayout.SessionFile), t.Path);
    }

    [Fact]
    public void TryRead_EarlierRecordingWithoutWindow_WindowNull()
    {
        Directory.CreateDirectory(Out);
        File.WriteAllText(Path.Combine(Out, RecordingLayout.SessionFile), """{"repetition_time_s": 2, "motion": null, "warmup_volumes": {"count": 12}}""");
        var t = RecordedEstimateTiming.TryRead(Out)!;
        Assert.Equal((2.0, (int?)null, (CensorPolicy?)null), (t.RepetitionTimeSeconds, t.WindowVolumes, t.Censor));
        // Without estimate_rows it is not known that the window ever filled: the warm-up alone does not give it.
        Assert.Null(t.WindowFromWarmUp);
        Assert.Contains("ended before the window was full", t.WindowUnknownBecause);
    }

    [Theory]
    [InlineData(12, 28, 13)]
    [InlineData(0, 40, 1)]
    [InlineData(12, 0, null)]
    public void WindowFromWarmUp_EarlierRecording_WarmUpPlusOneOnceAnEstimateWasMade(int warmUp, int rows, int? expected)
    {
        Directory.CreateDirectory(Out);
        File.WriteAllText(Path.Combine(Out, RecordingLayout.SessionFile), $$"""{"repetition_time_s": 2, "warmup_volumes": {"count": {{warmUp}}}, "estimate_rows": {{rows}}}""");
        var t = RecordedEstimateTiming.TryRead(Out)!;
        Assert.Equal(expected, t.WindowFromWarmUp);
        Assert.Equal(expected is null, t.WindowUnknownBecause is not null);
    }

    [Fact]
    public async Task WindowFromWarmUp_RecorderThatSawNoVolume_NullAndWindowVolumesStands()
    {
        var time = new SchedulerTimeProvider(new HistoricalScheduler(DateTimeOffset.UnixEpoch));
        var sink = new RecordingSink(new RecordingOptions(Out, ["joy"]) { RepetitionTime = TimeSpan.FromSeconds(2), WindowVolumes = 13 }, time);
        await sink.OnCompletedAsync(null, CancellationToken.None);
        sink.Dispose();

        // No volume went through: no warm-up and no estimate, so the recorded window_volumes is the only source.
        var t = RecordedEstimateTiming.TryRead(Out)!;
        Assert.Equal((0, 0), (t.WarmUpVolumes, t.EstimateRows));
        Assert.Null(t.WindowFromWarmUp);
        Assert.Equal(13, t.WindowVolumes);
    }

    [Fact]
    public void TryRead_NoSessionJson_Null() => Assert.Null(RecordedEstimateTiming.TryRead(_dir.Path));

    [Theory]
    [InlineData("{", "is not valid JSON")]
    [InlineData("""{"window_volumes": "13"}""", "a value has the wrong type")]
    [InlineData("""{"window_volumes": 0}""", "window_volumes must be ≥ 1")]
    [InlineData("""{"repetition_time_s": -2}""", "repetition_time_s must be > 0")]
    [InlineData("""{"motion": {"censor": "drop"}}""", "motion.censor 'drop' is not publish, flag or withhold")]
    public void TryRead_Malformed_OneLineNamingTheFile(string json, string expected)
    {
        Directory.CreateDirectory(Out);
        File.WriteAllText(Path.Combine(Out, RecordingLayout.SessionFile), json);
        var e = Assert.Throws<InputDataException>(() => RecordedEstimateTiming.TryRead(Out));
        Assert.Contains(expected, e.Message);
        Assert.Contains(RecordingLayout.SessionFile, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
