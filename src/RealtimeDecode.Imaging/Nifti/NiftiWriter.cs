using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using V1 = RealtimeDecode.Imaging.Nifti.NiftiHeaderLayout.V1;
using V2 = RealtimeDecode.Imaging.Nifti.NiftiHeaderLayout.V2;

namespace RealtimeDecode.Imaging.Nifti;

/// <summary>
/// Writes a little-endian NIfTI-1 (or NIfTI-2) single file (.nii, or .nii.gz when compressed), streaming one volume
/// at a time. The header carries the affine twice: as the sform verbatim and as the closest
/// qform (rotation by quaternion, voxel sizes = column norms, qfac from the determinant, as
/// nifti1_io's <c>nifti_mat44_to_quatern</c>), both with <see cref="NiftiWriteOptions.XFormCode"/>;
/// the TR goes to pixdim[4] with xyzt_units = mm + s. One volume makes a 3D file (dim[0] = 3),
/// more make a 4D file. Voxels are converted as documented on <see cref="NiftiWriteOptions"/>: integer
/// datatypes round half to even and saturate.
/// </summary>
public sealed class NiftiWriter : IDisposable
{
    /// <summary>Bytes before the first voxel of a NIfTI-1 file: the 348-byte header plus the 4-byte extension flag.</summary>
    public const int Nifti1DataOffset = V1.HeaderSize + NiftiHeaderLayout.ExtensionFlagSize;

    /// <summary>Bytes before the first voxel of a NIfTI-2 file: the 540-byte header plus the 4-byte extension flag.</summary>
    public const int Nifti2DataOffset = V2.HeaderSize + NiftiHeaderLayout.ExtensionFlagSize;

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
    /// The bytes before the voxels of a single file: the header (348 bytes for NIfTI-1, 540 for NIfTI-2)
    /// and an empty 4-byte extension flag, little-endian.
    /// </summary>
    public static byte[] EncodeHeader(int nx, int ny, int nz, int volumeCount, Affine affine, NiftiWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(affine);
        options ??= new NiftiWriteOptions();
        int code = options.XFormCode;
        if (code is < 0 or > 4) throw new ArgumentOutOfRangeException(nameof(options), "XFormCode must be 0 to 4.");
        bool fourD = volumeCount > 1;
        long[] dim = [fourD ? 4 : 3, nx, ny, nz, fourD ? volumeCount : 1, 1, 1, 1];
        var q = QForm.FromAffine(affine);
        double[] pixdim = [q.QFac, q.Dx, q.Dy, q.Dz, options.RepetitionTimeSeconds > 0 ? options.RepetitionTimeSeconds : 0, 1, 1, 1];
        byte units = (byte)((int)NiftiSpatialUnits.Millimeter | (int)NiftiTimeUnits.Second);
        var descrip = new byte[80];
        if (!string.IsNullOrEmpty(options.Description))
        {
            var d = Encoding.ASCII.GetBytes(options.Description);
            d.AsSpan(0, Math.Min(d.Length, 79)).CopyTo(descrip);
        }
        short datatype = (short)options.DataType;
        short bitpix = (short)(NiftiDataTypes.BytesPerVoxel(options.DataType) * 8);

        if (options.Version == NiftiVersion.Nifti2)
        {
            var h2 = new byte[Nifti2DataOffset];
            void I32(int o, int v) => BinaryPrimitives.WriteInt32LittleEndian(h2.AsSpan(o), v);
            void I64(int o, long v) => BinaryPrimitives.WriteInt64LittleEndian(h2.AsSpan(o), v);
            void F64(int o, double v) => BinaryPrimitives.WriteDoubleLittleEndian(h2.AsSpan(o), v);
            const int f2 = V2.FieldSize;
            I32(V2.SizeofHdr, V2.HeaderSize);
            "n+2\0\r\n\u001a\n"u8.CopyTo(h2.AsSpan(V2.Magic));
            BinaryPrimitives.WriteInt16LittleEndian(h2.AsSpan(V2.Datatype), datatype);
            BinaryPrimitives.WriteInt16LittleEndian(h2.AsSpan(V2.Bitpix), bitpix);
            for (int i = 0; i < 8; i++) { I64(V2.Dim + 8 * i, dim[i]); F64(V2.PixDim + f2 * i, pixdim[i]); }
            I64(V2.VoxOffset, Nifti2DataOffset);
            F64(V2.SclSlope, options.ScaleSlope);
            F64(V2.SclInter, options.ScaleIntercept);
            descrip.CopyTo(h2.AsSpan(V2.Descrip));
            I32(V2.QformCode, code);
            I32(V2.SformCode, code);
            F64(V2.QuaternB, q.B); F64(V2.QuaternB + f2, q.C); F64(V2.QuaternB + 2 * f2, q.D);
            F64(V2.QoffsetX, affine[0, 3]); F64(V2.QoffsetX + f2, affine[1, 3]); F64(V2.QoffsetX + 2 * f2, affine[2, 3]);
            for (int r = 0; r < 3; r++)
                for (int c = 0; c < 4; c++)
                    F64(V2.SrowX + 4 * f2 * r + f2 * c, affine[r, c]);
            I32(V2.XyztUnits, units);
            return h2;
        }

        var h = new byte[Nifti1DataOffset];
        void I16(int o, long v) => BinaryPrimitives.WriteInt16LittleEndian(h.AsSpan(o), checked((short)v));
        void F32(int o, double v) => BinaryPrimitives.WriteSingleLittleEndian(h.AsSpan(o), (float)v);
        if (nx > short.MaxValue || ny > short.MaxValue || nz > short.MaxValue || volumeCount > short.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(volumeCount), "NIfTI-1 dims are at most 32767: write NIfTI-2 (options.Version).");
        const int f1 = V1.FieldSize;
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(V1.SizeofHdr), V1.HeaderSize);
        for (int i = 0; i < 8; i++) { I16(V1.Dim + 2 * i, dim[i]); F32(V1.PixDim + f1 * i, pixdim[i]); }
        I16(V1.Datatype, datatype);
        I16(V1.Bitpix, bitpix);
        F32(V1.VoxOffset, Nifti1DataOffset);
        F32(V1.SclSlope, options.ScaleSlope);
        F32(V1.SclInter, options.ScaleIntercept);
        h[V1.XyztUnits] = units;
        descrip.CopyTo(h.AsSpan(V1.Descrip));
        I16(V1.QformCode, code);
        I16(V1.SformCode, code);
        F32(V1.QuaternB, q.B); F32(V1.QuaternB + f1, q.C); F32(V1.QuaternB + 2 * f1, q.D);
        F32(V1.QoffsetX, affine[0, 3]); F32(V1.QoffsetX + f1, affine[1, 3]); F32(V1.QoffsetX + 2 * f1, affine[2, 3]);
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++)
                F32(V1.SrowX + 4 * f1 * r + f1 * c, affine[r, c]);
        "n+1\0"u8.CopyTo(h.AsSpan(V1.Magic));
        return h;
    }
}
