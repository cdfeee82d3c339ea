using RealtimeDecode.Engine.Tests.Support;
using System.Globalization;
using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Recording;

namespace RealtimeDecode.Engine.Tests.Recording;

/// <summary>feedback.tsv with a participant display: rows wait for their display time and are written in order.</summary>
public sealed class FeedbackRecordingSinkDisplayTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rtd-fbsink-" + Guid.NewGuid().ToString("N"));

    public FeedbackRecordingSinkDisplayTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private sealed class Display : IFeedbackDisplayTimes
    {
        public Dictionary<int, double> Settled { get; } = [];
        public int SettleCalls { get; private set; }
        public bool TryGetDisplayedMs(int volume, out double displayedMs)
        {
            if (Settled.TryGetValue(volume, out displayedMs)) return true;
            displayedMs = double.NaN;
            return false;
        }
        public Task WhenSettledAsync(int lastVolume, CancellationToken cancellationToken) { SettleCalls++; return Task.CompletedTask; }
    }

    private static FeedbackProtocol Protocol(string dir)
    {
        string tsv = Path.Combine(dir, "p.tsv");
        File.WriteAllText(tsv, "onset\tduration\ttrial_type\n0\t10\tbase\n10\t10\tup\n");
        File.WriteAllText(Path.ChangeExtension(tsv, ".json"), """{"Conditions": {"base": {"Role": "baseline"}, "up": {"Role": "regulate", "Target": "a"}}, "Normalisation": {"Method": "difference", "BaselineSkip": 0}, "HaemodynamicDelay": 0}""");
        return ProtocolFile.Read(tsv);
    }

    private static EstimateFrame Frame(int v)
    {
        var timing = Timings.Published(0, 0, 0, 0, 1000);
        return new EstimateFrame(v, v * 2.0, null, timing, new RoiFrame(v, v * 2.0, [0.0], timing), null, [0.1 * v]);
    }

    private string[] Rows() => [.. File.ReadAllLines(Path.Combine(_dir, FeedbackTable.FileName)).Skip(1)];

    [Fact]
    public async Task Rows_WaitForTheirDisplayTime_InVolumeOrder()
    {
        var display = new Display();
        var sink = new FeedbackRecordingSink(_dir, () => new FeedbackKernel(Protocol(_dir), ["a"], 2, 1), 1, 0, display: display);
        await sink.OnFrameAsync(Frame(0), default);
        await sink.OnFrameAsync(Frame(1), default);
        Assert.Empty(Rows()); // volume 0 not yet drawn
        display.Settled[1] = 30;
        await sink.OnFrameAsync(Frame(2), default);
        Assert.Empty(Rows()); // 1 is settled but 0 is not: order is kept
        display.Settled[0] = 25;
        await sink.OnFrameAsync(Frame(3), default);
        var rows = Rows();
        Assert.Equal(2, rows.Length);
        int col = FeedbackTable.Columns.ToList().IndexOf("displayed_ms");
        Assert.Equal(25, double.Parse(rows[0].Split('\t')[col], CultureInfo.InvariantCulture));
        Assert.Equal(30, double.Parse(rows[1].Split('\t')[col], CultureInfo.InvariantCulture));

        display.Settled[3] = 40; // 2 never drawn: written n/a at the end, after the display had its chance
        await sink.OnCompletedAsync(null, default);
        rows = Rows();
        Assert.Equal(1, display.SettleCalls);
        Assert.Equal([0, 1, 2, 3], rows.Select(r => int.Parse(r.Split('\t')[0], CultureInfo.InvariantCulture)));
        Assert.Equal("n/a", rows[2].Split('\t')[col]);
        Assert.Equal(40, double.Parse(rows[3].Split('\t')[col], CultureInfo.InvariantCulture));
    }
}
