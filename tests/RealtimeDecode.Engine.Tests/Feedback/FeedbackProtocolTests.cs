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
