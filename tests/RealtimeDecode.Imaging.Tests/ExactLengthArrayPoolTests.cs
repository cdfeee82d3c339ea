namespace RealtimeDecode.Imaging.Tests;

public class ExactLengthArrayPoolTests
{
    [Fact]
    public void Rent_KeepsLengthsApart_AndCountsWhatWasReused()
    {
        var pool = new ExactLengthArrayPool<double>(maxPerLength: 2);
        var a = pool.Rent(5000);
        var b = pool.Rent(4999);
        pool.Return(a);
        pool.Return(b);
        Assert.Same(b, pool.Rent(4999));
        Assert.Same(a, pool.Rent(5000));
        Assert.Equal(5000, pool.Rent(5000).Length);   // the kept one is out again: a new array
        Assert.Empty(pool.Rent(0));
        Assert.Equal((6L, 2L, 2L), (pool.Rented, pool.Reused, pool.Returned));
    }

    [Fact]
    public void ConcurrentRenters_NeverHoldTheSameArray()
    {
        var pool = new ExactLengthArrayPool<int>(maxPerLength: 4);
        var holders = new System.Collections.Concurrent.ConcurrentDictionary<int[], int>(ReferenceEqualityComparer.Instance);
        int clashes = 0;
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                var a = pool.Rent(32);
                if (!holders.TryAdd(a, 0)) Interlocked.Increment(ref clashes);
                holders.TryRemove(a, out int _);
                pool.Return(a);
            }
        });
        Assert.Equal(0, clashes);
        Assert.Equal(80_000, pool.Rented);
        Assert.True(pool.Reused > 0);
    }
}
