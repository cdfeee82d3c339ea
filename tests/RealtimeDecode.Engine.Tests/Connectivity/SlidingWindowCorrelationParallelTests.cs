using RealtimeDecode.Tests.Support;
using RealtimeDecode.Engine.Connectivity;

namespace RealtimeDecode.Engine.Tests.Connectivity;

public class SlidingWindowCorrelationParallelTests
{
    public static TheoryData<WindowTaper, bool, int> Splits => new()
    {
        { WindowTaper.Rectangular, true, 2 },
        { WindowTaper.Rectangular, false, 3 },
        { WindowTaper.Gaussian, true, 2 },
        { WindowTaper.Exponential, true, 2 },
        { WindowTaper.Exponential, false, 5 },
    };

    [Theory]
    [MemberData(nameof(Splits))]
    public void Push_SplitOverThreads_BitIdenticalToOneThread(WindowTaper taper, bool fisher, int parts)
    {
        const int r = 61;
        var opts = new SlidingWindowOptions { Window = 13, Taper = taper, FisherZ = fisher, RecomputeInterval = 17 };
        using var one = new SlidingWindowCorrelation(r, opts) { Parallelism = 1 };
        using var many = new SlidingWindowCorrelation(r, opts) { Parallelism = parts };
        Assert.Equal(parts, many.Parallelism);
        var a = new double[one.EdgeCount];
        var b = new double[one.EdgeCount];
        var f = new double[r];
        var rng = new Random(11);
        for (int t = 0; t < 80; t++)
        {
            for (int i = 0; i < r; i++) f[i] = 100 + Math.Sin(t * 0.3 + i) + rng.NextDouble();
            if (t == 40) f[5] = double.NaN;
            Assert.Equal(one.Push(f, a), many.Push(f, b));
            for (int e = 0; e < a.Length; e++)
                Assert.True(BitConverter.DoubleToInt64Bits(a[e]) == BitConverter.DoubleToInt64Bits(b[e]), $"frame {t} edge {e}: {a[e]:R} vs {b[e]:R}");
        }
    }

    [Theory]
    [InlineData(WindowTaper.Rectangular, true)]
    [InlineData(WindowTaper.Rectangular, false)]
    [InlineData(WindowTaper.Gaussian, true)]
    [InlineData(WindowTaper.Gaussian, false)]
    [InlineData(WindowTaper.Exponential, true)]
    [InlineData(WindowTaper.Exponential, false)]
    public void Push_512BitLanes_SameEdgesAsVectorT(WindowTaper taper, bool fisher)
    {
        // 61 ROIs: rows of every length from 60 down to 1, so every tail form (a last whole vector taken
        // again, a row shorter than a vector) is used in both widths. Without Fisher z the arithmetic is the
        // same lane by lane: bit-identical. With it, the vector logarithms may differ by a few ulp.
        const int r = 61;
        var opts = new SlidingWindowOptions { Window = 13, Taper = taper, FisherZ = fisher, RecomputeInterval = 17 };
        using var narrow = new SlidingWindowCorrelation(r, opts) { WideLanes = false };
        using var wide = new SlidingWindowCorrelation(r, opts) { WideLanes = true, Parallelism = 2 };
        var a = new double[narrow.EdgeCount];
        var b = new double[narrow.EdgeCount];
        var f = new double[r];
        var rng = new Random(12);
        for (int t = 0; t < 60; t++)
        {
            for (int i = 0; i < r; i++) f[i] = 100 + Math.Sin(t * 0.3 + i) + rng.NextDouble();
            if (t == 30) f[7] = double.NaN;
            Assert.Equal(narrow.Push(f, a), wide.Push(f, b));
            for (int e = 0; e < a.Length; e++)
            {
                if (fisher) Assert.True(Math.Abs(a[e] - b[e]) <= 1e-14 * Math.Abs(a[e]), $"frame {t} edge {e}: {a[e]:R} vs {b[e]:R}");
                else Assert.True(BitConverter.DoubleToInt64Bits(a[e]) == BitConverter.DoubleToInt64Bits(b[e]), $"frame {t} edge {e}: {a[e]:R} vs {b[e]:R}");
            }
        }
    }

    [Fact]
    public void Parallelism_DefaultsToTwoFromThresholdOnTwoCores()
    {
        using var small = new SlidingWindowCorrelation(400, new SlidingWindowOptions());
        using var large = new SlidingWindowCorrelation(1000, new SlidingWindowOptions());
        Assert.Equal(1, small.Parallelism);
        Assert.Equal(Environment.ProcessorCount >= 2 ? 2 : 1, large.Parallelism);
        Assert.Throws<ArgumentOutOfRangeException>(() => large.Parallelism = 0);
    }

    [Fact]
    public void Push_TwoThreadsSteadyState_AllocatesNothingOnThePipelineThread()
    {
        const int r = 300;
        using var k = new SlidingWindowCorrelation(r, new SlidingWindowOptions { FisherZ = true }) { Parallelism = 2 };
        var e = new double[k.EdgeCount];
        var f = new double[r];
        var rng = new Random(4);
        for (int t = 0; t < 30; t++) { for (int i = 0; i < r; i++) f[i] = rng.NextDouble(); k.Push(f, e); }
        Assert.Equal(0, Allocations.SteadyState(() => { for (int t = 0; t < 20; t++) { f[t % r] += 1; k.Push(f, e); } }));
    }

    [Theory]
    [InlineData(WindowTaper.Rectangular)]
    [InlineData(WindowTaper.Gaussian)]
    [InlineData(WindowTaper.Exponential)]
    public void Push_OutputArrayWithOldContents_OverwritesEveryEdge(WindowTaper taper)
    {
        // The pipeline pushes into recycled arrays: the output must not depend on what they held.
        const int r = 23;
        var opts = new SlidingWindowOptions { Window = 13, Taper = taper, FisherZ = true };
        using var clean = new SlidingWindowCorrelation(r, opts);
        using var dirty = new SlidingWindowCorrelation(r, opts);
        var a = new double[clean.EdgeCount];
        var b = new double[clean.EdgeCount];
        var f = new double[r];
        var rng = new Random(8);
        for (int t = 0; t < 40; t++)
        {
            for (int i = 0; i < r; i++) f[i] = rng.NextDouble();
            Array.Clear(a);
            Array.Fill(b, t % 2 == 0 ? double.NaN : 1e300);
            Assert.Equal(clean.Push(f, a), dirty.Push(f, b));
            if (clean.IsReady) Assert.Equal(a, b);
        }
    }
}
