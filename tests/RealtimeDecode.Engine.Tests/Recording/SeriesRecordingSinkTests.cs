using System.Reactive.Concurrency;
using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Recording;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Recording;

public sealed class SeriesRecordingSinkTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly SchedulerTimeProvider _time = new(new HistoricalScheduler(DateTimeOffset.UnixEpoch));

    public void Dispose() => _dir.Dispose();

    private static FrameTiming T => Timings.Published(0, 0, 0, 0, TimeSpan.TicksPerSecond);

    // Every name says series 1: the series recorded is the frame's own, never the file name's.
    private static EstimateFrame Estimate(int series, int v) =>
        new(v, v * 2.0, $"/export/001_000001_{v + 1:000000}.dcm", T, new RoiFrame(v, v * 2.0, [1, 2], T), null, [0.5]) { Series = series };

    private static string ReadShared(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(s).ReadToEnd();
    }

    [Fact]
    public async Task OnFrame_NewSeries_RecordsIntoItsOwnFolderAndCompletesThePrevious()
    {
        string root = Path.Combine(_dir.Path, "rec");
        using var sink = new SeriesRecordingSink(root, d => new RecordingSink(new RecordingOptions(d, ["joy"]), _time));
        await sink.OnFrameAsync(Estimate(3, 0), CancellationToken.None);
        await sink.OnFrameAsync(Estimate(3, 1), CancellationToken.None);
        await sink.OnFrameAsync(new SkippedFrame(2, 4, VolumeStatus.Missing, null, "not received in time", T) { Series = 3 }, CancellationToken.None);
        sink.RecordMarker(3.0, "stim-A", "PsychoPy");
        await sink.OnFrameAsync(Estimate(5, 0), CancellationToken.None);
        sink.RecordMarker(1.0, "stim-B", "PsychoPy");
        await sink.OnFrameAsync(Estimate(5, 1), CancellationToken.None);
        await sink.OnCompletedAsync(null, CancellationToken.None);

        Assert.Equal(2, sink.SeriesCount);
        var first = ReadShared(Path.Combine(root, "volumes.tsv")).Trim().Split('\n');
        Assert.Equal(["volume\tstatus\tfile", "0\tok\t/export/001_000001_000001.dcm", "1\tok\t/export/001_000001_000002.dcm", "2\tmissing\tn/a"], first);
        var second = ReadShared(Path.Combine(root, "series-5", "volumes.tsv")).Trim().Split('\n');
        Assert.Equal(3, second.Length);
        Assert.Contains("stim-A", ReadShared(Path.Combine(root, "events.tsv")));
        Assert.Contains("stim-B", ReadShared(Path.Combine(root, "series-5", "events.tsv")));
        foreach (var dir in new[] { root, Path.Combine(root, "series-5") })
            Assert.True(JsonNode.Parse(ReadShared(Path.Combine(dir, "session.json")))!["completed"]!.GetValue<bool>());
    }
}
