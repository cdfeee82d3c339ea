using BenchmarkDotNet.Attributes;
using RealtimeDecode.Engine.Roi;

namespace RealtimeDecode.Benchmarks.Engine;

/// <summary>
/// ROI means of one 64×64×36 volume with a 400-parcel atlas (Voronoi parcels of random seeds inside
/// an ellipsoidal brain mask, so parcels are contiguous as in Schaefer-400 at 3 mm).
/// Compares Extract (per-ROI gather over CSR indices, four partial sums) with a voxel-order scatter
/// into four partial sums per ROI and the plain one-accumulator scatter.
/// </summary>
[MemoryDiagnoser, MinColumn, MedianColumn]
public class RoiExtractorBenchmarks
{
    private RoiExtractor _extractor = null!;
    private float[] _volume = null!;
    private double[] _means = null!;

    [GlobalSetup]
    public void Setup()
    {
        const int nx = 64, ny = 64, nz = 36, parcels = 400;
        var rng = new Random(400);
        var inside = new Func<int, int, int, bool>((x, y, z) =>
            Math.Pow((x - 31.5) / 28, 2) + Math.Pow((y - 31.5) / 30, 2) + Math.Pow((z - 17.5) / 16, 2) <= 1);
        var seeds = new List<(int X, int Y, int Z)>();
        while (seeds.Count < parcels)
        {
            int x = rng.Next(nx), y = rng.Next(ny), z = rng.Next(nz);
            if (inside(x, y, z)) seeds.Add((x, y, z));
        }
        var labels = new int[nx * ny * nz];
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                {
                    if (!inside(x, y, z)) continue;
                    int best = 0, bestD = int.MaxValue;
                    for (int s = 0; s < parcels; s++)
                    {
                        int d = (x - seeds[s].X) * (x - seeds[s].X) + (y - seeds[s].Y) * (y - seeds[s].Y) + (z - seeds[s].Z) * (z - seeds[s].Z);
                        if (d < bestD) { bestD = d; best = s; }
                    }
                    labels[(z * ny + y) * nx + x] = best + 1;
                }
        _extractor = new RoiExtractor(labels);
        _volume = new float[labels.Length];
        for (int v = 0; v < _volume.Length; v++) _volume[v] = 1000 + (float)rng.NextDouble() * 100;
        _means = new double[_extractor.RoiCount];
    }

    [Benchmark(Baseline = true)]
    public int Extract() => _extractor.Extract(_volume, _means);

    [Benchmark]
    public int ScatterFourLanes() => _extractor.ExtractScatter(_volume, _means);

    [Benchmark]
    public int ScatterSingleAccumulator() => _extractor.ExtractScatterSimple(_volume, _means);

}
