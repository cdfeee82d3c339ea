using RealtimeDecode.Engine.Compute;

namespace RealtimeDecode.Engine.Tests.Compute;

public sealed class PartitionedWorkTests
{
    [Fact]
    public void Run_ManyRuns_EveryPartRunsExactlyOncePerRun()
    {
        // A part is taken either by a worker or by Run's own thread; a queued execution that comes late
        // (after every part was taken, or during the next Run) must never run a part twice.
        const int parts = 16, runs = 20_000;
        var counts = new int[parts];
        int run = 0;
        var seen = new int[parts];
        using var work = new PartitionedWork(parts, 2, k =>
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

    [Fact]
    public void Run_APartThrows_EveryOtherPartStillRunsAndTheExceptionComesOutWhole()
    {
        var ran = new int[16];
        using var work = new PartitionedWork(16, 2, k =>
        {
            Interlocked.Increment(ref ran[k]);
            if (k == 5) throw new ArithmeticException("part 5");
        });
        for (int r = 1; r <= 3; r++)
        {
            var e = Assert.Throws<ArithmeticException>(work.Run);
            Assert.Equal("part 5", e.Message);
            Assert.All(ran, n => Assert.Equal(r, n));
        }
    }
}
