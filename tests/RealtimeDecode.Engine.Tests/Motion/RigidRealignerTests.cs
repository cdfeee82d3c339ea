using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Engine.Tests.Support;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Nifti;

namespace RealtimeDecode.Engine.Tests.Motion;

/// <summary>
/// Accuracy of the realignment kernel on a real EPI moved by known rigid transforms
/// (Golden/make_realign_golden.py: cubic-spline resampling by scipy, 2 % noise, int16, an 18-slice slab
/// of a 24-slice head), against the truth and against an independent scipy least-squares estimate.
/// </summary>
public sealed class RigidRealignerTests
{
    private const double Deg = Math.PI / 180;

    private static string MotionGolden(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", "motion", name);

    private static double[][] Csv(string name) =>
        File.ReadAllLines(MotionGolden(name)).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(c => double.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();

    private static List<Volume> Run() => NiftiReader.ReadAllVolumes(MotionGolden("run.nii.gz")).ToList();

    private static double[][] EstimateAll(List<Volume> vols, RealignOptions? options, bool chain, out RealignStatus[] statuses)
    {
        var r = new RigidRealigner(vols[0].Nx, vols[0].Ny, vols[0].Nz, vols[0].Affine, options);
        r.SetReference(vols[0].Data);
        var est = new double[vols.Count][];
        statuses = new RealignStatus[vols.Count];
        var p = new double[6];
        for (int t = 0; t < vols.Count; t++)
        {
            if (!chain) Array.Clear(p);
            statuses[t] = r.Estimate(vols[t].Data, p);
            est[t] = (double[])p.Clone();
        }
        return est;
    }

    // Mean over brain voxels (reference above its mean) of |M_a·x − M_b·x| in mm.
    private static double MeanDisplacement(Volume reference, double[] a, double[] b)
    {
        var ma = new double[16]; var mb = new double[16];
        RigidMotion.Matrix(a, ma); RigidMotion.Matrix(b, mb);
        double mean = reference.Data.Average(v => (double)v);
        double sum = 0; int n = 0;
        var A = reference.Affine;
        for (int k = 0, v = 0; k < reference.Nz; k++)
            for (int j = 0; j < reference.Ny; j++)
                for (int i = 0; i < reference.Nx; i++, v++)
                {
                    if (reference.Data[v] <= mean) continue;
                    Span<double> x = [A[0, 0] * i + A[0, 1] * j + A[0, 2] * k + A[0, 3], A[1, 0] * i + A[1, 1] * j + A[1, 2] * k + A[1, 3], A[2, 0] * i + A[2, 1] * j + A[2, 2] * k + A[2, 3]];
                    double d2 = 0;
                    for (int r = 0; r < 3; r++)
                    {
                        double ya = ma[r * 4] * x[0] + ma[r * 4 + 1] * x[1] + ma[r * 4 + 2] * x[2] + ma[r * 4 + 3];
                        double yb = mb[r * 4] * x[0] + mb[r * 4 + 1] * x[1] + mb[r * 4 + 2] * x[2] + mb[r * 4 + 3];
                        d2 += (ya - yb) * (ya - yb);
                    }
                    sum += Math.Sqrt(d2); n++;
                }
        return sum / n;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Estimate_KnownRigidMotionOfRealEpi_RecoversTruth(bool chain)
    {
        var vols = Run();
        var truth = Csv("truth.csv");
        Assert.Equal(truth.Length, vols.Count);
        var est = EstimateAll(vols, null, chain, out var statuses);
        Assert.All(statuses, s => Assert.Equal(RealignStatus.Converged, s));

        double st = 0, sr = 0;
        for (int t = 0; t < vols.Count; t++)
            for (int i = 0; i < 3; i++)
            {
                st += Math.Pow(est[t][i] - truth[t][i], 2);
                sr += Math.Pow((est[t][3 + i] - truth[t][3 + i]) / Deg, 2);
            }
        double transRms = Math.Sqrt(st / (3 * vols.Count)), rotRmsDeg = Math.Sqrt(sr / (3 * vols.Count));
        Assert.True(transRms <= 0.05, $"translation RMS error {transRms:F4} mm");
        Assert.True(rotRmsDeg <= 0.05, $"rotation RMS error {rotRmsDeg:F4} deg");
        for (int t = 0; t < vols.Count; t++)
        {
            double md = MeanDisplacement(vols[0], est[t], truth[t]);
            Assert.True(md <= 0.05, $"volume {t}: mean displacement from truth {md:F4} mm");
        }
    }

    [Fact]
    public void Estimate_RealEpi_AgreesWithScipyLeastSquares()
    {
        var vols = Run();
        var scipy = Csv("scipy.csv");
        var est = EstimateAll(vols, null, false, out _);
        for (int t = 0; t < vols.Count; t++)
        {
            double md = MeanDisplacement(vols[0], est[t], scipy[t]);
            Assert.True(md <= 0.1, $"volume {t}: mean displacement from scipy's estimate {md:F4} mm");
        }
    }

    // The points (and planes) are cut into four fixed parts whatever the threads, so one thread, two
    // threads or four give the same estimate and the same resliced voxels, bit for bit.
    [Theory]
    [InlineData(ResliceInterpolation.Trilinear)]
    [InlineData(ResliceInterpolation.CubicSpline)]
    public void EstimateAndReslice_AnyThreadCount_GiveIdenticalNumbers(ResliceInterpolation interpolation)
    {
        var vols = Run();
        (double[][] Estimates, float[][] Resliced) With(int threads)
        {
            var r = new RigidRealigner(vols[0].Nx, vols[0].Ny, vols[0].Nz, vols[0].Affine, new RealignOptions(Interpolation: interpolation) { Threads = threads });
            r.SetReference(vols[0].Data);
            var p = new double[6];
            var est = new double[vols.Count][];
            var res = new float[vols.Count][];
            for (int t = 0; t < vols.Count; t++)
            {
                Assert.Equal(RealignStatus.Converged, r.Estimate(vols[t].Data, p));
                est[t] = (double[])p.Clone();
                res[t] = new float[vols[t].VoxelCount];
                r.Reslice(vols[t].Data, p, res[t]);
            }
            return (est, res);
        }
        var one = With(1);
        foreach (int threads in new[] { 2, 4 })
        {
            var other = With(threads);
            for (int t = 0; t < vols.Count; t++)
            {
                Assert.Equal(one.Estimates[t], other.Estimates[t]);
                Assert.Equal(one.Resliced[t], other.Resliced[t]);
            }
        }
    }

    [Fact]
    public void Estimate_BlankVolume_IsBlankWithNaNParameters()
    {
        var vols = Run();
        var r = new RigidRealigner(vols[0].Nx, vols[0].Ny, vols[0].Nz, vols[0].Affine);
        r.SetReference(vols[0].Data);
        var p = new double[6];
        Assert.Equal(RealignStatus.Blank, r.Estimate(new float[vols[0].VoxelCount], p));
        Assert.All(p, v => Assert.True(double.IsNaN(v)));
        // the next good volume still converges
        Array.Clear(p);
        Assert.Equal(RealignStatus.Converged, r.Estimate(vols[1].Data, p));
    }

    [Fact]
    public void Estimate_NoiseVolume_IsNotAcceptedAsConverged()
    {
        var vols = Run();
        var r = new RigidRealigner(vols[0].Nx, vols[0].Ny, vols[0].Nz, vols[0].Affine);
        r.SetReference(vols[0].Data);
        var rng = new Random(3);
        var noise = new float[vols[0].VoxelCount];
        for (int i = 0; i < noise.Length; i++) noise[i] = (float)(rng.NextDouble() * 1000);
        var p = new double[6];
        Assert.NotEqual(RealignStatus.Converged, r.Estimate(noise, p));
        Assert.All(p, v => Assert.True(double.IsNaN(v)));
    }

    [Theory]
    [InlineData(ResliceInterpolation.Trilinear)]
    [InlineData(ResliceInterpolation.CubicSpline)]
    public void Reslice_ZeroParameters_ReproducesTheVolume(ResliceInterpolation interpolation)
    {
        var vols = Run();
        var r = new RigidRealigner(vols[0].Nx, vols[0].Ny, vols[0].Nz, vols[0].Affine, new RealignOptions(Interpolation: interpolation));
        var outp = new float[vols[1].VoxelCount];
        r.Reslice(vols[1].Data, new double[6], outp);
        for (int i = 0; i < outp.Length; i++)
            Assert.True(Math.Abs(outp[i] - vols[1].Data[i]) <= 1e-3 * Math.Max(1, Math.Abs(vols[1].Data[i])), $"voxel {i}: {outp[i]} vs {vols[1].Data[i]}");
    }

    // A smooth analytic field moved by a known transform: both interpolations reproduce it, the cubic
    // spline more closely, and voxels whose source leaves the field of view are NaN.
    [Fact]
    public void Reslice_SmoothField_CubicBeatsTrilinearAndOutsideIsNaN()
    {
        const int nx = 24, ny = 20, nz = 12;
        var affine = new Affine([-3, 0, 0, 30, 0, 3, 0, -25, 0, 0, 3.5, -10, 0, 0, 0, 1]);
        static double F(double x, double y, double z) => 100 + 20 * Math.Sin(x / 9) * Math.Cos(y / 11) + 10 * Math.Sin(z / 7 + 0.3);
        double[] p = [1.3, -0.7, 0.9, 2 * Deg, -1.5 * Deg, 1 * Deg];
        var m = new double[16];
        RigidMotion.Matrix(p, m);
        // volume v(y) = F(M⁻¹·y) so that v(M·x) = F(x)
        var data = new float[nx * ny * nz];
        var inv = new double[16];
        Assert.True(RigidRealigner.Invert4(m, inv));
        for (int k = 0, v = 0; k < nz; k++)
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++, v++)
                {
                    double wx = -3 * i + 30, wy = 3 * j - 25, wz = 3.5 * k - 10;
                    double sx = inv[0] * wx + inv[1] * wy + inv[2] * wz + inv[3];
                    double sy = inv[4] * wx + inv[5] * wy + inv[6] * wz + inv[7];
                    double sz = inv[8] * wx + inv[9] * wy + inv[10] * wz + inv[11];
                    data[v] = (float)F(sx, sy, sz);
                }

        double MaxError(ResliceInterpolation interpolation, out int nans)
        {
            var r = new RigidRealigner(nx, ny, nz, affine, new RealignOptions(Interpolation: interpolation));
            var outp = new float[data.Length];
            r.Reslice(data, p, outp);
            double max = 0; nans = 0;
            for (int k = 0, v = 0; k < nz; k++)
                for (int j = 0; j < ny; j++)
                    for (int i = 0; i < nx; i++, v++)
                    {
                        // where does M·x fall on the grid?
                        double wx = -3 * i + 30, wy = 3 * j - 25, wz = 3.5 * k - 10;
                        double yx = m[0] * wx + m[1] * wy + m[2] * wz + m[3];
                        double yy = m[4] * wx + m[5] * wy + m[6] * wz + m[7];
                        double yz = m[8] * wx + m[9] * wy + m[10] * wz + m[11];
                        double ui = (yx - 30) / -3, uj = (yy + 25) / 3, uk = (yz + 10) / 3.5;
                        bool inside = ui >= -1e-6 && uj >= -1e-6 && uk >= -1e-6 && ui <= nx - 1 + 1e-6 && uj <= ny - 1 + 1e-6 && uk <= nz - 1 + 1e-6;
                        if (!inside) { Assert.True(float.IsNaN(outp[v]), $"voxel {v} maps outside but is {outp[v]}"); nans++; continue; }
                        Assert.False(float.IsNaN(outp[v]), $"voxel {v} maps inside but is NaN");
                        // compare away from the faces, where the spline's mirror boundary is not exact
                        if (ui < 2 || uj < 2 || uk < 2 || ui > nx - 3 || uj > ny - 3 || uk > nz - 3) continue;
                        max = Math.Max(max, Math.Abs(outp[v] - F(wx, wy, wz)));
                    }
            return max;
        }

        double lin = MaxError(ResliceInterpolation.Trilinear, out int nanLin);
        double cub = MaxError(ResliceInterpolation.CubicSpline, out int nanCub);
        Assert.True(nanLin > 0);
        Assert.Equal(nanLin, nanCub);
        Assert.True(lin < 1.0, $"trilinear max error {lin}");
        Assert.True(cub < lin / 3, $"cubic max error {cub} vs trilinear {lin}");
    }

    [Fact]
    public void FramewiseDisplacement_OfTruth_MatchesNumpy()
    {
        var truth = Csv("truth.csv");
        var expected = Csv("truth_fd.csv");
        var fd = new OnlineFramewiseDisplacement();
        for (int t = 0; t < truth.Length; t++)
            Assert.Equal(expected[t][0], fd.Push(truth[t]), 10);
    }

    [Fact]
    public void FramewiseDisplacement_FailedVolume_IsNaNAndNextComparesWithLastValid()
    {
        var fd = new OnlineFramewiseDisplacement();
        Assert.Equal(0, fd.Push([1, 0, 0, 0, 0, 0]));
        Assert.True(double.IsNaN(fd.Push([double.NaN, 0, 0, 0, 0, 0])));
        Assert.Equal(1 + 50 * 0.01, fd.Push([2, 0, 0, 0.01, 0, 0]), 12);
        fd.Reset();
        Assert.Equal(0, fd.Push([5, 5, 5, 0, 0, 0]));
    }

    [Fact]
    public void Matrix_FollowsTRxRyRzWithRightHandedRotations()
    {
        var m = new double[16];
        RigidMotion.Matrix([0, 0, 0, 0, 0, Math.PI / 2], m);
        // rot_z = +90°: x axis goes to y axis
        Assert.Equal(0, m[0], 12); Assert.Equal(1, m[4], 12);
        RigidMotion.Matrix([0, 0, 0, Math.PI / 2, 0, 0], m);
        // rot_x = +90°: y axis goes to z axis
        Assert.Equal(1, m[9], 12);
        // order: Rx·Ry·Rz, then translation
        double a = 0.3, b = -0.2, c = 0.5;
        RigidMotion.Matrix([1, 2, 3, a, b, c], m);
        double[,] rx = { { 1, 0, 0 }, { 0, Math.Cos(a), -Math.Sin(a) }, { 0, Math.Sin(a), Math.Cos(a) } };
        double[,] ry = { { Math.Cos(b), 0, Math.Sin(b) }, { 0, 1, 0 }, { -Math.Sin(b), 0, Math.Cos(b) } };
        double[,] rz = { { Math.Cos(c), -Math.Sin(c), 0 }, { Math.Sin(c), Math.Cos(c), 0 }, { 0, 0, 1 } };
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                double s = 0;
                for (int k = 0; k < 3; k++) for (int l = 0; l < 3; l++) s += rx[i, k] * ry[k, l] * rz[l, j];
                Assert.Equal(s, m[i * 4 + j], 12);
            }
            Assert.Equal(i + 1, m[i * 4 + 3], 12);
        }
    }
}
