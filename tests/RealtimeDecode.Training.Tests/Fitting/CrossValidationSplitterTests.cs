using RealtimeDecode.Training.Fitting;

namespace RealtimeDecode.Training.Tests.Fitting;

public sealed class CrossValidationSplitterTests
{
    private const int Window = 13;

    // Three runs of different lengths; windows exist from volume W−1 on, as a DFC table has them.
    private static List<SampleWindow> Samples() =>
        [.. new[] { 120, 95, 140 }.SelectMany((len, run) => Enumerable.Range(Window - 1, len - Window + 1).Select(v => new SampleWindow(run, v)))];

    public static TheoryData<string> NonLeaking => ["blocked5", "blocked3-min-gap", "blocked10", "leave-run-out"];

    private static ICrossValidationSplitter Make(string name) => name switch
    {
        "blocked5" => new BlockedKFoldSplitter(5, Window),
        "blocked3-min-gap" => new BlockedKFoldSplitter(3, Window, Window - 1),
        "blocked10" => new BlockedKFoldSplitter(10, Window),
        "leave-run-out" => new LeaveRunOutSplitter(),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(NonLeaking))]
    public void Split_NonLeakingSplitter_NoTrainingWindowSharesAVolumeWithATestWindow(string name)
    {
        var s = Samples();
        var splitter = Make(name);
        Assert.False(splitter.Leaks);
        var folds = splitter.Split(s);
        foreach (var f in folds)
        {
            Assert.NotEmpty(f.Train);
            Assert.NotEmpty(f.Test);
            foreach (int tr in f.Train)
            {
                // Volumes covered by the windows, compared explicitly.
                var trainVols = Enumerable.Range(s[tr].LastVolume - Window + 1, Window).ToHashSet();
                foreach (int te in f.Test)
                {
                    Assert.False(s[tr].Run == s[te].Run && Enumerable.Range(s[te].LastVolume - Window + 1, Window).Any(trainVols.Contains),
                        $"{name} fold {f.Index}: train {s[tr]} shares a volume with test {s[te]}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(NonLeaking))]
    public void Split_AnySplitter_TestSetsPartitionTheSamples(string name)
    {
        var s = Samples();
        var tested = Make(name).Split(s).SelectMany(f => f.Test).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, s.Count), tested);
    }

    [Fact]
    public void Split_BlockedDefaultGap_RemovesWVolumesEachSide()
    {
        var s = Enumerable.Range(0, 100).Select(v => new SampleWindow(0, v)).ToList();
        var f = new BlockedKFoldSplitter(4, 5).Split(s)[1]; // test last volumes 25..49
        Assert.Equal(Enumerable.Range(25, 25), f.Test);
        Assert.Equal(Enumerable.Range(0, 20).Concat(Enumerable.Range(55, 45)), f.Train);
    }

    [Fact]
    public void Split_RandomKFold_LeaksOnOverlappingWindows()
    {
        var s = Samples();
        var splitter = new RandomKFoldSplitter(5, seed: 1);
        Assert.True(splitter.Leaks);
        var f = splitter.Split(s)[0];
        bool shares = f.Train.Any(tr => f.Test.Any(te => s[tr].SharesVolumeWith(s[te], Window)));
        Assert.True(shares);
        Assert.Equal(Enumerable.Range(0, s.Count), splitter.Split(s).SelectMany(x => x.Test).Order());
    }

    [Fact]
    public void BlockedKFold_GapBelowWindowMinusOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BlockedKFoldSplitter(5, Window, Window - 2));
    }

    [Fact]
    public void LeaveRunOut_OneRun_Throws()
    {
        Assert.Throws<ArgumentException>(() => new LeaveRunOutSplitter().Split([new(0, 1), new(0, 2)]));
    }
}
