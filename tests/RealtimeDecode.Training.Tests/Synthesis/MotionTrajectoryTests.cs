using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Training.Synthesis;

namespace RealtimeDecode.Training.Tests.Synthesis;

public class MotionTrajectoryTests
{
    private static double[] Fd(double[] p)
    {
        var fd = new double[p.Length / 6];
        FramewiseDisplacement.Compute(p, fd);
        return fd;
    }

    [Fact]
    public void Generate_None_IsStill()
    {
        Assert.All(MotionTrajectory.Generate(MotionLevel.None, 50, 1), v => Assert.Equal(0, v));
    }

    [Fact]
    public void Generate_High_StaysWithin3MmAnd3DegreesAndHasJerksAbove1Mm()
    {
        var p = MotionTrajectory.Generate(MotionLevel.High, 372, 7);
        for (int i = 0; i < p.Length; i++)
            Assert.True(Math.Abs(p[i]) <= (i % 6 < 3 ? 3.0 : 3.0 * Math.PI / 180) + 1e-12, $"value {i}: {p[i]}");
        var fd = Fd(p);
        Assert.Contains(fd, f => f > 1);
        Assert.True(fd.Max() > 1.5, $"largest FD {fd.Max()}");
        double median = fd.Order().ElementAt(fd.Length / 2);
        Assert.True(median is > 0.02 and < 0.6, $"median FD {median}");
        Assert.True(p.Where((_, i) => i % 6 < 3).Max(Math.Abs) > 0.5, "no visible drift");
    }

    [Fact]
    public void Generate_LowMovesLessThanHigh()
    {
        double low = Fd(MotionTrajectory.Generate(MotionLevel.Low, 372, 3)).Average();
        double high = Fd(MotionTrajectory.Generate(MotionLevel.High, 372, 3)).Average();
        Assert.True(low > 0 && low < high, $"mean FD low {low}, high {high}");
    }

    [Fact]
    public void Generate_SameSeedSameValues()
    {
        Assert.Equal(MotionTrajectory.Generate(MotionLevel.High, 100, 9), MotionTrajectory.Generate(MotionLevel.High, 100, 9));
        Assert.NotEqual(MotionTrajectory.Generate(MotionLevel.High, 100, 9), MotionTrajectory.Generate(MotionLevel.High, 100, 10));
    }

    [Fact]
    public void Generate_WithCovariate_MovesMoreWhileItIsHigh()
    {
        const int t = 400;
        var c = Enumerable.Range(0, t).Select(v => (v / 40) % 2 == 0 ? 0.0 : 1.0).ToArray();
        double on = 0, off = 0;
        for (int seed = 0; seed < 10; seed++)
        {
            var fd = Fd(MotionTrajectory.Generate(MotionLevel.High, t, seed, c));
            for (int v = 1; v < t; v++) { if (c[v] > 0) on += fd[v]; else off += fd[v]; }
        }

        Assert.True(on > 1.5 * off, $"FD while high {on}, while low {off}");
    }

    [Theory]
    [InlineData("none", MotionLevel.None)]
    [InlineData("LOW", MotionLevel.Low)]
    [InlineData("high", MotionLevel.High)]
    public void TryParse_Names(string name, MotionLevel level)
    {
        Assert.True(MotionTrajectory.TryParse(name, out var l));
        Assert.Equal(level, l);
    }

    [Theory]
    [InlineData("medium")]
    [InlineData("2")]
    [InlineData("")]
    public void TryParse_Other_Fails(string name) => Assert.False(MotionTrajectory.TryParse(name, out _));
}
