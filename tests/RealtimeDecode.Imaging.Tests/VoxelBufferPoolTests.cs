namespace RealtimeDecode.Imaging.Tests;

public class VoxelBufferPoolTests
{
    [Fact]
    public void Rent_AfterReturn_ReusesTheSameArrayOfTheExactLength()
    {
        var pool = new VoxelBufferPool();
        var a = pool.Rent(1000);
        Assert.Equal(1000, a.Length);
        Assert.True(pool.Return(a));
        var b = pool.Rent(1000);
        Assert.Same(a, b);
        var c = pool.Rent(999);
        Assert.Equal(999, c.Length);
        Assert.NotSame(a, c);
        Assert.Equal((3, 1, 1), (pool.Rented, pool.Reused, pool.Returned));
    }

    [Fact]
    public void Return_ForeignOrTwice_IsRefusedAndNeverHandedOut()
    {
        var pool = new VoxelBufferPool();
        var foreign = new float[64];
        Assert.False(pool.Return(foreign));
        var a = pool.Rent(64);
        Assert.True(pool.Return(a));
        Assert.False(pool.Return(a));      // a second return would hand one array to two volumes
        var b = pool.Rent(64);
        var c = pool.Rent(64);
        Assert.Same(a, b);
        Assert.NotSame(foreign, c);
        Assert.NotSame(b, c);
        Assert.Equal(1, pool.Returned);
    }

    [Fact]
    public void Return_BeyondMaxPerLength_KeepsOnlyThatMany()
    {
        var pool = new VoxelBufferPool();
        var rented = Enumerable.Range(0, VoxelBufferPool.MaxPerLength + 3).Select(_ => pool.Rent(16)).ToArray();
        foreach (var a in rented) Assert.True(pool.Return(a));
        var again = Enumerable.Range(0, VoxelBufferPool.MaxPerLength + 3).Select(_ => pool.Rent(16)).ToArray();
        Assert.Equal(VoxelBufferPool.MaxPerLength, again.Count(a => rented.Contains(a)));
        Assert.Equal(VoxelBufferPool.MaxPerLength, pool.Reused);
    }
}
