using RealtimeDecode.Engine.Compute;

namespace RealtimeDecode.Engine.Tests.Compute;

public sealed class PartitionedWorkTests
{
    [Fact]
    public void Run_ManyRuns_EveryPartRunsExactlyOncePerRun()
    {
        // A part is claimed either by a worker or by Run's own thread; a queued execution that comes late
        // (after its part was taken, or after the next Run armed the item again) must never run a part twice.
        const int parts = 3, runs = 20_000;
        var counts = new int[parts];
        int run = 0;
        var seen = new int[parts];
        using var work = new PartitionedWork(parts, k =>
        {
            Interlocked.Increment(ref counts[k]);
            Volatile.Write(ref seen[k], Volatile.Read(ref run));
        });
        for (int r = 1; r <= runs; r++)
        {
            Volatile.Write(ref run, r);
            work.Run();
            for (int k = 0; k < parts; k++) Assert.Equal(r, Volatile.Read(ref seen[k]));
            for (int k = 0; k < parts; k++) Assert.Equal(r, Volatile.Read(ref counts[k]));
        }
    }
}
