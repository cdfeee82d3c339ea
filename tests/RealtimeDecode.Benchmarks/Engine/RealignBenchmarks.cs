using BenchmarkDotNet.Attributes;
using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Benchmarks.Engine;

/// <summary>
/// Realignment and reslicing of one 64×64×36 volume (3 mm, oblique affine, a smooth head-like image with
/// 2 % noise, moved by 1.5 mm and 1.5°): the estimate from zeros (a volume after a gap) and from the
/// previous volume's estimate (the live case), each followed by a trilinear reslice of the whole grid; the live
/// case also on two threads, and with only the voxels of an atlas resliced (those inside the head's ellipsoid,
/// about half the grid), as the pipeline's roi stage does.
/// </summary>
[MemoryDiagnoser, MinColumn, MedianColumn]
public class RealignBenchmarks
{
    private RigidRealigner _realigner = null!;
    private RigidRealigner _twoThreads = null!;
    private int[] _atlasVoxels = null!;
    private float[] _moved = null!;
    private float[] _resliced = null!;
    private readonly double[] _p = new double[6];
    private readonly double[] _near = new double[6];

    [GlobalSetup]
    public void Setup()
    {
        const int nx = 64, ny = 64, nz = 36;
        var affine = new Affine([-3, 0, 0, 96, 0, 2.95, -0.5, -100, 0, 0.5, 2.95, -50, 0, 0, 0, 1]);
        var rng = new Random(14);
        var blobs = Enumerable.Range(0, 40).Select(_ => (X: rng.Next(12, 52), Y: rng.Next(12, 52), Z: rng.Next(6, 30), A: 200 + rng.Next(400), S: 2 + rng.NextDouble() * 4)).ToArray();
        var reference = new float[nx * ny * nz];
        var atlas = new List<int>();
        for (int k = 0, v = 0; k < nz; k++)
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++, v++)
                {
                    double e = Math.Pow((i - 31.5) / 27, 2) + Math.Pow((j - 31.5) / 29, 2) + Math.Pow((k - 17.5) / 20, 2);
                    double s = e <= 1 ? 400 : 0;
                    if (e <= 1) atlas.Add(v);
                    foreach (var b in blobs) s += b.A * Math.Exp(-((i - b.X) * (i - b.X) + (j - b.Y) * (j - b.Y) + (k - b.Z) * (k - b.Z)) / (2 * b.S * b.S));
                    reference[v] = (float)(s + rng.NextDouble() * 16);
                }
        _realigner = new RigidRealigner(nx, ny, nz, affine);
        _realigner.SetReference(reference);
        _twoThreads = new RigidRealigner(nx, ny, nz, affine, new RealignOptions { Threads = 2 });
        _twoThreads.SetReference(reference);
        _atlasVoxels = [.. atlas];
        _moved = new float[reference.Length];
        double[] truth = [1.5, -1.0, 0.8, 1.5 * Math.PI / 180, -1.0 * Math.PI / 180, 0.8 * Math.PI / 180];
        _realigner.Reslice(reference, truth, _moved);
        for (int i = 0; i < _moved.Length; i++) if (float.IsNaN(_moved[i])) _moved[i] = 0;
        _resliced = new float[reference.Length];
        _realigner.Estimate(_moved, _near);
        for (int i = 0; i < 6; i++) _near[i] *= 0.9;   // the previous volume, a little elsewhere
    }

    [Benchmark]
    public RealignStatus EstimateFromZeroAndReslice()
    {
        Array.Clear(_p);
        var s = _realigner.Estimate(_moved, _p);
        _realigner.Reslice(_moved, _p, _resliced);
        return s;
    }

    [Benchmark(Baseline = true)]
    public RealignStatus EstimateFromPreviousAndReslice()
    {
        Array.Copy(_near, _p, 6);
        var s = _realigner.Estimate(_moved, _p);
        _realigner.Reslice(_moved, _p, _resliced);
        return s;
    }

    [Benchmark]
    public RealignStatus EstimateFromPreviousAndResliceTwoThreads()
    {
        Array.Copy(_near, _p, 6);
        var s = _twoThreads.Estimate(_moved, _p);
        _twoThreads.Reslice(_moved, _p, _resliced);
        return s;
    }

    [Benchmark]
    public RealignStatus EstimateFromPreviousAndResliceAtlasVoxels()
    {
        Array.Copy(_near, _p, 6);
        var s = _realigner.Estimate(_moved, _p);
        _realigner.Reslice(_moved, _p, _resliced, _atlasVoxels);
        return s;
    }
}
