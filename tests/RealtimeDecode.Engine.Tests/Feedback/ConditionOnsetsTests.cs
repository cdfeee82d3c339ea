using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Feedback;

public sealed class ConditionOnsetsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Advance_EachOnsetOnceAtTheFirstVolumeAcquiredAtOrAfterIt()
    {
        var path = ProtocolFiles.Write(_dir.Path, "p", ProtocolFiles.Rows((0, 5, "rest"), (5, 10, "base"), (15, 1, "up"), (16, 4, "score")),
            ProtocolFiles.StandardSidecar.Replace("METHOD", "z").Replace("SMOOTH", "1"));
        var onsets = new ConditionOnsets(ProtocolFile.Read(path), tr: 2);
        var seen = new List<(int Volume, string Marker)>();
        foreach (int v in new[] { 0, 1, 2, 3, 5, 8, 9, 10 }) // volumes 4, 6 and 7 never arrive
            foreach (var b in onsets.Advance(v)) seen.Add((v, ConditionOnsets.Marker(b)));
        Assert.Equal([(0, "condition:rest:1"), (3, "condition:base:2"), (8, "condition:up:3"), (8, "condition:score:4")], seen);
    }
}
