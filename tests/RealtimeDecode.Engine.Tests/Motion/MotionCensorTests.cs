using RealtimeDecode.Engine.Motion;

namespace RealtimeDecode.Engine.Tests.Motion;

public sealed class MotionCensorTests
{
    // Brute force: a window [v-W+1, v] is censored when any volume in it has FD > threshold.
    [Fact]
    public void IsCensored_RandomFd_EqualsBruteForceOverTheWindow()
    {
        var rng = new Random(7);
        const int w = 13;
        var fd = Enumerable.Range(0, 200).Select(_ => rng.NextDouble() < 0.05 ? 0.6 + rng.NextDouble() : rng.NextDouble() * 0.5).ToArray();
        fd[50] = double.NaN;
        fd[60] = 0.5;   // equal to the threshold: not high-motion
        var censor = new MotionCensor(0.5, w);
        for (int v = 0; v < fd.Length; v++)
        {
            Assert.Equal(fd[v] > 0.5, censor.Push(v, fd[v]));
            bool expected = Enumerable.Range(Math.Max(0, v - w + 1), Math.Min(w, v + 1)).Any(i => fd[i] > 0.5);
            Assert.Equal(expected, censor.IsCensored(v));
        }
        Assert.Equal(fd.Count(x => x > 0.5), censor.HighMotionCount);
        censor.Reset();
        Assert.False(censor.IsCensored(199));
        Assert.Equal(0, censor.HighMotionCount);
    }

    [Fact]
    public void Constructor_NegativeThreshold_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MotionCensor(-1, 13));
}
