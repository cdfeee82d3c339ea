using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Preprocessing;
using RealtimeDecode.Engine.Recording;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Engine.Tests.Support;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tests.Recording;

public sealed class RoiRecordingSinkTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static FrameTiming T => Timings.Published(0, 0, 0, 0, TimeSpan.TicksPerSecond);

    private static readonly RoiSeriesInfo Info = new(3, "atlas.nii.gz", new string('a', 64), new PreprocessingOptions(1, true), Realign: false, 2.0);

    private static EstimateFrame Frame(int series, int v, double[] roi, double[]? estimates, bool notFinite = false) =>
        new(v, v * 2.0, $"/export/001_000001_{v + 1:000000}.dcm", T, new RoiFrame(v, v * 2.0, roi, T), null, estimates) { NotFinite = notFinite, Series = series };

    private static string ReadShared(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(s).ReadToEnd();
    }

    [Fact]
    public async Task OnFrame_ReadVolumes_OneWholeRowEachAsTheyComeSkippedOmittedValuesRoundTrip()
    {
        string root = Path.Combine(_dir.Path, "rec");
        var rng = new Random(5);
        double[][] roi = [.. Enumerable.Range(0, 4).Select(_ => new[] { rng.NextDouble() * 1e3 - 500, rng.NextDouble() / 3, double.NaN })];
        roi[3][2] = -1.0 / 7;
        using var sink = new RoiRecordingSink(root, ["a", "b", "c"], Info);
        await sink.OnFrameAsync(Frame(3, 0, roi[0], null), CancellationToken.None);                 // warm-up
        await sink.OnFrameAsync(Frame(3, 1, roi[1], [0.5]), CancellationToken.None);                // estimate
        Assert.Equal(3, ReadShared(Path.Combine(root, "roi.tsv")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // flushed as written
        await sink.OnFrameAsync(new SkippedFrame(2, 4, VolumeStatus.Missing, null, "not received in time", T) { Series = 3 }, CancellationToken.None);
        await sink.OnFrameAsync(Frame(3, 3, roi[2], null, notFinite: true), CancellationToken.None); // model gave NaN
        await sink.OnFrameAsync(new SkippedFrame(3, 6, VolumeStatus.Duplicate, "/export/002_000003_000004.dcm", "again", T) { Series = 3 }, CancellationToken.None);
        await sink.OnFrameAsync(Frame(3, 4, roi[3], [0.1]), CancellationToken.None);
        await sink.OnCompletedAsync(null, CancellationToken.None);

        var series = RecordedRoiSeries.Read(root);
        Assert.Equal(["a", "b", "c"], series.Table.Columns);
        Assert.Equal([0, 1, 3, 4], series.Table.Volumes);
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 3; c++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(roi[r][c]), BitConverter.DoubleToInt64Bits(series.Table.Row(r)[c]));
        Assert.Equal(Info, series.Info);
        Assert.EndsWith("\tn/a", ReadShared(Path.Combine(root, "roi.tsv")).Split('\n')[1], StringComparison.Ordinal);
        Assert.Empty(sink.Failures);
    }

    [Fact]
    public async Task OnFrame_NewSeries_ItsSeriesGoesToItsOwnFolderWithSidecar()
    {
        string root = Path.Combine(_dir.Path, "rec");
        using var sink = new RoiRecordingSink(root, ["a", "b", "c"], Info);
        await sink.OnFrameAsync(Frame(3, 0, [1, 2, 3], null), CancellationToken.None);
        await sink.OnFrameAsync(Frame(3, 1, [4, 5, 6], null), CancellationToken.None);
        await sink.OnFrameAsync(Frame(5, 0, [7, 8, 9], null), CancellationToken.None);
        await sink.OnFrameAsync(new SkippedFrame(1, 2, VolumeStatus.Missing, null, "gap", T) { Series = 5 }, CancellationToken.None);
        await sink.OnFrameAsync(Frame(5, 2, [10, 11, 12], null), CancellationToken.None);
        await sink.OnCompletedAsync(null, CancellationToken.None);

        var first = RecordedRoiSeries.Read(root);
        var second = RecordedRoiSeries.Read(Path.Combine(root, "series-5"));
        Assert.Equal([0, 1], first.Table.Volumes);
        Assert.Equal([0, 2], second.Table.Volumes);
        Assert.Equal([7.0, 8, 9, 10, 11, 12], second.Table.Values);
        Assert.Equal(Info, second.Info);
    }

    [Fact]
    public void Read_NoRoiTable_RefusedNamingTheFolderAndTheFile()
    {
        string rec = Path.Combine(_dir.Path, "old");
        Directory.CreateDirectory(rec);
        File.WriteAllText(Path.Combine(rec, "estimates.tsv"), "volume\tonset_s\tjoy\n");
        var e = Assert.Throws<InputDataException>(() => RecordedRoiSeries.Read(rec));
        Assert.Contains("roi.tsv", e.Message, StringComparison.Ordinal);
        Assert.Contains(rec, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("volume\ta\tb\tc\n0\t1\t2\t3\n1\t1\t2\n", "ragged")]
    [InlineData("volume\ta\tb\n0\t1\t2\n", "2 ROI columns")]
    [InlineData("volume\ta\tb\tc\n1\t1\t2\t3\n1\t1\t2\t3\n", "ascending volume order")]
    [InlineData("volume\ta\tb\tc\n", "no rows")]
    [InlineData("volume\ta\tb\tc\n0\t1\tx\t3\n", "not a number")]
    public void Read_BadTable_RefusedInOneLine(string table, string problem)
    {
        string rec = Path.Combine(_dir.Path, "bad");
        Directory.CreateDirectory(rec);
        File.WriteAllText(Path.Combine(rec, "roi.json"), Info.ToJsonText());
        File.WriteAllText(Path.Combine(rec, "roi.tsv"), table);
        var e = Assert.Throws<InputDataException>(() => RecordedRoiSeries.Read(rec));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("{\"roi_count\": 3}", "preprocessing")]
    [InlineData("{\"roi_count\": \"three\", \"preprocessing\": {}}", "wrong type")]
    [InlineData("{\"roi_count\": 3, \"preprocessing\": {\"detrend_order\": 9}}", "Detrend order")]
    [InlineData("[1,", "not valid JSON")]
    public void Read_BadSidecar_Refused(string json, string problem)
    {
        string rec = Path.Combine(_dir.Path, "badjson");
        Directory.CreateDirectory(rec);
        File.WriteAllText(Path.Combine(rec, "roi.json"), json);
        File.WriteAllText(Path.Combine(rec, "roi.tsv"), "volume\ta\tb\tc\n0\t1\t2\t3\n");
        var e = Assert.Throws<InputDataException>(() => RecordedRoiSeries.Read(rec));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.Contains("roi.json", e.Message, StringComparison.Ordinal);
    }
}
