using RealtimeDecode.Engine.Preprocessing;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Preprocessing;

public class MotionRegressorsTests
{
    [Theory]
    [InlineData(6)]
    [InlineData(12)]
    [InlineData(24)]
    public void Push_GoldenRun_MatchesNumpyExpansion(int count)
    {
        var p = GoldenCsv.Read("motion_params.csv");
        var r24 = GoldenCsv.Read("motion_r24.csv");
        var k = new MotionRegressors(count);
        var o = new double[count];
        for (int t = 0; t < p.Length; t++)
        {
            k.Push(p[t], o);
            Approx.Equal(r24[t][..count], o, 1e-15, $"volume {t}");
        }
    }

    [Theory]
    [InlineData(6)]
    [InlineData(12)]
    [InlineData(24)]
    public void Push_EqualsBatchExpand(int count)
    {
        var rng = new Random(24);
        const int t = 200;
        var p = new double[t * 6];
        for (int i = 0; i < p.Length; i++) p[i] = rng.NextDouble() - 0.5;
        var batch = new double[t * count];
        MotionRegressors.Expand(p, count, batch);
        var k = new MotionRegressors(count);
        var o = new double[count];
        for (int v = 0; v < t; v++)
        {
            k.Push(p.AsSpan(v * 6, 6), o);
            Assert.True(o.AsSpan().SequenceEqual(batch.AsSpan(v * count, count)), $"volume {v}");
        }
    }

    [Fact]
    public void Reset_NextVolumeHasZeroDerivative()
    {
        var k = new MotionRegressors(12);
        var o = new double[12];
        k.Push([1, 2, 3, 0.1, 0.2, 0.3], o);
        k.Reset();
        k.Push([5, 5, 5, 0.5, 0.5, 0.5], o);
        Assert.All(o[6..], d => Assert.Equal(0, d));
    }

    [Fact]
    public void ColumnNames_24_FollowFmriprep()
    {
        var n = MotionRegressors.ColumnNames(24);
        Assert.Equal(24, n.Count);
        Assert.Equal("trans_x", n[0]);
        Assert.Equal("rot_z_derivative1", n[11]);
        Assert.Equal("trans_y_power2", n[13]);
        Assert.Equal("rot_x_derivative1_power2", n[21]);
    }

    [Fact]
    public void Push_SteadyState_DoesNotAllocate()
    {
        var k = new MotionRegressors(24);
        var p = new double[6];
        var o = new double[24];
        k.Push(p, o);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) k.Push(p, o);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(18)]
    public void Ctor_BadCount_Throws(int count)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MotionRegressors(count));
    }
}
