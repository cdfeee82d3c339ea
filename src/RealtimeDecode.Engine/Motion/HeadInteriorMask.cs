namespace RealtimeDecode.Engine.Motion;

/// <summary>
/// The voxels of a reference volume that lie at least one voxel inside the head: those whose intensity and whose 26
/// neighbours' intensities all pass the realigner's intensity mask. ROI means of realigned volumes are taken over
/// these voxels, because a voxel on the head's edge mixes tissue with the dark background under any interpolation
/// and under the head's own motion, so its value follows the motion however well the motion is estimated.
/// </summary>
/// <remarks>
/// Numeric contract: the threshold is <c>fraction</c> × the mean of the finite voxels above one eighth of the mean of
/// all finite voxels (the rule of <see cref="RealignOptions.MaskFraction"/>, here on the unsmoothed reference); a voxel
/// passes when it is finite and strictly above the threshold. The erosion uses the 3×3×3 neighbourhood, and a
/// neighbour outside the grid counts as outside the head, as scipy.ndimage.binary_erosion with a 3×3×3 structure
/// and border value 0. Layout x fastest.
/// </remarks>
public static class HeadInteriorMask
{
    /// <summary>The interior of the head of <paramref name="reference"/> (<paramref name="nx"/>×<paramref name="ny"/>×<paramref name="nz"/>, x fastest).</summary>
    public static bool[] Compute(ReadOnlySpan<float> reference, int nx, int ny, int nz, double fraction)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nx);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ny);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nz);
        if (reference.Length != (long)nx * ny * nz)
            throw new ArgumentException($"Expected {nx}×{ny}×{nz} voxels, got {reference.Length}.", nameof(reference));
        double sum = 0; long count = 0;
        foreach (float v in reference) if (float.IsFinite(v)) { sum += v; count++; }
        double global = count == 0 ? 0 : sum / count;
        double s2 = 0; long c2 = 0;
        foreach (float v in reference) if (float.IsFinite(v) && v > global / 8) { s2 += v; c2++; }
        double threshold = c2 == 0 ? double.PositiveInfinity : fraction * s2 / c2;

        var head = new bool[reference.Length];
        for (int i = 0; i < head.Length; i++) head[i] = float.IsFinite(reference[i]) && reference[i] > threshold;
        var interior = new bool[reference.Length];
        int sy = nx, sz = nx * ny;
        for (int z = 1; z < nz - 1; z++)
            for (int y = 1; y < ny - 1; y++)
                for (int x = 1; x < nx - 1; x++)
                {
                    int i = x + y * sy + z * sz;
                    bool all = true;
                    for (int dz = -1; dz <= 1 && all; dz++)
                        for (int dy = -1; dy <= 1 && all; dy++)
                            for (int dx = -1; dx <= 1; dx++)
                                if (!head[i + dx + dy * sy + dz * sz]) { all = false; break; }
                    interior[i] = all;
                }
        return interior;
    }
}
