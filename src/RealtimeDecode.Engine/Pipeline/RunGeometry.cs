using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// The grid and position of a run's first decoded volume, against which each later volume is checked so that a
/// scanner re-shim, a new localiser or a re-prescribed slab is never averaged in silently.
/// <list type="bullet">
/// <item>Grid: dimensions equal and voxel sizes (column norms of the affine's 3×3 part) within 1e-3 mm;
/// otherwise <see cref="VolumeStatus.GridChanged"/>.</item>
/// <item>Position: the largest displacement (mm) of the grid's eight corner voxel centres between the two
/// affines; above <see cref="ToleranceMm"/> the volume is <see cref="VolumeStatus.AffineChanged"/>.
/// Rotations count through the corners, so a 1° tilt of a 64-voxel, 3 mm slab moves a corner about 3 mm.</item>
/// </list>
/// Not thread-safe; one instance per run.
/// </summary>
internal sealed class RunGeometry
{
    private const double VoxelSizeToleranceMm = 1e-3;
    private Volume? _reference;

    /// <summary>Creates the check; <paramref name="toleranceMm"/> must be positive.</summary>
    public RunGeometry(double toleranceMm)
    {
        if (!(toleranceMm > 0) || !double.IsFinite(toleranceMm))
            throw new ArgumentOutOfRangeException(nameof(toleranceMm), $"The affine tolerance must be a positive number of mm, got {toleranceMm}.");
        ToleranceMm = toleranceMm;
    }

    /// <summary>Largest corner displacement (mm) still taken as the same position.</summary>
    public double ToleranceMm { get; }

    /// <summary>Forgets the reference (a new run starts).</summary>
    public void Reset() => _reference = null;

    /// <summary>Makes <paramref name="volume"/> the run's reference unless there is one already: call it once a
    /// volume has been read and decoded, so an unreadable or mismatched first file never becomes the reference.</summary>
    public void Accept(Volume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        _reference ??= volume;
    }

    /// <summary>Null when <paramref name="volume"/> fits the run (any volume does while there is no reference);
    /// otherwise the status and a one-line reason.</summary>
    public (VolumeStatus Status, string Reason)? Check(Volume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        if (_reference is not { } r) return null;
        var (rs, vs) = (VoxelSizes(r.Affine), VoxelSizes(volume.Affine));
        bool sameSizes = Math.Abs(rs.X - vs.X) <= VoxelSizeToleranceMm && Math.Abs(rs.Y - vs.Y) <= VoxelSizeToleranceMm && Math.Abs(rs.Z - vs.Z) <= VoxelSizeToleranceMm;
        if (volume.Nx != r.Nx || volume.Ny != r.Ny || volume.Nz != r.Nz || !sameSizes)
            return (VolumeStatus.GridChanged, FormattableString.Invariant(
                $"grid {volume.Nx}×{volume.Ny}×{volume.Nz} at {vs.X:0.###}×{vs.Y:0.###}×{vs.Z:0.###} mm, the run's first volume {r.Nx}×{r.Ny}×{r.Nz} at {rs.X:0.###}×{rs.Y:0.###}×{rs.Z:0.###} mm"));
        double shift = CornerShift(r, volume.Affine);
        if (shift > ToleranceMm)
            return (VolumeStatus.AffineChanged, FormattableString.Invariant(
                $"position moved by up to {shift:0.##} mm from the run's first volume (tolerance {ToleranceMm:0.##} mm)"));
        return null;
    }

    private static (double X, double Y, double Z) VoxelSizes(Affine a)
    {
        static double Norm(Affine a, int c) => Math.Sqrt(a[0, c] * a[0, c] + a[1, c] * a[1, c] + a[2, c] * a[2, c]);
        return (Norm(a, 0), Norm(a, 1), Norm(a, 2));
    }

    private static double CornerShift(Volume grid, Affine other)
    {
        var a = grid.Affine;
        double worst = 0;
        for (int corner = 0; corner < 8; corner++)
        {
            double i = (corner & 1) == 0 ? 0 : grid.Nx - 1, j = (corner & 2) == 0 ? 0 : grid.Ny - 1, k = (corner & 4) == 0 ? 0 : grid.Nz - 1;
            double d2 = 0;
            for (int row = 0; row < 3; row++)
            {
                double d = (other[row, 0] - a[row, 0]) * i + (other[row, 1] - a[row, 1]) * j + (other[row, 2] - a[row, 2]) * k + (other[row, 3] - a[row, 3]);
                d2 += d * d;
            }
            worst = Math.Max(worst, Math.Sqrt(d2));
        }
        return worst;
    }
}
