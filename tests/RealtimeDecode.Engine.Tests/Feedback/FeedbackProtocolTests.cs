using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Feedback;

public sealed class FeedbackProtocolTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    // Haemodynamic delay 4 s; at TR 2 an estimate arrives (W − 1)/2·2 + 4 s after the time it describes.
    private FeedbackProtocol Protocol(double upSeconds) => ProtocolFile.Read(ProtocolFiles.Write(_dir.Path, "p",
        ProtocolFiles.Rows((0, 20, "base"), (20, upSeconds, "up"), (20 + upSeconds, 20, "rest")),
        ProtocolFiles.StandardSidecar.Replace("METHOD", "z").Replace("SMOOTH", "1")));

    [Theory]
    // W 13: 16 s late. Estimates 18–32 describe [20, 50); volumes 10–24 are acquired in it, so 18–24 are shown.
    [InlineData(30, 13, "continuous block 2 (30 s) shows 7 of the 15 estimates that describe it: an estimate arrives (W − 1)/2·TR + delay = 16 s after the time it describes, so its first 16 s show no feedback and 8 arrive after it ends")]
    // A block shorter than the lag shows none of its estimates.
    [InlineData(10, 13, "continuous block 2 (10 s) shows none of the 5 estimates that describe it: an estimate arrives (W − 1)/2·TR + delay = 16 s after the time it describes, after the block ends")]
    // W 11: 14 s late, 8 of 15 shown; W 1: 4 s late, 13 of 15; W 13 in a 32 s block: 8 of 16, half.
    [InlineData(30, 11, null)]
    [InlineData(30, 1, null)]
    [InlineData(32, 13, null)]
    public void TimingNotes_ContinuousBlock_NotedWhenFewerThanHalfOfItsEstimatesAreShown(double upSeconds, int window, string? expected)
    {
        var notes = Protocol(upSeconds).TimingNotes(2, window).ToList();
        if (expected is null) Assert.Empty(notes);
        else Assert.Equal([expected], notes);
    }

    [Theory]
    // The run ends with the 30 s block (25 volumes at TR 2): estimates 25–32, which would describe it, are never made.
    [InlineData(25, "continuous block 2 (30 s) shows 7 of the 15 estimates that describe it: an estimate arrives (W − 1)/2·TR + delay = 16 s after the time it describes, so its first 16 s show no feedback and the other 8 would come after the run's last volume, so none is made")]
    // Four volumes more: 25–28 arrive after the block, 29–32 are past the run.
    [InlineData(29, "continuous block 2 (30 s) shows 7 of the 15 estimates that describe it: an estimate arrives (W − 1)/2·TR + delay = 16 s after the time it describes, so its first 16 s show no feedback and of the other 8, 4 arrive after it ends and 4 would come after the run's last volume, so are not made")]
    // Long enough for every estimate describing it: the note of an unknown length.
    [InlineData(35, "continuous block 2 (30 s) shows 7 of the 15 estimates that describe it: an estimate arrives (W − 1)/2·TR + delay = 16 s after the time it describes, so its first 16 s show no feedback and 8 arrive after it ends")]
    public void TimingNotes_RunLengthKnown_EstimatesPastTheRunAreSaidNeverToCome(int volumes, string expected)
    {
        var p = ProtocolFile.Read(ProtocolFiles.Write(_dir.Path, "last", ProtocolFiles.Rows((0, 20, "base"), (20, 30, "up")),
            ProtocolFiles.StandardSidecar.Replace("METHOD", "z").Replace("SMOOTH", "1")));
        Assert.Equal([expected], p.TimingNotes(2, 13, volumes).ToList());
    }

    [Fact]
    public void TimingNotes_ScoreReleasedPastTheRun_SaidNeverShown()
    {
        // An intermittent block at 20–30 s, its display at 30–34 s; its score comes with the first estimate describing a
        // time after it. A run of 17 volumes ends before that.
        var p = ProtocolFile.Read(ProtocolFiles.Write(_dir.Path, "score", ProtocolFiles.Rows((0, 20, "base"), (20, 10, "down"), (30, 4, "score")),
            ProtocolFiles.StandardSidecar.Replace("METHOD", "z").Replace("SMOOTH", "1")));
        int release = p.DescribingVolumes(1, 2, 13).Last + 1;
        Assert.Equal([$"block 2's score would be released at volume {release} ({release * 2} s), after the run's last volume (16): it is never shown"],
            p.TimingNotes(2, 13, 17).ToList());
        Assert.Equal([$"block 2's score is released at volume {release} ({release * 2} s), after display block 3 ends (34 s)"],
            p.TimingNotes(2, 13).ToList());
    }

    [Fact]
    public void TimingNotes_NotedCountsAgreeWithTheKernelsShownRows()
    {
        // The note counts what the kernel shows: every estimate describing block 2, pushed through the rule.
        var p = Protocol(30);
        var kernel = new FeedbackKernel(p, ["joy", "fear"], 2, 13);
        int describing = 0, shown = 0;
        for (int v = 12; v < 60; v++)
        {
            var s = kernel.Push(v, [v % 3, 1]);
            if (s.Block != 2) continue;
            describing++;
            if (s.Shown) shown++;
        }
        Assert.Equal((15, 7), (describing, shown));
    }
}
