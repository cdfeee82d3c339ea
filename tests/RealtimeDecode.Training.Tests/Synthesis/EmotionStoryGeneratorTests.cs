using RealtimeDecode.Training.Synthesis;

namespace RealtimeDecode.Training.Tests.Synthesis;

public class EmotionStoryGeneratorTests
{
    private static double[][] Ratings(IReadOnlyList<StorySegment> s) =>
        Enumerable.Range(0, 8).Select(e => s.Select(x => x.Ratings[e]).ToArray()).ToArray();

    private static double Corr(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb); }
        return sab / Math.Sqrt(saa * sbb);
    }

    [Fact]
    public void Generate_LongStory_HasCalibratedLevelsPersistenceAndCorrelations()
    {
        var segs = new EmotionStoryGenerator(2).Generate(80_000, seed: 7);
        var r = Ratings(segs);
        for (int e = 0; e < 8; e++)
        {
            Assert.InRange(r[e].Average(), EmotionStoryGenerator.Level[e] - 0.05, EmotionStoryGenerator.Level[e] + 0.05);
            Assert.InRange(Corr(r[e][..^1], r[e][1..]), EmotionStoryGenerator.Persistence[e] - 0.12, EmotionStoryGenerator.Persistence[e] + 0.12);
            for (int f = e + 1; f < 8; f++)
                Assert.InRange(Corr(r[e], r[f]), EmotionStoryGenerator.Correlation[e, f] - 0.15, EmotionStoryGenerator.Correlation[e, f] + 0.15);
        }
        var durations = segs.Select(s => s.Offset - s.Onset).ToArray();
        Assert.InRange(durations.Average(), 7, 9.5);
    }

    [Fact]
    public void Generate_Ratings_AreInUnitRangeInStepsOfATenth()
    {
        foreach (var s in new EmotionStoryGenerator(2).Generate(744, seed: 1))
        {
            Assert.Equal(0, s.Onset % 2, 9);
            foreach (var v in s.Ratings)
            {
                Assert.InRange(v, 0, 1);
                Assert.Equal(Math.Round(v * 10), v * 10, 9);
            }
        }
    }

    [Fact]
    public void Generate_StoryOfAliceLength_HasAboutNinetySegmentsCoveringIt()
    {
        var segs = new EmotionStoryGenerator(2).Generate(744, seed: 3);
        Assert.InRange(segs.Count, 70, 115);
        Assert.Equal(0, segs[0].Onset);
        Assert.Equal(744, segs[^1].Offset);
        for (int i = 1; i < segs.Count; i++) Assert.Equal(segs[i - 1].Offset, segs[i].Onset);
    }

    [Fact]
    public void Generate_SameSeed_SameStory()
    {
        var a = new EmotionStoryGenerator(2).Generate(744, 5);
        var b = new EmotionStoryGenerator(2).Generate(744, 5);
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++) Assert.Equal(a[i].Ratings, b[i].Ratings);
    }
}
