using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Motion;

public class HeadInteriorMaskTests
{
    [Fact]
    public void Compute_GoldenHead_MatchesScipyErosionOfTheIntensityMask()
    {
        var reference = GoldenCsv.Flatten(GoldenCsv.Read("head_reference.csv")).Select(v => (float)v).ToArray();
        var expected = GoldenCsv.Flatten(GoldenCsv.Read("head_interior.csv")).Select(v => v == 1).ToArray();
        var interior = HeadInteriorMask.Compute(reference, 12, 10, 9, 0.3);
        Assert.Equal(expected.Count(b => b), interior.Count(b => b));
        Assert.Equal(expected, interior);
    }

    [Fact]
    public void Compute_UniformVolume_OnlyTheGridBorderIsOutside()
    {
        var interior = HeadInteriorMask.Compute(Enumerable.Repeat(5f, 4 * 5 * 6).ToArray(), 4, 5, 6, 0.3);
        Assert.Equal(2 * 3 * 4, interior.Count(b => b));
        Assert.True(interior[1 + 1 * 4 + 1 * 20]);
        Assert.False(interior[0]);
    }

    [Fact]
    public void Compute_WrongLength_Throws() =>
        Assert.Throws<ArgumentException>(() => HeadInteriorMask.Compute(new float[10], 2, 2, 2, 0.3));
}
