using System.Text.Json.Nodes;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Annotation;
using RealtimeDecode.Training.Targets;

namespace RealtimeDecode.Training.Tests.Targets;

public sealed class TargetBuilderTests
{
    private static AnnotationTable Table(params (double On, double Off, double Joy)[] rows) =>
        new(rows.Select((r, i) => new TranscriptSegment(i, r.On, r.Off, $"s{i}")).ToArray(), ["joy"], rows.Select(r => r.Joy).ToArray());

    [Theory]
    [InlineData(372, 0.0, 0)]      // the story spans the run
    [InlineData(1000, 0.0, 1)]     // 2000 s of run for a 744 s story
    [InlineData(372, 90.0, 1)]     // the story starts 90 s in (more than 10 % of the run)
    [InlineData(400, 60.0, 0)]     // within 10 % of the run at both ends
    public void Build_RunMuchLongerThanTheStory_WarnsNamingBothLengths(int volumes, double start, int expected)
    {
        var t = Table((start, 400, 0.2), (400, 744, 0.6));
        var result = TargetBuilder.Build(t, new TargetOptions { Tr = 2, Volumes = volumes });
        Assert.Equal(expected, result.Warnings.Count);
        if (expected == 1 && volumes == 1000)
            Assert.Equal("the run's 1000 volumes × 2 s = 2000 s go on 1256 s past the story's end (744 s): those volumes' targets are 0; wrong --volumes or --tr?", result.Warnings[0]);
        if (expected == 1 && start > 0) Assert.StartsWith("the story starts 90 s into the run", result.Warnings[0], StringComparison.Ordinal);
    }

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
        var t = Table((0, 5, 0.2), (5, 12, 0.8));

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
        var y = TargetBuilder.Build(Table((0, 20, 0.4)), new TargetOptions { Tr = 2, Volumes = 10, ZScore = true }).Table.Column(0);

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
    public void Build_StoryLongerThanRun_ThrowsInputDataNamingFile()
    {
        var ex = Assert.Throws<InputDataException>(() =>
            TargetBuilder.Build(Table((0, 30, 0.5)), new TargetOptions { Tr = 2, Volumes = 10 }, "A.tsv"));

        Assert.StartsWith("A.tsv: ", ex.Message);
        Assert.Contains("30 s", ex.Message);
    }

    [Fact]
    public void Build_StoryEndingWithTheRun_IsAccepted()
    {
        var r = TargetBuilder.Build(Table((0, 20, 0.5)), new TargetOptions { Tr = 2, Volumes = 10, Hrf = HrfModel.Spm });

        Assert.Empty(r.Warnings);
    }

    [Fact]
    public void Build_HrfStepResponse_IsTheKernelIntegralAtEachAcquisition()
    {
        // One segment from 3.3 s (off the TR grid) to the end: y(t) = 0.8·H(t − 3.3).
        var t = Table((3.3, 90, 0.8));

        var y = TargetBuilder.Build(t, new TargetOptions { Tr = 1.5, Volumes = 60, Hrf = HrfModel.Spm, Fill = FillPolicy.Zero }).Table.Column(0);

        for (int v = 0; v < 60; v++) Assert.Equal(0.8 * CanonicalHrf.Cumulative(v * 1.5 - 3.3), y[v], 12);
        Assert.Equal(0.0, y[2]);                   // t = 3 s: before the onset
        Assert.Equal(0.8, y[59], 12);              // 85 s: more than 32 s after the onset
    }

    [Fact]
    public void Build_SliceTimeReference_EqualsStoryShiftedEarlierByThatTime()
    {
        // Acquiring at (v + 0.3)·TR sees the story as acquiring at v·TR sees it 0.6 s earlier.
        var story = Table((2.0, 7.5, 0.2), (7.5, 15.1, 0.9), (16.0, 40.0, 0.4));
        var earlier = Table((1.4, 6.9, 0.2), (6.9, 14.5, 0.9), (15.4, 39.4, 0.4));

        var a = TargetBuilder.Build(story, new TargetOptions { Tr = 2, Volumes = 20, Hrf = HrfModel.Spm, SliceTimeReference = 0.3 }).Table.Column(0);
        var b = TargetBuilder.Build(earlier, new TargetOptions { Tr = 2, Volumes = 20, Hrf = HrfModel.Spm }).Table.Column(0);

        for (int v = 0; v < 20; v++) Assert.Equal(b[v], a[v], 12);
        Assert.NotEqual(b[5], TargetBuilder.Build(story, new TargetOptions { Tr = 2, Volumes = 20, Hrf = HrfModel.Spm }).Table.Column(0)[5], 6);
    }

    [Fact]
    public void Build_HrfMissingFill_NaNWhileAGapIsUnderTheKernel()
    {
        // Gap 10–12 s: NaN from just after 10 s until 32 s after 12 s; before the story NaN as well.
        var t = Table((0, 10, 0.5), (12, 80, 0.7));

        var y = TargetBuilder.Build(t, new TargetOptions { Tr = 2, Volumes = 40, Hrf = HrfModel.Spm, Fill = FillPolicy.Missing }).Table.Column(0);

        Assert.True(double.IsNaN(y[3]));           // 6 s: the time before 0 s is still under the kernel
        Assert.True(double.IsNaN(y[6]));           // 12 s: the gap is under the kernel
        Assert.True(double.IsNaN(y[21]));          // 42 s: 42 − 32 = 10 s, the gap (10, 12) is still inside
        Assert.Equal(0.7, y[22], 12);              // 44 s: only the 0.7 segment under the kernel
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Validate_SliceTimeReferenceOutsideUnitInterval_Throws(double f)
    {
        var o = new TargetOptions { Tr = 2, Volumes = 10, SliceTimeReference = f };

        Assert.Throws<ArgumentOutOfRangeException>(o.Validate);
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
            var o = new TargetOptions { Tr = 2, Volumes = 20, Hrf = HrfModel.Spm, Smooth = 3 };
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
            Assert.Equal(0.0, (double)side["acquisition_offset_s"]!);
            Assert.StartsWith("start of TR", (string)side["acquisition_time"]!);
        }
        finally { dir.Delete(true); }
    }
}
