using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace RealtimeDecode.Imaging.Nifti;

/// <summary>
/// Writes a little-endian NIfTI-1 single file (.nii, or .nii.gz when compressed), streaming one volume
/// at a time. The header carries the affine twice: as the sform verbatim and as the closest
/// qform (rotation by quaternion, voxel sizes = column norms, qfac from the determinant, as
/// nifti1_io's <c>nifti_mat44_to_quatern</c>), both with <see cref="NiftiWriteOptions.XFormCode"/>;
/// the TR goes to pixdim[4] with xyzt_units = mm + s. One volume makes a 3D file (dim[0] = 3),
/// more make a 4D file. Voxels are converted as documented on <see cref="NiftiWriteOptions"/>: integer
/// datatypes round half to even and saturate.
/// </summary>
public sealed class NiftiWriter : IDisposable
{
    /// <summary>Bytes before the first voxel: the 348-byte header plus the 4-byte extension flag.</summary>
    public const int DataOffset = 352;

    private readonly Stream _file;
    private readonly Stream _out;
    private readonly bool _leaveOpen;
    private readonly NiftiWriteOptions _options;
    private readonly byte[] _buffer;
    private bool _disposed;

    /// <summary>Starts an image on <paramref name="output"/> and writes its header.</summary>
    public NiftiWriter(Stream output, int nx, int ny, int nz, int volumeCount, Affine affine, NiftiWriteOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(affine);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nx);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ny);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nz);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(volumeCount);
        _options = options ?? new NiftiWriteOptions();
        if (!NiftiDataTypes.IsSupported((short)_options.DataType))
            throw new ArgumentOutOfRangeException(nameof(options), $"Unsupported NIfTI datatype {(short)_options.DataType}.");
        if (_options.ScaleSlope == 0 || !double.IsFinite(_options.ScaleSlope) || !double.IsFinite(_options.ScaleIntercept))
            throw new ArgumentOutOfRangeException(nameof(options), "ScaleSlope must be finite and non-zero, ScaleIntercept finite.");
        Nx = nx; Ny = ny; Nz = nz; VolumeCount = volumeCount;
        Affine = affine;
        _file = output;
        _leaveOpen = leaveOpen;
        _out = _options.Compress == true ? new GZipStream(output, _options.CompressionLevel, leaveOpen: true) : output;
        _buffer = new byte[checked((long)nx * ny * nz * NiftiDataTypes.BytesPerVoxel(_options.DataType))];
        _out.Write(EncodeHeader(nx, ny, nz, volumeCount, affine, _options));
    }

    /// <summary>Creates <paramref name="path"/> (gzip when it ends in ".gz" unless the options say otherwise).</summary>
    public static NiftiWriter Create(string path, int nx, int ny, int nz, int volumeCount, Affine affine, NiftiWriteOptions? options = null)
    {
        options ??= new NiftiWriteOptions();
        if (options.Compress is null)
            options = options with { Compress = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) };
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        try { return new NiftiWriter(fs, nx, ny, nz, volumeCount, affine, options); }
        catch { fs.Dispose(); throw; }
    }

    /// <summary>Writes all <paramref name="volumes"/> (same grid; the first one's affine) to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<Volume> volumes, NiftiWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        if (volumes.Count == 0) throw new ArgumentException("No volumes to write.", nameof(volumes));
        var first = volumes[0];
        using var w = Create(path, first.Nx, first.Ny, first.Nz, volumes.Count, first.Affine, options);
        foreach (var v in volumes) w.WriteVolume(v);
        w.Complete();
    }

    /// <summary>
    /// The complete bytes of a 3D single-volume file holding <paramref name="volume"/> (gzip only when
    /// <see cref="NiftiWriteOptions.Compress"/> is true), e.g. for writing a scanner export in chunks.
    /// </summary>
    public static byte[] EncodeVolume(Volume volume, NiftiWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(volume);
        options ??= new NiftiWriteOptions();
        if (options.Compress is null) options = options with { Compress = false };
        var ms = new MemoryStream();
        using (var w = new NiftiWriter(ms, volume.Nx, volume.Ny, volume.Nz, 1, volume.Affine, options, leaveOpen: true))
        {
            w.WriteVolume(volume.Data);
            w.Complete();
        }
        return ms.ToArray();
    }

    /// <summary>Voxels along x.</summary>
    public int Nx { get; }
    /// <summary>Voxels along y.</summary>
    public int Ny { get; }
    /// <summary>Voxels along z.</summary>
    public int Nz { get; }
    /// <summary>Volumes the header announces.</summary>
    public int VolumeCount { get; }
    /// <summary>Volumes written so far.</summary>
    public int VolumesWritten { get; private set; }
    /// <summary>The voxel-to-world affine in the header.</summary>
    public Affine Affine { get; }

    /// <summary>Appends one volume (nx·ny·nz floats, x fastest).</summary>
    public void WriteVolume(ReadOnlySpan<float> voxels)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (voxels.Length != (long)Nx * Ny * Nz)
            throw new ArgumentException($"A {Nx}×{Ny}×{Nz} volume has {(long)Nx * Ny * Nz} voxels, got {voxels.Length}.", nameof(voxels));
        if (VolumesWritten >= VolumeCount)
            throw new InvalidOperationException($"The header announces {VolumeCount} volume(s); all were written.");
        NiftiVoxelConverter.FromFloat(voxels, _options.DataType, _options.ScaleSlope, _options.ScaleIntercept, _buffer);
        _out.Write(_buffer);
        VolumesWritten++;
    }

    /// <summary>Appends <paramref name="volume"/>, which must be on this writer's grid.</summary>
    public void WriteVolume(Volume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        if (volume.Nx != Nx || volume.Ny != Ny || volume.Nz != Nz)
            throw new ArgumentException($"Volume {volume.Shape} does not fit a {Nx}×{Ny}×{Nz} image.", nameof(volume));
        WriteVolume(volume.Data);
    }

    /// <summary>Checks that every announced volume was written and flushes (ending the gzip stream).</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (VolumesWritten != VolumeCount)
            throw new InvalidOperationException($"The header announces {VolumeCount} volume(s), {VolumesWritten} were written.");
        Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!ReferenceEquals(_out, _file)) _out.Dispose();
        if (_leaveOpen) _file.Flush();
        else _file.Dispose();
    }

    /// <summary>
    /// The 352 bytes before the voxels of a NIfTI-1 single file (348-byte header and an empty extension
    /// flag), little-endian.
    /// </summary>
    public static byte[] EncodeHeader(int nx, int ny, int nz, int volumeCount, Affine affine, NiftiWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(affine);
        options ??= new NiftiWriteOptions();
        var h = new byte[DataOffset];
        var s = h.AsSpan();
        void I16(int o, int v) => BinaryPrimitives.WriteInt16LittleEndian(h.AsSpan(o), checked((short)v));
        void F32(int o, double v) => BinaryPrimitives.WriteSingleLittleEndian(h.AsSpan(o), (float)v);

        BinaryPrimitives.WriteInt32LittleEndian(s, 348);
        bool fourD = volumeCount > 1;
        I16(40, fourD ? 4 : 3);
        I16(42, nx); I16(44, ny); I16(46, nz);
        I16(48, fourD ? volumeCount : 1);
        I16(50, 1); I16(52, 1); I16(54, 1);
        I16(70, (short)options.DataType);
        I16(72, NiftiDataTypes.BytesPerVoxel(options.DataType) * 8);

        var q = QForm.FromAffine(affine);
        F32(76, q.QFac);
        F32(80, q.Dx); F32(84, q.Dy); F32(88, q.Dz);
        F32(92, options.RepetitionTimeSeconds > 0 ? options.RepetitionTimeSeconds : 0);
        F32(96, 1); F32(100, 1); F32(104, 1);
        F32(108, DataOffset);
        F32(112, options.ScaleSlope);
        F32(116, options.ScaleIntercept);
        h[123] = (byte)((int)NiftiSpatialUnits.Millimeter | (int)NiftiTimeUnits.Second);
        if (!string.IsNullOrEmpty(options.Description))
        {
            var d = Encoding.ASCII.GetBytes(options.Description);
            d.AsSpan(0, Math.Min(d.Length, 79)).CopyTo(s.Slice(148, 80));
        }
        int code = options.XFormCode;
        if (code is < 0 or > 4) throw new ArgumentOutOfRangeException(nameof(options), "XFormCode must be 0 to 4.");
        I16(252, code);
        I16(254, code);
        F32(256, q.B); F32(260, q.C); F32(264, q.D);
        F32(268, affine[0, 3]); F32(272, affine[1, 3]); F32(276, affine[2, 3]);
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++)
                F32(280 + 16 * r + 4 * c, affine[r, c]);
        "n+1\0"u8.CopyTo(s[344..]);
        return h;
    }
}
