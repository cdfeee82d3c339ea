using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tests.Support;

/// <summary>Small deterministic volumes: 4×2×2 voxels whose values depend on the index (a pseudo-random walk).</summary>
public static class FakeVolumes
{
    public const int Voxels = 16;

    public static Volume Make(int index, double tr = 2.0)
    {
        var data = new float[Voxels];
        for (int v = 0; v < Voxels; v++)
            data[v] = (float)(100 + 10 * Math.Sin(0.7 * index + 1.3 * v) + 3 * Math.Cos(0.31 * index * (v % 5 + 1)));
        return new Volume(4, 2, 2, data, Affine.Identity, index, index * tr);
    }

    public static IReadOnlyList<Func<Volume>> Run(int count, double tr = 2.0) =>
        Enumerable.Range(0, count).Select(i => (Func<Volume>)(() => Make(i, tr))).ToArray();
}
