using RealtimeDecode.Tests.Support;
using RealtimeDecode.Engine.Roi;
using RealtimeDecode.Engine.Tests.Support;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tests.Roi;

public class RoiExtractorTests
{
    private static (int[] Labels, float[][] Volumes, double[][] Means, int[] Unique) Golden()
    {
        var labels = GoldenCsv.Read("roi_labels.csv")[0].Select(v => (int)v).ToArray();
        var vols = GoldenCsv.Read("roi_voxels.csv").Select(r => r.Select(v => (float)v).ToArray()).ToArray();
        var means = GoldenCsv.Read("roi_means.csv");
        var unique = GoldenCsv.Read("roi_unique.csv")[0].Select(v => (int)v).ToArray();
        return (labels, vols, means, unique);
    }

    [Fact]
    public void Extract_GoldenVolumesWithNaN_MatchesNumpyBincount()
    {
        var (labels, vols, means, unique) = Golden();
        var x = new RoiExtractor(labels);
        Assert.Equal(unique, x.Labels);
        Assert.Equal(unique.Length, x.RoiCount);
        var m = new double[x.RoiCount];
        for (int v = 0; v < vols.Length; v++)
        {
            int empty = x.Extract(vols[v], m);
            Approx.Equal(means[v], m, 1e-9, $"volume {v}");
            Assert.Equal(means[v].Count(double.IsNaN), empty);
        }
        Assert.Equal(1, x.EmptyRoiCount);        // label 41 is all NaN in the second volume
        Assert.True(double.IsNaN(m[Array.IndexOf(x.Labels, 41)]));
        Assert.Equal(1, x.EmptyRoiTotal);
    }

    [Fact]
    public void ExtractVariants_GoldenVolumes_EqualExtract()
    {
        var (labels, vols, _, _) = Golden();
        var x = new RoiExtractor(labels);
        var a = new double[x.RoiCount];
        var b = new double[x.RoiCount];
        foreach (var v in vols)
        {
            x.Extract(v, a);
            x.ExtractScatter(v, b);
            Approx.Equal(a, b, 1e-9, "gather vs scatter");
            x.ExtractScatterSimple(v, b);
            Approx.Equal(a, b, 1e-9, "single vs four accumulators");
        }
    }

    [Fact]
    public void Constructor_UnsortedLabels_AscendingDistinctWithCounts()
    {
        var x = new RoiExtractor(new[] { 0, 9, 2, 9, 0, 5, 2, 9 });
        Assert.Equal(new[] { 2, 5, 9 }, x.Labels);
        Assert.Equal(new[] { 2, 1, 3 }, x.VoxelCounts);
        Assert.Equal(8, x.VoxelCount);
        var m = new double[3];
        x.Extract(new float[] { 100, 1, 2, 3, 100, 4, 6, 5 }, m);
        Assert.Equal(new[] { 4.0, 4.0, 3.0 }, m);
    }

    [Fact]
    public void Extract_VolumeOverload_ReadsItsData()
    {
        var labels = new int[2 * 2 * 2];
        labels[1] = 1; labels[6] = 1; labels[7] = 4;
        var x = new RoiExtractor(labels);
        var data = new float[] { 9, 1, 9, 9, 9, 9, 3, 10 };
        var vol = new Volume(2, 2, 2, data, Affine.Identity);
        var m = new double[2];
        Assert.Equal(0, x.Extract(vol, m));
        Assert.Equal(new[] { 2.0, 10.0 }, m);
    }

    [Fact]
    public void Extract_RandomAtlas64x64x36With400Labels_MatchesNaiveMeans()
    {
        var rng = new Random(7);
        int n = 64 * 64 * 36;
        var labels = new int[n];
        for (int v = 0; v < n; v++) labels[v] = rng.Next(3) == 0 ? 0 : 1 + rng.Next(400);
        var data = new float[n];
        for (int v = 0; v < n; v++) data[v] = rng.Next(50) == 0 ? float.NaN : (float)(1000 + 100 * rng.NextDouble());
        var x = new RoiExtractor(labels);
        Assert.Equal(400, x.RoiCount);
        var m = new double[400];
        x.Extract(data, m);
        var sum = new double[401];
        var cnt = new int[401];
        for (int v = 0; v < n; v++)
            if (labels[v] != 0 && !float.IsNaN(data[v])) { sum[labels[v]] += data[v]; cnt[labels[v]]++; }
        for (int r = 0; r < 400; r++) Assert.Equal(sum[r + 1] / cnt[r + 1], m[r], 9);
    }

    [Fact]
    public void Extract_Repeated_AllocatesNothing()
    {
        var (labels, vols, _, _) = Golden();
        var x = new RoiExtractor(labels);
        var m = new double[x.RoiCount];
        Assert.Equal(0, Allocations.SteadyState(() => { for (int i = 0; i < 50; i++) x.Extract(vols[i % 2], m); }));
    }

    [Fact]
    public void Extract_WrongVoxelCount_ThrowsNamingBothSizes()
    {
        var x = new RoiExtractor(new[] { 1, 2, 0 });
        var ex = Assert.Throws<ArgumentException>(() => x.Extract(new float[4], new double[2]));
        Assert.Contains("4", ex.Message);
        Assert.Contains("3", ex.Message);
        var ex2 = Assert.Throws<ArgumentException>(() => x.Extract(new float[3], new double[5]));
        Assert.Contains("5", ex2.Message);
        Assert.Contains("2 ROIs", ex2.Message);
    }

    [Fact]
    public void Extract_VolumeOnOtherGrid_ThrowsNamingShapes()
    {
        var x = new RoiExtractor(new[] { 1, 2, 0 });
        var vol = new Volume(2, 2, 1, new float[4], Affine.Identity);
        var ex = Assert.Throws<ArgumentException>(() => x.Extract(vol, new double[2]));
        Assert.Contains("2×2×1", ex.Message);
        Assert.Contains("3 voxels", ex.Message);
    }

    [Fact]
    public void Constructor_AllBackground_Throws()
    {
        Assert.Throws<ArgumentException>(() => new RoiExtractor(new int[10]));
        Assert.Throws<ArgumentException>(() => new RoiExtractor(ReadOnlySpan<int>.Empty));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Extract_SeveralThreads_BitIdenticalToOneThread(int parallelism)
    {
        // Non-integer voxels (so the summation order would show) with NaNs and one all-NaN label.
        var rng = new Random(11);
        var labels = new int[20_000];
        for (int v = 0; v < labels.Length; v++) labels[v] = rng.Next(5) == 0 ? 0 : 1 + (v / 37 + rng.Next(3)) % 120;
        var one = new RoiExtractor(labels) { Parallelism = 1 };
        var many = new RoiExtractor(labels) { Parallelism = parallelism };
        Assert.Equal(parallelism, many.Parallelism);
        var a = new double[one.RoiCount];
        var b = new double[one.RoiCount];
        for (int t = 0; t < 20; t++)
        {
            var vol = new float[labels.Length];
            for (int v = 0; v < vol.Length; v++)
                vol[v] = labels[v] == 7 || rng.Next(500) == 0 ? float.NaN : (float)(1000 * rng.NextDouble() - 300);
            Assert.Equal(one.Extract(vol, a), many.Extract(vol, b));
            Assert.Equal(a.Select(BitConverter.DoubleToInt64Bits), b.Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(one.EmptyRoiCount, many.EmptyRoiCount);
        }
        Assert.Equal(20, many.EmptyRoiTotal);
    }
}
