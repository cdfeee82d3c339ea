namespace RealtimeDecode.Imaging;

/// <summary>
/// One 3D fMRI volume: float32 voxels with x fastest, then y, then z (NIfTI order), already scaled
/// (scl_slope/scl_inter applied), its voxel-to-world affine, its 0-based index in the run and its
/// acquisition onset in seconds from the start of the run (index × TR unless the source says better).
/// A volume handed downstream belongs to the receiver: producers never reuse its array.
/// </summary>
public sealed class Volume
{
    /// <summary>
    /// Most voxels one volume may have: 2^28 (268,435,456, 1 GiB of float32; a 512×512×1024 grid).
    /// Readers refuse larger images from their headers, before allocating anything for them.
    /// </summary>
    public const long MaxVoxels = 1L << 28;

    /// <summary>Creates a volume; <paramref name="data"/> must hold nx·ny·nz voxels.</summary>
    public Volume(int nx, int ny, int nz, float[] data, Affine affine, int index = 0, double onsetSeconds = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nx);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ny);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nz);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != (long)nx * ny * nz)
            throw new ArgumentOutOfRangeException(nameof(data), $"A {nx}×{ny}×{nz} volume has {(long)nx * ny * nz} voxels, got {data.Length}.");
        Nx = nx; Ny = ny; Nz = nz;
        Data = data;
        Affine = affine ?? throw new ArgumentNullException(nameof(affine));
        Index = index;
        OnsetSeconds = onsetSeconds;
    }

    public int Nx { get; }
    public int Ny { get; }
    public int Nz { get; }

    /// <summary>Number of voxels, nx·ny·nz.</summary>
    public int VoxelCount => Data.Length;

    /// <summary>Voxel values, x fastest.</summary>
    public float[] Data { get; }

    /// <summary>Voxel-to-world affine (mm).</summary>
    public Affine Affine { get; }

    /// <summary>0-based index of the volume in its run.</summary>
    public int Index { get; }

    /// <summary>Acquisition onset (s) from the start of the run.</summary>
    public double OnsetSeconds { get; }

    /// <summary>The repetition time (s) the volume's file states, or 0 when it states none (a 3D NIfTI with no time
    /// units, a DICOM without RepetitionTime).</summary>
    public double RepetitionTimeSeconds { get; init; }

    /// <summary>Grid as "nx×ny×nz", for messages.</summary>
    public string Shape => $"{Nx}×{Ny}×{Nz}";
}
