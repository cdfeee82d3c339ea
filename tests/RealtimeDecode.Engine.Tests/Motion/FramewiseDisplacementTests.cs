using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Motion;

public class FramewiseDisplacementTests
{
    [Fact]
    public void Compute_GoldenRun_MatchesNumpyPower2012()
    {
        var p = GoldenCsv.Flatten(GoldenCsv.Read("motion_params.csv"));
        var expected = GoldenCsv.Flatten(GoldenCsv.Read("motion_fd.csv"));
        var fd = new double[expected.Length];
        FramewiseDisplacement.Compute(p, fd);
        Assert.Equal(0, fd[0]);
        Approx.Equal(expected, fd, 1e-12, "FD");
    }

    [Fact]
    public void Between_OneDegreeAboutX_Is50MmArc()
    {
        double fd = FramewiseDisplacement.Between([0, 0, 0, 0, 0, 0], [0, 0, 0, Math.PI / 180, 0, 0]);
        Assert.Equal(50 * Math.PI / 180, fd, 12);
    }

    [Fact]
    public void Compute_RowsMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => FramewiseDisplacement.Compute(new double[18], new double[2]));
    }
}
