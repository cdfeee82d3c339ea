namespace RealtimeDecode.Training.Synthesis;

/// <summary>
/// A synthetic parcellation: an ellipsoidal brain mask filling the grid, cut into parcels as the
/// Voronoi cells of seed points spread through the mask, the parcels grouped into networks named
/// after the Schaefer 2018 / Yeo 7-network atlas. Parcels of one network are spatial neighbours
/// (seeds are sorted along the anterior–posterior axis before networks are assigned), and each
/// parcel is in the left (x below the centre) or right hemisphere, as in Schaefer's names
/// (<c>7Networks_LH_Vis_1</c>).
/// </summary>
internal sealed class SyntheticAtlas
{
    /// <summary>Yeo 7-network names in Schaefer's order.</summary>
    public static readonly string[] Yeo7 = ["Vis", "SomMot", "DorsAttn", "SalVentAttn", "Limbic", "Cont", "Default"];

    private SyntheticAtlas(int nx, int ny, int nz, int[] labels, string[] names, string[] networks, int[] networkOf)
    {
        Nx = nx; Ny = ny; Nz = nz;
        Labels = labels; Names = names; Networks = networks; NetworkOf = networkOf;
    }

    public int Nx { get; }
    public int Ny { get; }
    public int Nz { get; }

    /// <summary>Label per voxel, x fastest; 0 outside the brain, 1..P inside.</summary>
    public int[] Labels { get; }

    /// <summary>Parcel names, index p for label p + 1.</summary>
    public string[] Names { get; }

    /// <summary>Network name of each parcel.</summary>
    public string[] Networks { get; }

    /// <summary>Network index (into <see cref="Yeo7"/>) of each parcel.</summary>
    public int[] NetworkOf { get; }

    public int ParcelCount => Names.Length;

    /// <summary>
    /// Voxels of the brain mask of an <paramref name="nx"/> × <paramref name="ny"/> × <paramref name="nz"/> grid
    /// (the ellipsoid with semi-axes 0.46 of each extent, centred): the most parcels the grid holds.
    /// </summary>
    public static long BrainVoxelCount(int nx, int ny, int nz)
    {
        long n = 0;
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                    if (InBrain(x, y, z, nx, ny, nz)) n++;
        return n;
    }

    private static bool InBrain(int x, int y, int z, int nx, int ny, int nz)
    {
        double dx = (x - (nx - 1) / 2.0) / (nx * 0.46), dy = (y - (ny - 1) / 2.0) / (ny * 0.46), dz = (z - (nz - 1) / 2.0) / (nz * 0.46);
        return dx * dx + dy * dy + dz * dz <= 1;
    }

    /// <summary>Builds the atlas; every parcel gets at least one voxel.</summary>
    public static SyntheticAtlas Create(int nx, int ny, int nz, int parcels, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parcels, Yeo7.Length);
        var rng = new SeededRandom(seed);
        double cx = (nx - 1) / 2.0;
        var inMask = new List<int>();
        for (int z = 0; z < nz; z++)
            for (int y = 0; y < ny; y++)
                for (int x = 0; x < nx; x++)
                    if (InBrain(x, y, z, nx, ny, nz)) inMask.Add(x + nx * (y + ny * z));
        if (inMask.Count < parcels)
            throw new ArgumentOutOfRangeException(nameof(parcels), $"A {nx}×{ny}×{nz} grid has {inMask.Count} brain voxels, fewer than {parcels} parcels.");

        // Seeds: distinct mask voxels, chosen by farthest-point-like rejection for even coverage.
        var seeds = new List<(double X, double Y, double Z)>();
        var used = new HashSet<int>();
        double minDist = Math.Cbrt(inMask.Count / (double)parcels) * 0.8;
        int attempts = 0;
        while (seeds.Count < parcels)
        {
            int v = inMask[rng.Next(0, inMask.Count)];
            if (!used.Add(v)) continue;
            var p = Coord(v, nx, ny);
            bool farEnough = attempts > 20 * parcels || seeds.TrueForAll(s => Dist2(s, p) >= minDist * minDist);
            attempts++;
            if (farEnough) seeds.Add(p); else used.Remove(v);
        }
        // Networks are groups of neighbouring seeds along y (posterior to anterior), visual first.
        seeds.Sort((a, b) => a.Y != b.Y ? a.Y.CompareTo(b.Y) : a.X != b.X ? a.X.CompareTo(b.X) : a.Z.CompareTo(b.Z));
        var networkOf = new int[parcels];
        for (int p = 0; p < parcels; p++) networkOf[p] = p * Yeo7.Length / parcels;

        var labels = new int[nx * ny * nz];
        foreach (int v in inMask)
        {
            var c = Coord(v, nx, ny);
            int best = 0;
            double bestD = double.MaxValue;
            for (int p = 0; p < parcels; p++)
            {
                double d = Dist2(seeds[p], c);
                if (d < bestD) { bestD = d; best = p; }
            }
            labels[v] = best + 1;
        }
        // A seed voxel always belongs to its own cell, so every parcel is non-empty.
        var names = new string[parcels];
        var networks = new string[parcels];
        var counters = new Dictionary<string, int>();
        for (int p = 0; p < parcels; p++)
        {
            string hemi = seeds[p].X < cx ? "LH" : "RH";
            string net = Yeo7[networkOf[p]];
            string key = hemi + net;
            counters[key] = counters.GetValueOrDefault(key) + 1;
            names[p] = $"7Networks_{hemi}_{net}_{counters[key]}";
            networks[p] = net;
        }
        return new SyntheticAtlas(nx, ny, nz, labels, names, networks, networkOf);
    }

    private static (double X, double Y, double Z) Coord(int v, int nx, int ny) => (v % nx, v / nx % ny, v / (nx * ny));

    private static double Dist2((double X, double Y, double Z) a, (double X, double Y, double Z) b)
    {
        double dx = a.X - b.X, dy = a.Y - b.Y, dz = a.Z - b.Z;
        return dx * dx + dy * dy + dz * dz;
    }
}
