using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using V1 = RealtimeDecode.Imaging.Nifti.NiftiHeaderLayout.V1;
using V2 = RealtimeDecode.Imaging.Nifti.NiftiHeaderLayout.V2;

namespace RealtimeDecode.Imaging.Nifti;

/// <summary>NIfTI format version, told apart by <c>sizeof_hdr</c> (348 or 540).</summary>
public enum NiftiVersion
{
    /// <summary>NIfTI-1: a 348-byte header, 16-bit dims, float32 fields.</summary>
    Nifti1 = 1,
    /// <summary>NIfTI-2: a 540-byte header, 64-bit dims, float64 fields.</summary>
    Nifti2 = 2,
}

/// <summary>Units of the spatial axes (low 3 bits of <c>xyzt_units</c>).</summary>
public enum NiftiSpatialUnits
{
    /// <summary>Not stated (0).</summary>
    Unknown = 0,
    /// <summary>Metres (1).</summary>
    Meter = 1,
    /// <summary>Millimetres (2).</summary>
    Millimeter = 2,
    /// <summary>Micrometres (3).</summary>
    Micron = 3,
}

/// <summary>Units of the fourth axis (bits 3–5 of <c>xyzt_units</c>).</summary>
public enum NiftiTimeUnits
{
    /// <summary>Not stated (0).</summary>
    Unknown = 0,
    /// <summary>Seconds (8).</summary>
    Second = 8,
    /// <summary>Milliseconds (16).</summary>
    Millisecond = 16,
    /// <summary>Microseconds (24).</summary>
    Microsecond = 24,
    /// <summary>Hertz (32).</summary>
    Hertz = 32,
    /// <summary>Parts per million (40).</summary>
    Ppm = 40,
    /// <summary>Radians per second (48).</summary>
    RadiansPerSecond = 48,
}

/// <summary>
/// A parsed NIfTI-1 or NIfTI-2 header. Values are as stored except where noted; the derived
/// <see cref="Affine"/> follows nibabel's <c>get_best_affine</c>: the sform when
/// <c>sform_code</c> &gt; 0, else the qform (quaternion, offsets, pixdim and qfac) when
/// <c>qform_code</c> &gt; 0, else a pixdim scaling centred on the grid with x flipped
/// (nibabel's Analyze fallback). As in nibabel, zero spatial pixdims count as 1, negative ones
/// by their absolute value, and a qfac other than −1 counts as 1.
/// </summary>
public sealed class NiftiHeader
{
    /// <summary>Most bytes one volume may take in the file: 1 GiB (e.g. 2^28 float32 voxels). Larger headers are refused.</summary>
    public const long MaxBytesPerVolume = 1L << 30;

    /// <summary>Most bytes a file may declare, vox_offset + volumes × bytes per volume: 1 TiB. Larger headers are refused.</summary>
    public const long MaxDataBytes = 1L << 40;

    private readonly long[] _dim;
    private readonly double[] _pixDim;
    private readonly double[] _srow;
    private readonly byte[] _raw;

    private NiftiHeader(NiftiVersion version, bool bigEndian, string magic, NiftiDataType dataType, short bitPix,
        long[] dim, double[] pixDim, long voxOffsetStored, double sclSlope, double sclInter, int qformCode, int sformCode,
        double qb, double qc, double qd, double qx, double qy, double qz, double[] srow, int xyztUnits,
        int intentCode, string intentName, string description, byte[] raw)
    {
        Version = version;
        IsBigEndian = bigEndian;
        Magic = magic;
        DataType = dataType;
        BitPix = bitPix;
        _dim = dim;
        _pixDim = pixDim;
        VoxOffset = voxOffsetStored;
        SclSlope = sclSlope;
        SclInter = sclInter;
        QFormCode = qformCode;
        SFormCode = sformCode;
        QuaternB = qb; QuaternC = qc; QuaternD = qd;
        QOffsetX = qx; QOffsetY = qy; QOffsetZ = qz;
        _srow = srow;
        XyztUnits = xyztUnits;
        IntentCode = intentCode;
        IntentName = intentName;
        Description = description;
        _raw = raw;

        int nd = (int)dim[0];
        Nx = (int)dim[1];
        Ny = nd >= 2 ? (int)dim[2] : 1;
        Nz = nd >= 3 ? (int)dim[3] : 1;
        VolumeCount = nd >= 4 ? (int)dim[4] : 1;
        VoxelsPerVolume = (long)Nx * Ny * Nz;
        BytesPerVoxel = NiftiDataTypes.BytesPerVoxel(dataType);
        BytesPerVolume = VoxelsPerVolume * BytesPerVoxel;
        HasScaling = sclSlope != 0 && double.IsFinite(sclSlope) && !(sclSlope == 1 && sclInter == 0);
        QForm = qformCode > 0 ? ComputeQForm() : null;
        SForm = sformCode > 0 ? ComputeSForm() : null;
        Affine = SForm ?? QForm ?? ComputeBaseAffine();
    }

    /// <summary>NIfTI-1 or NIfTI-2.</summary>
    public NiftiVersion Version { get; }

    /// <summary>True when the file is big-endian (detected from <c>sizeof_hdr</c>).</summary>
    public bool IsBigEndian { get; }

    /// <summary>Header size in bytes: 348 (NIfTI-1) or 540 (NIfTI-2).</summary>
    public int HeaderSize => SizeOf(Version);

    /// <summary>The magic string without its NUL terminator: "n+1", "ni1", "n+2" or "ni2".</summary>
    public string Magic { get; }

    /// <summary>True when the magic says the data are in a separate .img file ("ni1"/"ni2").</summary>
    public bool IsPair => Magic[1] == 'i';

    /// <summary>Voxel datatype.</summary>
    public NiftiDataType DataType { get; }

    /// <summary>The stored <c>bitpix</c> (not used for reading; the datatype decides).</summary>
    public short BitPix { get; }

    /// <summary>Bytes per voxel of <see cref="DataType"/>.</summary>
    public int BytesPerVoxel { get; }

    /// <summary>The eight <c>dim</c> values; dim[0] is the number of dimensions.</summary>
    public ReadOnlySpan<long> Dim => _dim;

    /// <summary>Number of dimensions (<c>dim[0]</c>, 1–7).</summary>
    public int DimensionCount => (int)_dim[0];

    /// <summary>Voxels along x (fastest axis).</summary>
    public int Nx { get; }

    /// <summary>Voxels along y (1 when dim[0] &lt; 2).</summary>
    public int Ny { get; }

    /// <summary>Voxels along z (1 when dim[0] &lt; 3).</summary>
    public int Nz { get; }

    /// <summary>Number of 3D volumes: dim[4] when dim[0] ≥ 4, else 1.</summary>
    public int VolumeCount { get; }

    /// <summary>Voxels in one volume, nx·ny·nz.</summary>
    public long VoxelsPerVolume { get; }

    /// <summary>Bytes of one volume in the file.</summary>
    public long BytesPerVolume { get; }

    /// <summary>The eight stored <c>pixdim</c> values; pixdim[0] is qfac, pixdim[1..3] voxel sizes, pixdim[4] the time step in <see cref="TimeUnits"/>.</summary>
    public ReadOnlySpan<double> PixDim => _pixDim;

    /// <summary>Voxel size along x, y, z in <see cref="SpatialUnits"/> (zero counts as 1, negative by absolute value).</summary>
    public (double X, double Y, double Z) VoxelSize => (SpatialPixDim(1), SpatialPixDim(2), SpatialPixDim(3));

    /// <summary>The stored <c>vox_offset</c>.</summary>
    public long VoxOffset { get; }

    /// <summary>
    /// Byte offset of the first voxel in the data file: <c>vox_offset</c>, raised to the header size plus
    /// the 4-byte extension flag (352 or 544) when a single-file header stores less (as nibabel does).
    /// </summary>
    public long DataOffset => IsPair ? VoxOffset : Math.Max(VoxOffset, HeaderSize + 4);

    /// <summary>
    /// Bytes an uncompressed single file needs to hold every volume: <see cref="DataOffset"/> +
    /// volumes × <see cref="BytesPerVolume"/> (for a pair, the size of the .img file). A folder watcher
    /// can compare a growing .nii file's length with it to know when the file is complete.
    /// </summary>
    public long ExpectedFileSize => DataOffset + VolumeCount * BytesPerVolume;

    /// <summary>The stored <c>scl_slope</c>.</summary>
    public double SclSlope { get; }

    /// <summary>The stored <c>scl_inter</c>.</summary>
    public double SclInter { get; }

    /// <summary>True when values are scaled: slope finite, non-zero, and (slope, inter) ≠ (1, 0).</summary>
    public bool HasScaling { get; }

    /// <summary><c>qform_code</c> (0 unknown, 1 scanner, 2 aligned, 3 Talairach, 4 MNI).</summary>
    public int QFormCode { get; }

    /// <summary><c>sform_code</c> (0 unknown, 1 scanner, 2 aligned, 3 Talairach, 4 MNI).</summary>
    public int SFormCode { get; }

    /// <summary>Quaternion b.</summary>
    public double QuaternB { get; }
    /// <summary>Quaternion c.</summary>
    public double QuaternC { get; }
    /// <summary>Quaternion d.</summary>
    public double QuaternD { get; }
    /// <summary>qform x offset.</summary>
    public double QOffsetX { get; }
    /// <summary>qform y offset.</summary>
    public double QOffsetY { get; }
    /// <summary>qform z offset.</summary>
    public double QOffsetZ { get; }

    /// <summary>The qform as an affine, or null when <c>qform_code</c> is 0.</summary>
    public Affine? QForm { get; }

    /// <summary>The sform (srow_x, srow_y, srow_z), or null when <c>sform_code</c> is 0.</summary>
    public Affine? SForm { get; }

    /// <summary>The voxel-to-world affine nibabel's <c>get_best_affine</c> gives (see the class remarks).</summary>
    public Affine Affine { get; }

    /// <summary>The stored <c>xyzt_units</c> byte.</summary>
    public int XyztUnits { get; }

    /// <summary>Spatial units.</summary>
    public NiftiSpatialUnits SpatialUnits => (NiftiSpatialUnits)(XyztUnits & 0x07);

    /// <summary>Units of pixdim[4].</summary>
    public NiftiTimeUnits TimeUnits => (NiftiTimeUnits)(XyztUnits & 0x38);

    /// <summary>
    /// Time between volumes in seconds: pixdim[4] converted from ms or µs when the units say so,
    /// taken as seconds when the units are unstated; 0 when pixdim[4] is not a positive finite
    /// time (e.g. Hz units or an unset field).
    /// </summary>
    public double RepetitionTimeSeconds
    {
        get
        {
            double p = _pixDim[4];
            if (!(p > 0) || !double.IsFinite(p)) return 0;
            return TimeUnits switch
            {
                NiftiTimeUnits.Unknown or NiftiTimeUnits.Second => p,
                NiftiTimeUnits.Millisecond => p / 1e3,
                NiftiTimeUnits.Microsecond => p / 1e6,
                _ => 0,
            };
        }
    }

    /// <summary>
    /// The TR the file states (s): <see cref="RepetitionTimeSeconds"/> of a 4D file, or of a 3D file whose xyzt_units give
    /// time units; 0 otherwise (tools fill a 3D file's pixdim[4] with 1 without meaning a time).
    /// </summary>
    public double StatedRepetitionTimeSeconds =>
        DimensionCount >= 4 || TimeUnits is not NiftiTimeUnits.Unknown ? RepetitionTimeSeconds : 0;

    /// <summary>The stored <c>intent_code</c>.</summary>
    public int IntentCode { get; }

    /// <summary>The stored <c>intent_name</c>.</summary>
    public string IntentName { get; }

    /// <summary>The stored <c>descrip</c>.</summary>
    public string Description { get; }

    /// <summary>The header bytes exactly as in the file (348 or 540 bytes, file byte order).</summary>
    public ReadOnlySpan<byte> RawBytes => _raw;

    /// <summary>Grid as "nx×ny×nz" or "nx×ny×nz×nt" for 4D files, for messages.</summary>
    public string Shape => DimensionCount >= 4 ? $"{Nx}×{Ny}×{Nz}×{VolumeCount}" : $"{Nx}×{Ny}×{Nz}";

    private double SpatialPixDim(int i)
    {
        double v = _pixDim[i];
        return v == 0 ? 1 : Math.Abs(v);
    }

    private Affine ComputeSForm()
    {
        Span<double> m = stackalloc double[16];
        _srow.AsSpan().CopyTo(m);
        m[15] = 1;
        return new Affine(m);
    }

    private Affine ComputeQForm()
    {
        // nibabel: fillpositive(b, c, d) then quat2mat, R · diag(dx, dy, qfac·dz), offsets in the last column.
        double b = QuaternB, c = QuaternC, d = QuaternD;
        double w2 = 1.0 - (b * b + c * c + d * d);
        double a = w2 > 0 ? Math.Sqrt(w2) : 0;
        double nq = a * a + b * b + c * c + d * d;
        Span<double> r = stackalloc double[9];
        if (nq < 2.220446049250313e-16)
        {
            r[0] = r[4] = r[8] = 1;
        }
        else
        {
            double s = 2.0 / nq;
            double x = b * s, y = c * s, z = d * s;
            double wx = a * x, wy = a * y, wz = a * z;
            double xx = b * x, xy = b * y, xz = b * z;
            double yy = c * y, yz = c * z, zz = d * z;
            r[0] = 1.0 - (yy + zz); r[1] = xy - wz; r[2] = xz + wy;
            r[3] = xy + wz; r[4] = 1.0 - (xx + zz); r[5] = yz - wx;
            r[6] = xz - wy; r[7] = yz + wx; r[8] = 1.0 - (xx + yy);
        }
        double qfac = _pixDim[0] == -1 ? -1 : 1;
        double dx = SpatialPixDim(1), dy = SpatialPixDim(2), dz = SpatialPixDim(3) * qfac;
        return new Affine([
            r[0] * dx, r[1] * dy, r[2] * dz, QOffsetX,
            r[3] * dx, r[4] * dy, r[5] * dz, QOffsetY,
            r[6] * dx, r[7] * dy, r[8] * dz, QOffsetZ,
            0, 0, 0, 1]);
    }

    private Affine ComputeBaseAffine()
    {
        // nibabel's shape_zoom_affine(dim[1:ndim+1], pixdim[1:ndim+1], x_flip=True).
        int nd = DimensionCount;
        Span<double> shape = stackalloc double[3];
        Span<double> zoom = stackalloc double[3];
        for (int i = 0; i < 3; i++)
        {
            shape[i] = i < nd ? _dim[i + 1] : 1;
            zoom[i] = i < nd ? SpatialPixDim(i + 1) : 1;
        }
        zoom[0] = -zoom[0];
        return new Affine([
            zoom[0], 0, 0, -((shape[0] - 1) / 2.0) * zoom[0],
            0, zoom[1], 0, -((shape[1] - 1) / 2.0) * zoom[1],
            0, 0, zoom[2], -((shape[2] - 1) / 2.0) * zoom[2],
            0, 0, 0, 1]);
    }

    /// <summary>Byte offset of NIfTI-1's 4-byte magic (<c>n+1\0</c> or <c>ni1\0</c>).</summary>
    public const int Nifti1MagicOffset = V1.Magic;

    /// <summary>The largest header, NIfTI-2's 540 bytes: a buffer this long holds either version's header.</summary>
    public const int MaxHeaderSize = V2.HeaderSize;

    /// <summary>Header size in bytes of a version: 348 (NIfTI-1) or 540 (NIfTI-2).</summary>
    public static int SizeOf(NiftiVersion version) => version == NiftiVersion.Nifti1 ? V1.HeaderSize : V2.HeaderSize;

    /// <summary>
    /// Reads <c>sizeof_hdr</c> from the first four bytes and tells the version and byte order.
    /// </summary>
    /// <exception cref="InputDataException">Neither byte order gives 348 or 540.</exception>
    public static NiftiVersion DetectVersion(ReadOnlySpan<byte> first4, string path, out bool bigEndian)
    {
        int le = BinaryPrimitives.ReadInt32LittleEndian(first4);
        int be = BinaryPrimitives.ReadInt32BigEndian(first4);
        bigEndian = false;
        if (le == V1.HeaderSize) return NiftiVersion.Nifti1;
        if (le == V2.HeaderSize) return NiftiVersion.Nifti2;
        bigEndian = true;
        if (be == V1.HeaderSize) return NiftiVersion.Nifti1;
        if (be == V2.HeaderSize) return NiftiVersion.Nifti2;
        throw new InputDataException(path,
            $"not a NIfTI file: sizeof_hdr is {le.ToString(CultureInfo.InvariantCulture)} (expected 348 for NIfTI-1 or 540 for NIfTI-2, in either byte order)");
    }

    /// <summary>
    /// Parses a complete header (348 or 540 bytes). Throws <see cref="InputDataException"/> naming
    /// <paramref name="path"/> for a wrong magic, an unsupported datatype or impossible dims.
    /// </summary>
    public static NiftiHeader Parse(ReadOnlySpan<byte> header, string path)
    {
        if (header.Length < 4)
            throw new InputDataException(path, $"truncated file: {header.Length} bytes, shorter than a NIfTI header");
        var version = DetectVersion(header, path, out bool be);
        int size = SizeOf(version);
        if (header.Length < size)
            throw new InputDataException(path,
                $"truncated file: the NIfTI-{(int)version} header needs {size} bytes, the file has {header.Length}");
        var h = header[..size];
        return version == NiftiVersion.Nifti1 ? ParseNifti1(h, be, path) : ParseNifti2(h, be, path);
    }

    private static NiftiHeader ParseNifti1(ReadOnlySpan<byte> h, bool be, string path)
    {
        var r = new EndianReader(h, be);
        string magic = CheckMagic(h.Slice(V1.Magic, 4), 1, path);
        short dt = r.I16(V1.Datatype);
        var dim = new long[8];
        for (int i = 0; i < 8; i++) dim[i] = r.I16(V1.Dim + 2 * i);
        var pix = new double[8];
        for (int i = 0; i < 8; i++) pix[i] = r.F32(V1.PixDim + V1.FieldSize * i);
        double voxOffset = r.F32(V1.VoxOffset);
        var srow = new double[12];
        for (int i = 0; i < 12; i++) srow[i] = r.F32(V1.SrowX + V1.FieldSize * i);
        var dataType = CheckDataType(dt, path);
        if (!double.IsFinite(voxOffset) || voxOffset < 0 || voxOffset > MaxDataBytes)
            throw new InputDataException(path, $"invalid vox_offset {voxOffset.ToString(CultureInfo.InvariantCulture)}");
        CheckDims(dim, dataType, (long)voxOffset, path);
        const int f = V1.FieldSize;
        return new NiftiHeader(NiftiVersion.Nifti1, be, magic, dataType, r.I16(V1.Bitpix), dim, pix, (long)voxOffset,
            r.F32(V1.SclSlope), CheckInter(r.F32(V1.SclSlope), r.F32(V1.SclInter), path), r.I16(V1.QformCode), r.I16(V1.SformCode),
            r.F32(V1.QuaternB), r.F32(V1.QuaternB + f), r.F32(V1.QuaternB + 2 * f), r.F32(V1.QoffsetX), r.F32(V1.QoffsetX + f), r.F32(V1.QoffsetX + 2 * f), srow,
            h[V1.XyztUnits], r.I16(V1.IntentCode), Text(h.Slice(V1.IntentName, 16)), Text(h.Slice(V1.Descrip, 80)), h.ToArray());
    }

    private static NiftiHeader ParseNifti2(ReadOnlySpan<byte> h, bool be, string path)
    {
        var r = new EndianReader(h, be);
        string magic = CheckMagic(h.Slice(V2.Magic, 8), 2, path);
        short dt = r.I16(V2.Datatype);
        var dim = new long[8];
        for (int i = 0; i < 8; i++) dim[i] = r.I64(V2.Dim + 8 * i);
        var pix = new double[8];
        for (int i = 0; i < 8; i++) pix[i] = r.F64(V2.PixDim + V2.FieldSize * i);
        long voxOffset = r.I64(V2.VoxOffset);
        var srow = new double[12];
        for (int i = 0; i < 12; i++) srow[i] = r.F64(V2.SrowX + V2.FieldSize * i);
        var dataType = CheckDataType(dt, path);
        if (voxOffset < 0 || voxOffset > MaxDataBytes)
            throw new InputDataException(path, $"invalid vox_offset {voxOffset.ToString(CultureInfo.InvariantCulture)}");
        CheckDims(dim, dataType, voxOffset, path);
        const int f = V2.FieldSize;
        return new NiftiHeader(NiftiVersion.Nifti2, be, magic, dataType, r.I16(V2.Bitpix), dim, pix, voxOffset,
            r.F64(V2.SclSlope), CheckInter(r.F64(V2.SclSlope), r.F64(V2.SclInter), path), r.I32(V2.QformCode), r.I32(V2.SformCode),
            r.F64(V2.QuaternB), r.F64(V2.QuaternB + f), r.F64(V2.QuaternB + 2 * f), r.F64(V2.QoffsetX), r.F64(V2.QoffsetX + f), r.F64(V2.QoffsetX + 2 * f), srow,
            r.I32(V2.XyztUnits), r.I32(V2.IntentCode), Text(h.Slice(V2.IntentName, 16)), Text(h.Slice(V2.Descrip, 80)), h.ToArray());
    }

    private static string CheckMagic(ReadOnlySpan<byte> m, int version, string path)
    {
        char v = version == 1 ? '1' : '2';
        bool ok = m[0] == 'n' && (m[1] == '+' || m[1] == 'i') && m[2] == v && m[3] == 0;
        if (ok && version == 2 && !(m[4] == '\r' && m[5] == '\n' && m[6] == 0x1A && m[7] == '\n'))
            throw new InputDataException(path, "corrupt NIfTI-2 magic: bytes 4-8 of the signature are altered (was the file transferred in text mode?)");
        if (!ok)
        {
            string shown = Text(m[..4]);
            throw new InputDataException(path,
                $"wrong magic \"{Escape(shown)}\" for a NIfTI-{version} header (expected \"n+{v}\" or \"ni{v}\")");
        }
        return Encoding.ASCII.GetString(m[..3]);
    }

    private static string Escape(string s)
    {
        var sb = new StringBuilder();
        foreach (char ch in s) sb.Append(ch is >= ' ' and < (char)127 ? ch.ToString() : $"\\x{(int)ch:x2}");
        return sb.ToString();
    }

    private static NiftiDataType CheckDataType(short code, string path)
    {
        if (!NiftiDataTypes.IsSupported(code))
            throw new InputDataException(path,
                $"unsupported datatype {NiftiDataTypes.Describe(code)}; supported: uint8, int8, int16, uint16, int32, uint32, int64, uint64, float32, float64");
        return (NiftiDataType)code;
    }

    private static double CheckInter(double slope, double inter, string path)
    {
        if (slope != 0 && double.IsFinite(slope) && !double.IsFinite(inter))
            throw new InputDataException(path,
                $"invalid scaling: scl_slope is {slope.ToString(CultureInfo.InvariantCulture)} but scl_inter is {inter.ToString(CultureInfo.InvariantCulture)}");
        return inter;
    }

    private static void CheckDims(long[] dim, NiftiDataType type, long voxOffset, string path)
    {
        long nd = dim[0];
        if (nd is < 1 or > 7)
            throw new InputDataException(path, $"invalid dim[0] = {nd} (the number of dimensions must be 1 to 7)");
        for (int i = 1; i <= nd; i++)
            if (dim[i] < 1)
                throw new InputDataException(path, $"invalid dim[{i}] = {dim[i]} (every used dimension must be at least 1)");
        for (int i = 5; i <= nd; i++)
            if (dim[i] != 1)
                throw new InputDataException(path,
                    $"unsupported {nd}D image: dim[{i}] = {dim[i]} (only 3D volumes and 4D runs are read)");
        long nx = dim[1], ny = nd >= 2 ? dim[2] : 1, nz = nd >= 3 ? dim[3] : 1, nt = nd >= 4 ? dim[4] : 1;
        // BigInteger: NIfTI-2 dims are int64, and three near 2^63 overflow even Int128 (wrapping to a small,
        // accepted product).
        BigInteger voxels = (BigInteger)nx * ny * nz;
        string Shape() => nd >= 4 ? $"{nx}×{ny}×{nz}×{nt}" : $"{nx}×{ny}×{nz}"; // formatted only for an error
        if (voxels > Volume.MaxVoxels)
            throw new InputDataException(path, $"dims {Shape()} are {voxels.ToString(CultureInfo.InvariantCulture)} voxels per volume, more than the limit of {Volume.MaxVoxels.ToString(CultureInfo.InvariantCulture)}");
        BigInteger volumeBytes = voxels * NiftiDataTypes.BytesPerVoxel(type);
        if (volumeBytes > MaxBytesPerVolume)
            throw new InputDataException(path, $"dims {Shape()} ({NiftiDataTypes.Name(type)}) are {volumeBytes.ToString(CultureInfo.InvariantCulture)} bytes per volume, more than the limit of {MaxBytesPerVolume.ToString(CultureInfo.InvariantCulture)}");
        if (nt > int.MaxValue || volumeBytes * nt + voxOffset > MaxDataBytes)
            throw new InputDataException(path, $"dims {Shape()} ({NiftiDataTypes.Name(type)}) from vox_offset {voxOffset.ToString(CultureInfo.InvariantCulture)} declare {(volumeBytes * nt + voxOffset).ToString(CultureInfo.InvariantCulture)} bytes, more than the limit of {MaxDataBytes.ToString(CultureInfo.InvariantCulture)}");
    }

    private static string Text(ReadOnlySpan<byte> b)
    {
        int n = b.IndexOf((byte)0);
        if (n < 0) n = b.Length;
        return Encoding.Latin1.GetString(b[..n]);
    }

    private readonly ref struct EndianReader(ReadOnlySpan<byte> b, bool bigEndian)
    {
        private readonly ReadOnlySpan<byte> _b = b;
        public short I16(int o) => bigEndian ? BinaryPrimitives.ReadInt16BigEndian(_b[o..]) : BinaryPrimitives.ReadInt16LittleEndian(_b[o..]);
        public int I32(int o) => bigEndian ? BinaryPrimitives.ReadInt32BigEndian(_b[o..]) : BinaryPrimitives.ReadInt32LittleEndian(_b[o..]);
        public long I64(int o) => bigEndian ? BinaryPrimitives.ReadInt64BigEndian(_b[o..]) : BinaryPrimitives.ReadInt64LittleEndian(_b[o..]);
        public double F32(int o) => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(_b[o..]) : BinaryPrimitives.ReadSingleLittleEndian(_b[o..]);
        public double F64(int o) => bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(_b[o..]) : BinaryPrimitives.ReadDoubleLittleEndian(_b[o..]);
    }
}
