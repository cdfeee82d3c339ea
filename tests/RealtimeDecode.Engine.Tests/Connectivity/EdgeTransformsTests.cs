using System.Numerics;
using System.Runtime.Intrinsics;
using RealtimeDecode.Engine.Compute;
using RealtimeDecode.Engine.Connectivity;

namespace RealtimeDecode.Engine.Tests.Connectivity;

public class EdgeTransformsTests
{
    // |r| log-spaced from 1e−300 to 1 − 1e−15, random signs, plus the values next to the clip.
    private static double[] Values(int n, int seed)
    {
        var rng = new Random(seed);
        var r = new double[n];
        for (int i = 0; i < n; i++)
        {
            double a = i % 3 == 0
                ? Math.Pow(10, -300 + 300 * rng.NextDouble())          // tiny to 1
                : 1 - Math.Pow(10, -15 * rng.NextDouble());              // 0 to 1 − 1e−15, dense near 1
            r[i] = rng.Next(2) == 0 ? a : -a;
        }
        return r;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    [InlineData(512)]
    public void FisherZ_MillionValues_Within1e12RelativeOfMathAtanh(int lanes)
    {
        // 0: the default (the widest lanes in hardware); 256 and 512: each width itself (512 may be emulated).
        var r = Values(1_000_003, 7);
        var z = new double[r.Length];
        if (lanes == 0) EdgeTransforms.FisherZ(r, z, 1e-300);
        else if (lanes == 512) EdgeTransforms.FisherZ<Vector512Lanes, Vector512<double>>(r, z, 1e-300);
        else EdgeTransforms.FisherZ<VectorLanes, Vector<double>>(r, z, 1e-300);
        double worst = 0;
        for (int i = 0; i < r.Length; i++)
        {
            double e = Math.Atanh(r[i]);
            double rel = Math.Abs(z[i] - e) / Math.Abs(e);
            Assert.True(rel <= 1e-12, $"r = {r[i]:R}: atanh {e:R}, got {z[i]:R} (relative {rel:E2})");
            worst = Math.Max(worst, rel);
        }
        // The vector and scalar (tail) forms agree with the libm atanh to a few ulps.
        Assert.True(worst < 1e-14, $"worst relative error {worst:E2}");
    }

    [Fact]
    public void FisherZ_SmallR_KeepsPrecisionWhereTheLogOfTheRatioLosesIt()
    {
        double[] r = [1e-9, -3e-12, 2.5e-17, 1e-200, 0.0, -0.0];
        var z = new double[r.Length];
        EdgeTransforms.FisherZ(r, z, 1e-7);
        for (int i = 0; i < r.Length; i++)
        {
            Assert.Equal(Math.Atanh(r[i]), z[i], 1e-12 * Math.Abs(r[i]));
            Assert.Equal(double.IsNegative(r[i]), double.IsNegative(z[i]));
        }
        // The textbook form ½·ln((1 + r)/(1 − r)) is 8e−8 off relative at r = 1e−9: the test can tell.
        double textbook = 0.5 * Math.Log((1 + 1e-9) / (1 - 1e-9));
        Assert.True(Math.Abs(textbook - Math.Atanh(1e-9)) / 1e-9 > 1e-12);
    }

    [Fact]
    public void FisherZ_ClipsAtOneMinusClipAndPropagatesNaN()
    {
        double[] r = [1.0, -1.0, 0.9999999999, 5, double.NaN, 0.5, 0.25, -0.75, 0.1, 0.999999, -0.999999, 0.0];
        var z = new double[r.Length];
        EdgeTransforms.FisherZ(r, z, 1e-7);
        double hi = Math.Atanh(1 - 1e-7);
        Assert.Equal(hi, z[0], 1e-12 * hi);
        Assert.Equal(-hi, z[1], 1e-12 * hi);
        Assert.Equal(hi, z[2], 1e-12 * hi);
        Assert.Equal(hi, z[3], 1e-12 * hi);
        Assert.True(double.IsNaN(z[4]));
        for (int i = 5; i < r.Length; i++) Assert.Equal(Math.Atanh(r[i]), z[i], 1e-12 * Math.Abs(z[i]));
        // the same values one by one: every one then goes through the scalar tail, which must agree too
        for (int i = 0; i < r.Length; i++)
        {
            var one = new double[1];
            EdgeTransforms.FisherZ(r.AsSpan(i, 1), one, 1e-7);
            if (double.IsNaN(z[i])) Assert.True(double.IsNaN(one[0]));
            else Assert.Equal(z[i], one[0], 1e-12 * Math.Abs(z[i]));
        }
    }

    [Fact]
    public void FisherZ_InPlaceAndBadArguments()
    {
        var r = Values(101, 3).Select(v => v * 0.9).ToArray();
        var expected = r.Select(Math.Atanh).ToArray();
        EdgeTransforms.FisherZ(r, r, 1e-7);
        for (int i = 0; i < r.Length; i++) Assert.Equal(expected[i], r[i], 1e-12 * Math.Abs(expected[i]) + 1e-300);
        Assert.Throws<ArgumentException>(() => EdgeTransforms.FisherZ(new double[3], new double[2], 1e-7));
        Assert.Throws<ArgumentOutOfRangeException>(() => EdgeTransforms.FisherZ(new double[3], new double[3], 0));
    }
}
