namespace RealtimeDecode.Tests.Support;

/// <summary>Allocation checks for steady-state code paths.</summary>
internal static class Allocations
{
    /// <summary>
    /// Bytes allocated on this thread by the quietest of <paramref name="rounds"/> calls of
    /// <paramref name="round"/>, after <paramref name="warmup"/> calls. Warm-up and the minimum over
    /// rounds keep one-off runtime work (tiered JIT recompiling a hot method, a lazily created pool) out
    /// of a claim about the code's own steady state; a buffer allocated per call shows in every round.
    /// </summary>
    public static long SteadyState(Action round, int warmup = 20, int rounds = 5)
    {
        for (int i = 0; i < warmup; i++) round();
        long least = long.MaxValue;
        for (int r = 0; r < rounds; r++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            round();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
