using System.Text.Json.Nodes;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Annotation;
using RealtimeDecode.Training.Targets;

namespace RealtimeDecode.Training.Tests.Targets;

public sealed class TargetBuilderTests
{
    private static AnnotationTable Table(params (double On, double Off, double Joy)[] rows) =>
        new(rows.Select((r, i) => new TranscriptSegment(i, r.On, r.Off, $"s{i}")).ToArray(), ["joy"], rows.Select(r => r.Joy).ToArray());

    [Fact]
    public void Build_VolumeOnSegmentOnset_TakesThatSegment()
    {
        // Segment boundaries at 4 s: volume 2 (t = 4 s, TR 2) belongs to the segment starting there.
        var t = Table((0, 4, 0.1), (4, 8, 0.9));

        var y = TargetBuilder.Build(t, new TargetOptions { Tr = 2, Volumes = 4 }).Table.Column(0);

        Assert.Equal([0.1, 0.1, 0.9, 0.9], y);
    }

    [Fact]
    public void Build_LagInSeconds_ShiftsBySegmentTimeNotRoundedVolumes()
    {
        // Lag 3 s with TR 2: volume v looks at 2v − 3 s; rounding to volumes would shift by 2 (4 s) instead.
        var t = Table((0, 5, 0.2), (5, 20, 0.8));

        var y = TargetBuilder.Build(t, new TargetOptions { Tr = 2, Volumes = 6, LagSeconds = 3, Fill = FillPolicy.Zero }).Table.Column(0);

        // times: −3, −1, 1, 3, 5, 7
        Assert.Equal([0.0, 0.0, 0.2, 0.2, 0.8, 0.8], y);
    }

    [Fact]
    public void Build_HoldFill_GapKeepsPreviousOutsideIsZero()
    {
        var t = Table((2, 4, 0.5), (6, 8, 0.7));

        var hold = TargetBuilder.Build(t, new TargetOptions { Tr = 1, Volumes = 10 }).Table.Column(0);
        var missing = TargetBuilder.Build(t, new TargetOptions { Tr = 1, Volumes = 10, Fill = FillPolicy.Missing }).Table.Column(0);

        Assert.Equal([0, 0, 0.5, 0.5, 0.5, 0.5, 0.7, 0.7, 0, 0], hold);
        Assert.True(double.IsNaN(missing[4]) && double.IsNaN(missing[0]) && double.IsNaN(missing[9]));
        Assert.Equal(0.5, missing[3]);
    }

    [Fact]
    public void Build_ConstantStoryWithHrf_ReachesTheRatingOnceKernelIsFilled()
    {
        var t = Table((0, 200, 0.6));

        var y = TargetBuilder.Build(t, new TargetOptions { Tr = 2, Volumes = 100, Hrf = HrfModel.Spm }).Table.Column(0);

        Assert.Equal(0.0, y[0], 12);             // h[0] = 0: nothing yet at the first volume
        Assert.True(y[2] > 0 && y[2] < 0.6);     // rising
        Assert.Equal(0.6, y[30], 12);             // the 17-sample kernel sums to 1
    }

    [Fact]
    public void Build_ZScore_ColumnHasMeanZeroAndPopulationSdOne()
    {
        var t = Table((0, 3, 0.1), (3, 7, 0.9), (7, 20, 0.3));

        var y = TargetBuilder.Build(t, new TargetOptions { Tr = 1, Volumes = 20, ZScore = true }).Table.Column(0);

        Assert.Equal(0.0, y.Average(), 12);
        Assert.Equal(1.0, Math.Sqrt(y.Select(v => v * v).Average()), 12);
    }

    [Fact]
    public void Build_ZScoreConstantColumn_GivesZeros()
    {
        var y = TargetBuilder.Build(Table((0, 50, 0.4)), new TargetOptions { Tr = 2, Volumes = 10, ZScore = true }).Table.Column(0);

        Assert.All(y, v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void Validate_LagWithHrf_Throws()
    {
        var o = new TargetOptions { Tr = 2, Volumes = 10, LagSeconds = 4, Hrf = HrfModel.Spm };

        var ex = Assert.Throws<ArgumentOutOfRangeException>(o.Validate);

        Assert.Contains("--lag and --hrf", ex.Message);
    }

    [Theory]
    [InlineData(0, 10, 0, 1)]
    [InlineData(2, 0, 0, 1)]
    [InlineData(2, 10, -1, 1)]
    [InlineData(2, 10, 0, 0)]
    public void Validate_OutOfRange_Throws(double tr, int volumes, double lag, int smooth)
    {
        var o = new TargetOptions { Tr = tr, Volumes = volumes, LagSeconds = lag, Smooth = smooth };

        Assert.Throws<ArgumentOutOfRangeException>(o.Validate);
    }

    [Fact]
    public void Build_StoryStartsAfterRun_ThrowsInputDataNamingFile()
    {
        var ex = Assert.Throws<InputDataException>(() =>
            TargetBuilder.Build(Table((100, 110, 0.5)), new TargetOptions { Tr = 2, Volumes = 10 }, "A.tsv"));

        Assert.StartsWith("A.tsv: ", ex.Message);
        Assert.Contains("after the run", ex.Message);
    }

    [Fact]
    public void Build_StoryLongerThanRun_Warns()
    {
        var r = TargetBuilder.Build(Table((0, 30, 0.5)), new TargetOptions { Tr = 2, Volumes = 10 });

        Assert.Single(r.Warnings);
        Assert.Contains("30 s", r.Warnings[0]);
    }

    [Fact]
    public void Write_TableAndSidecar_RoundTripAndRecordOptions()
    {
        var dir = Directory.CreateTempSubdirectory("rtd-targets-");
        try
        {
            var ann = Path.Combine(dir.FullName, "A.tsv");
            var t = Table((0, 10, 0.25), (10, 40, 0.75));
            t.Write(ann);
            var o = new TargetOptions { Tr = 2, Volumes = 15, Hrf = HrfModel.Spm, Smooth = 3 };
            var r = TargetBuilder.Build(AnnotationTable.Read(ann), o);
            var outPath = Path.Combine(dir.FullName, "T.tsv");

            TargetBuilder.Write(outPath, o, r, ann);

            var back = RealtimeDecode.Engine.Tables.NumericTable.Read(outPath);
            Assert.Equal(r.Table.Values, back.Values);
            var side = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.FullName, "T.json")))!;
            Assert.Equal(2.0, (double)side["tr_s"]!);
            Assert.Equal(17, side["hrf_kernel"]!.AsArray().Count);
            Assert.Equal(3, (int)side["smooth_volumes"]!);
            Assert.Equal(64, ((string)side["annotations_sha256"]!).Length);
        }
        finally { dir.Delete(true); }
    }
}
