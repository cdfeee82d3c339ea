using System.Reactive.Concurrency;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Recording;
using RealtimeDecode.Engine.Tests.Support;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tests.Recording;

public sealed class RecordingSinkTests : IDisposable
{
    private const long TicksPerMs = TimeSpan.TicksPerMillisecond;
    private readonly TempDirectory _dir = new();
    private readonly HistoricalScheduler _scheduler = new(DateTimeOffset.UnixEpoch);
    private readonly SchedulerTimeProvider _time;

    public RecordingSinkTests() => _time = new SchedulerTimeProvider(_scheduler);

    public void Dispose() => _dir.Dispose();

    private string Out => Path.Combine(_dir.Path, "rec");

    private RecordingSink Sink(object? configuration = null) => new(new RecordingOptions(Out, ["joy", "fear"])
    {
        Configuration = configuration,
        SessionId = "scanner1-20250314-101502",
        ModelSha256 = "ab12",
        RepetitionTime = TimeSpan.FromSeconds(2),
    }, _time);

    private static FrameTiming Timing(long detectedMs, long readMs, long decodedMs, long publishedMs) =>
        Timings.Published(detectedMs * TicksPerMs, readMs * TicksPerMs, decodedMs * TicksPerMs, publishedMs * TicksPerMs, TimeSpan.TicksPerSecond);

    private static EstimateFrame Estimate(int v, double[]? estimates, FrameTiming t) =>
        new(v, v * 2.0, $"vol_{v:0000}.nii", t, new RoiFrame(v, v * 2.0, [1, 2], t), estimates is null ? null : new ConnectivityFrame(v, v * 2.0, [0.5], t), estimates);

    private string Read(string name)
    {
        // The recorder keeps its files open; read them as another process would during the session.
        using var s = new FileStream(Path.Combine(Out, name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(s).ReadToEnd();
    }

    private async Task Feed(RecordingSink sink, params PipelineFrame[] frames)
    {
        foreach (var f in frames) await sink.OnFrameAsync(f, CancellationToken.None);
    }

    [Fact]
    public async Task OnFrame_MixedSession_ExactFileLayout()
    {
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1));   // the session starts at 1 s of the monotonic clock
        using var sink = Sink();
        await Feed(sink,
            Estimate(0, null, Timing(3000, 3010, 3020, 3021)),
            Estimate(1, [0.25, -0.5], Timing(5000, 5040, 5055, 5055)),
            new SkippedFrame(2, 4, VolumeStatus.Missing, null, "not received in time", Timings.Published(13000 * TicksPerMs, null, null, 13000 * TicksPerMs, TimeSpan.TicksPerSecond)),
            new SkippedFrame(3, 6, VolumeStatus.Corrupt, "vol_0003.nii", "truncated", Timing(9000, 0, 0, 9001)),
            Estimate(4, [1e-17, 3], Timing(11000, 11001, 11002, 11003)),
            new SkippedFrame(4, 8, VolumeStatus.Duplicate, "again\tvol_0004.nii", "dup", Timing(11500, 0, 0, 11500)));
        sink.RecordMarker(7.5, "story_start", "Markers");

        Assert.Equal(
            "volume\tonset_s\tjoy\tfear\tdetected_ms\tread_ms\tdecoded_ms\tpublished_ms\tlatency_ms\n" +
            "1\t2\t0.25\t-0.5\t4000\t4040\t4055\t4055\t55\n" +
            "4\t8\t1E-17\t3\t10000\t10001\t10002\t10003\t3\n",
            Read(RecordingLayout.EstimatesFile));
        Assert.Equal(
            "volume\tstatus\tfile\n" +
            "0\tok\tvol_0000.nii\n" +
            "1\tok\tvol_0001.nii\n" +
            "2\tmissing\tn/a\n" +
            "3\tcorrupt\tvol_0003.nii\n" +
            "4\tok\tvol_0004.nii\n" +
            "4\tduplicate\tagain vol_0004.nii\n",
            Read(RecordingLayout.VolumesFile));
        Assert.Equal("onset_s\tvalue\tsource\n7.5\tstory_start\tMarkers\n", Read(RecordingLayout.EventsFile));
    }

    [Fact]
    public async Task OnCompleted_SessionJson_ConfigurationModelVersionsWarmUpAndCounts()
    {
        var sink = Sink(new { Atlas = "schaefer400.nii.gz", Window = 13 });
        await Feed(sink,
            Estimate(0, null, Timing(0, 0, 0, 0)),
            Estimate(1, null, Timing(0, 0, 0, 0)),
            Estimate(2, [1, 2], Timing(0, 0, 0, 0)),
            new SkippedFrame(3, 6, VolumeStatus.Missing, null, "x", Timing(0, 0, 0, 0)));
        await sink.OnCompletedAsync(null, CancellationToken.None);

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Out, RecordingLayout.SessionFile)))!;
        Assert.Equal("realtime-decode-recording", (string?)json["format"]);
        Assert.Equal("scanner1-20250314-101502", (string?)json["session"]);
        Assert.True((bool)json["completed"]!);
        Assert.Equal("schaefer400.nii.gz", (string?)json["configuration"]!["Atlas"]);
        Assert.Equal(13, (int)json["configuration"]!["Window"]!);
        Assert.Equal("ab12", (string?)json["model_sha256"]);
        Assert.Equal(2.0, (double)json["repetition_time_s"]!);
        Assert.Equal(["joy", "fear"], json["targets"]!.AsArray().Select(n => (string?)n));
        Assert.False(string.IsNullOrEmpty((string?)json["versions"]!["runtime"]));
        Assert.False(string.IsNullOrEmpty((string?)json["versions"]!["os"]));
        Assert.NotNull(json["versions"]!["assemblies"]!["RealtimeDecode.Engine"]);
        Assert.Equal("omitted", (string?)json["warmup_volumes"]!["in_estimates_tsv"]);
        Assert.Equal(2, (int)json["warmup_volumes"]!["count"]!);
        Assert.Equal([0, 1], json["warmup_volumes"]!["volumes"]!.AsArray().Select(n => (int)n!));
        Assert.Equal(3, (int)json["counts"]!["ok"]!);
        Assert.Equal(1, (int)json["counts"]!["missing"]!);
        Assert.Equal(RecordingLayout.LogFile, (string?)json["files"]!["log"]);
    }

    [Fact]
    public async Task OnFrame_NotFiniteEstimate_RowOfNaAndListedInSessionJson()
    {
        var sink = Sink();
        await Feed(sink,
            Estimate(0, [1, 2], Timing(0, 0, 0, 0)),
            Estimate(1, null, Timing(0, 0, 0, 0)) with { NotFinite = true },
            Estimate(2, [3, 4], Timing(0, 0, 0, 0)));
        await sink.OnCompletedAsync(null, CancellationToken.None);

        var rows = Read(RecordingLayout.EstimatesFile).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, rows.Length);
        Assert.StartsWith("1\t2\tn/a\tn/a\t", rows[2], StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", string.Join("\n", rows), StringComparison.Ordinal);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Out, RecordingLayout.SessionFile)))!;
        Assert.Equal([1], json["not_finite_volumes"]!["volumes"]!.AsArray().Select(n => (int)n!));
        Assert.Equal(0, (int)json["warmup_volumes"]!["count"]!);
    }

    [Fact]
    public async Task OnFrame_BeforeCompletion_RowsAlreadyOnDiskAndSessionJsonSaysIncomplete()
    {
        var sink = Sink();
        await Feed(sink, Estimate(0, [1, 2], Timing(0, 0, 0, 0)));

        // No completion, no dispose: as if the process had died here.
        Assert.Equal(2, Read(RecordingLayout.EstimatesFile).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(2, Read(RecordingLayout.VolumesFile).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.False((bool)JsonNode.Parse(Read(RecordingLayout.SessionFile))!["completed"]!);
        sink.Dispose();
    }

    [Fact]
    public async Task OnCompleted_PipelineError_SessionJsonEndedButNotCompleted()
    {
        var sink = Sink();
        await sink.OnCompletedAsync(new InvalidOperationException("stage bug"), CancellationToken.None);

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Out, RecordingLayout.SessionFile)))!;
        Assert.False((bool)json["completed"]!);
        Assert.Equal("stage bug", (string?)json["error"]);
        Assert.NotNull(json["ended_utc"]);
    }

    [Fact]
    public void Constructor_DirectoryWithARecording_InputDataException()
    {
        Sink().Dispose();
        var e = Assert.Throws<InputDataException>(() => Sink());
        Assert.Contains("already holds a recording", e.Message);
    }

    [Fact]
    public async Task OnFrame_WrongEstimateCount_Throws()
    {
        using var sink = Sink();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await sink.OnFrameAsync(Estimate(0, [1, 2, 3], Timing(0, 0, 0, 0)), CancellationToken.None));
    }
}
