using System.Globalization;
using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Recording;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Recording;

/// <summary>feedback.tsv per scanner series (the frames' own series): each series runs the protocol from its own first volume, in its own folder.</summary>
public sealed class FeedbackRecordingSinkSeriesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rtd-sfbsink-" + Guid.NewGuid().ToString("N"));

    public FeedbackRecordingSinkSeriesTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static FrameTiming T => Timings.Published(0, 0, 0, 0, TimeSpan.TicksPerSecond);

    // The file names say series 1 throughout (as a Siemens name would): the frame's series is the one that counts.
    private static EstimateFrame Estimate(int series, int v, double value) =>
        new(v, v * 2.0, $"/export/001_000001_{v + 1:000000}.dcm", T, new RoiFrame(v, v * 2.0, [0.0], T), null, [value]) { Series = series };

    private FeedbackProtocol Protocol()
    {
        string tsv = Path.Combine(_dir, "p.tsv");
        File.WriteAllText(tsv, "onset\tduration\ttrial_type\n0\t6\tbase\n6\t6\tup\n");
        File.WriteAllText(Path.ChangeExtension(tsv, ".json"), """{"Conditions": {"base": {"Role": "baseline"}, "up": {"Role": "regulate", "Target": "a"}}, "Normalisation": {"Method": "difference", "BaselineSkip": 0}, "Range": [-100, 100], "HaemodynamicDelay": 0}""");
        return ProtocolFile.Read(tsv);
    }

    private static string[][] Rows(string folder) =>
        [.. File.ReadAllLines(Path.Combine(folder, FeedbackTable.FileName)).Skip(1).Select(l => l.Split('\t'))];

    [Fact]
    public async Task TwoSeries_EachInItsFolderFromItsOwnFirstVolume_SameRowsAsTheSeriesAlone()
    {
        var protocol = Protocol();
        string rec = Path.Combine(_dir, "rec");
        Directory.CreateDirectory(rec);
        var sink = new FeedbackRecordingSink(rec, () => new FeedbackKernel(protocol, ["a"], 2, 1), 1, 0);
        for (int v = 0; v < 6; v++) await sink.OnFrameAsync(Estimate(3, v, v), default);
        for (int v = 0; v < 6; v++) await sink.OnFrameAsync(Estimate(5, v, 10 + 2 * v), default);
        await sink.OnCompletedAsync(null, default);

        // The second series alone, through a plain sink: the reference its folder must equal.
        string alone = Path.Combine(_dir, "alone");
        Directory.CreateDirectory(alone);
        var single = new FeedbackRecordingSink(alone, () => new FeedbackKernel(protocol, ["a"], 2, 1), 1, 0);
        for (int v = 0; v < 6; v++) await single.OnFrameAsync(Estimate(5, v, 10 + 2 * v), default);
        await single.OnCompletedAsync(null, default);

        var first = Rows(rec);
        var second = Rows(Path.Combine(rec, "series-5"));
        Assert.Equal([0, 1, 2, 3, 4, 5], first.Select(r => int.Parse(r[0], CultureInfo.InvariantCulture)));
        Assert.Equal([0, 1, 2, 3, 4, 5], second.Select(r => int.Parse(r[0], CultureInfo.InvariantCulture)));
        Assert.Equal(Rows(alone).Select(r => string.Join('\t', r)), second.Select(r => string.Join('\t', r)));
        // Its baseline is its own: the regulation rows of series 5 differ from series 3's.
        int feedback = FeedbackTable.Columns.ToList().IndexOf("feedback");
        Assert.Contains(second, r => r[feedback] != "n/a");
        Assert.NotEqual(first.Select(r => r[feedback]), second.Select(r => r[feedback]));
    }
}
