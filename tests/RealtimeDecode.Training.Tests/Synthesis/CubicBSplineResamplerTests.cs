using System.Globalization;
using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Synthesis;
using Xunit.Abstractions;

namespace RealtimeDecode.Training.Tests.Synthesis;

public class CubicBSplineResamplerTests(ITestOutputHelper output)
{
    private static double[] Row(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Golden", "motion", name);
        Assert.True(File.Exists(path), $"{path} is missing; run /usr/bin/python3 tests/RealtimeDecode.Training.Tests/Golden/make_motion_golden.py");
        return File.ReadAllText(path).Trim().Split(',').Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
    }

    [Fact]
    public void Move_KnownTransform_MatchesScipyAffineTransformOrder3OnInteriorVoxels()
    {
        var still = Row("resample_still.csv").Select(v => (float)v).ToArray();
        var expected = Row("resample_moved.csv");
        var interior = Row("resample_interior.csv");
        var matrix = new double[16];
        RigidTransform.ToMatrix(Row("resample_params.csv"), matrix);
        var r = new CubicBSplineResampler(14, 12, 10, new Affine(Row("resample_affine.csv")));
        var moved = new float[still.Length];
        r.Move(still, matrix, moved);

        int compared = 0;
        double worst = 0;
        for (int i = 0; i < moved.Length; i++)
        {
            if (interior[i] != 1) continue;
            compared++;
            worst = Math.Max(worst, Math.Abs(moved[i] - expected[i]));
        }

        output.WriteLine($"interior voxels {compared}, largest |C# − scipy| {worst:E3}");
        Assert.True(compared > 300, $"only {compared} interior voxels");
        // Values up to ~1300: float32 input and output round at ~6e-5 (measured largest 6.1e-5).
        Assert.True(worst < 2e-4, $"largest |C# − scipy| on interior voxels {worst:E3}");
    }

    [Fact]
    public void Move_Identity_ReproducesTheVolume()
    {
        var still = Row("resample_still.csv").Select(v => (float)v).ToArray();
        var matrix = new double[16];
        RigidTransform.ToMatrix(new double[6], matrix);
        var r = new CubicBSplineResampler(14, 12, 10, new Affine(Row("resample_affine.csv")));
        var moved = new float[still.Length];
        r.Move(still, matrix, moved);
        for (int i = 0; i < still.Length; i++) Assert.True(Math.Abs(moved[i] - still[i]) < 1e-3, $"voxel {i}: {still[i]} → {moved[i]}");
    }

    [Fact]
    public void Move_WholeVoxelShiftAlongX_ShiftsTheVolume()
    {
        // M translates by +1 voxel (3.5 mm) in x: v(y) = S(y − 3.5 mm), so v[i] = S[i − 1].
        var still = Row("resample_still.csv").Select(v => (float)v).ToArray();
        var matrix = new double[16];
        RigidTransform.ToMatrix([3.5, 0, 0, 0, 0, 0], matrix);
        var r = new CubicBSplineResampler(14, 12, 10, new Affine(Row("resample_affine.csv")));
        var moved = new float[still.Length];
        r.Move(still, matrix, moved);
        for (int k = 0; k < 10; k++)
            for (int j = 0; j < 12; j++)
                for (int i = 1; i < 14; i++)
                {
                    int o = i + 14 * (j + 12 * k);
                    Assert.True(Math.Abs(moved[o] - still[o - 1]) < 1e-3, $"voxel ({i},{j},{k})");
                }
    }
}
