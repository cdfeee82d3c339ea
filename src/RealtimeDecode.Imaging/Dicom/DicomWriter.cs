using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;

namespace RealtimeDecode.Imaging.Dicom;

/// <summary>
/// Writes a <see cref="Volume"/> as a Siemens MOSAIC: one DICOM Part 10 file, explicit VR little
/// endian, MR Image Storage, ImageType ORIGINAL\PRIMARY\M\ND\MOSAIC, the slices tiled row by row in a
/// ⌈√nz⌉ × ⌈√nz⌉ grid (unused tiles zero), NumberOfImagesInMosaic in (0019,100A) under
/// "SIEMENS MR HEADER" and in the CSA image header (0029,1010) under "SIEMENS CSA HEADER" (SV10
/// format, with SliceNormalVector and AcquisitionMatrixText), as <see cref="DicomReader"/> and dcm2niix read it.
/// <para>Geometry is the inverse of <see cref="DicomReader"/>'s (dcm2niix's) mosaic layout: volume x
/// is the DICOM column, y the tile row reversed, z the tile order. From the RAS affine A (LPS = RAS with
/// x, y negated): row cosine and column spacing from L(A₀), column cosine and row spacing from −L(A₁),
/// slice step L(A₂) (SliceThickness = SpacingBetweenSlices = its length; SliceNormalVector = row × column
/// when the step points along it, its negation otherwise), ImagePositionPatient = the mosaic's top-left
/// pixel. The slice axis must be perpendicular to the in-plane axes (cosine below
/// <see cref="MaxObliquity"/>): DICOM cannot store shear. Decimal strings carry up to 16 characters,
/// so positions keep ~1e-12 mm. A single slice (nz = 1) is read back with its slice axis along row ×
/// column whatever A₂'s sign.</para>
/// <para>Voxels are stored as signed int16 (BitsStored 16) with RescaleSlope/RescaleIntercept:
/// when every finite value is an integer spanning at most 65535, slope 1 and an integer intercept (0 when
/// the values fit int16) so the values come back exactly; otherwise intercept = (min + max)/2 and
/// slope = (max − min)/65534 as written in the file, stored = round((value − intercept)/slope), an error
/// of at most slope/2. Non-finite voxels are stored as the value nearest 0.</para>
/// </summary>
public static class DicomWriter
{
    /// <summary>MR Image Storage SOP class.</summary>
    public const string MrImageStorage = "1.2.840.10008.5.1.4.1.1.4";

    /// <summary>Largest |cosine| allowed between the slice axis and an in-plane axis, or between the in-plane axes.</summary>
    public const double MaxObliquity = 1e-3;

    private const string ImplementationClassUid = "2.25.146470932547826063094738049612302840713";
    private const string ImplementationVersion = "RTDECODE_1";

    /// <summary>Writes <paramref name="volume"/> to <paramref name="path"/> as a mosaic (the folder must exist).</summary>
    public static void WriteMosaic(string path, Volume volume, DicomWriteOptions? options = null) =>
        File.WriteAllBytes(path, EncodeMosaic(volume, options));

    /// <summary>The bytes of a mosaic file holding <paramref name="volume"/>.</summary>
    /// <exception cref="ArgumentException">The affine has shear or a zero axis (see <see cref="CanRepresent"/>).</exception>
    public static byte[] EncodeMosaic(Volume volume, DicomWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(volume);
        options ??= new DicomWriteOptions();
        if (!CanRepresent(volume.Affine, out var why)) throw new ArgumentException($"The volume's affine {volume.Affine} {why}.", nameof(volume));

        int nx = volume.Nx, ny = volume.Ny, nz = volume.Nz;
        int across = (int)Math.Ceiling(Math.Sqrt(nz));
        while (across * across < nz) across++;
        int columns = nx * across, rows = ny * across;
        if (columns > ushort.MaxValue || rows > ushort.MaxValue)
            throw new ArgumentException($"A {volume.Shape} volume makes a {columns}×{rows} mosaic, larger than DICOM's 65535.", nameof(volume));

        var g = Geometry.From(volume.Affine);
        // ImagePositionPatient: the mosaic's top-left pixel, i.e. the first tile's minus half the mosaic
        // less one tile (what DicomReader and dcm2niix undo).
        var first = new double[3];
        var ipp = new double[3];
        double shiftCols = (columns - nx) / 2.0, shiftRows = (rows - ny) / 2.0;
        for (int a = 0; a < 3; a++)
        {
            first[a] = g.Translation[a] - g.Col[a] * g.RowSpacing * (ny - 1);
            ipp[a] = first[a] - g.Row[a] * g.ColSpacing * shiftCols - g.Col[a] * g.RowSpacing * shiftRows;
        }
        double[] sliceNormal = [g.Normal[0] * g.StepSign, g.Normal[1] * g.StepSign, g.Normal[2] * g.StepSign];

        var (slope, intercept, slopeText, interceptText) = ChooseScaling(volume.Data);
        var pixels = new byte[(long)columns * rows * 2];
        var span = pixels.AsSpan();
        for (int k = 0; k < nz; k++)
        {
            int tileRow = k / across, tileCol = k % across;
            for (int j = 0; j < ny; j++)
            {
                int dicomRow = tileRow * ny + (ny - 1 - j);
                int src = (k * ny + j) * nx;
                int dst = (dicomRow * columns + tileCol * nx) * 2;
                for (int i = 0; i < nx; i++)
                    System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(span[(dst + 2 * i)..], Store(volume.Data[src + i], slope, intercept));
            }
        }

        string seriesUid = options.SeriesInstanceUid ?? NewUid();
        string studyUid = options.StudyInstanceUid ?? (seriesUid.Length + 2 <= 64 ? seriesUid + ".1" : NewUid());
        string instanceSuffix = "." + options.InstanceNumber.ToString(CultureInfo.InvariantCulture);
        string sopUid = options.SopInstanceUid ?? (seriesUid.Length + instanceSuffix.Length <= 64 && options.InstanceNumber >= 0 ? seriesUid + instanceSuffix : NewUid());
        foreach (var (uid, name) in new[] { (seriesUid, "SeriesInstanceUid"), (studyUid, "StudyInstanceUid"), (sopUid, "SopInstanceUid") })
            if (!IsValidUid(uid)) throw new ArgumentException($"{name} '{uid}' is not a DICOM UID (digits and dots, at most 64 characters).", nameof(options));

        var w = new DicomElementWriter();
        w.Add(new DicomTag(0x0002, 0x0001), "OB", [0, 1]);
        w.String(new DicomTag(0x0002, 0x0002), "UI", MrImageStorage);
        w.String(new DicomTag(0x0002, 0x0003), "UI", sopUid);
        w.String(DicomTags.TransferSyntaxUid, "UI", DicomFile.ExplicitVRLittleEndian);
        w.String(new DicomTag(0x0002, 0x0012), "UI", ImplementationClassUid);
        w.String(new DicomTag(0x0002, 0x0013), "SH", ImplementationVersion);

        w.String(new DicomTag(0x0008, 0x0005), "CS", "ISO_IR 100");
        w.Strings(DicomTags.ImageType, "CS", "ORIGINAL", "PRIMARY", "M", "ND", "MOSAIC");
        w.String(DicomTags.SopClassUid, "UI", MrImageStorage);
        w.String(DicomTags.SopInstanceUid, "UI", sopUid);
        if (options.AcquisitionDateTime is { } at)
        {
            string date = at.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            string time = at.ToString("HHmmss.ffffff", CultureInfo.InvariantCulture);
            w.String(new DicomTag(0x0008, 0x0020), "DA", date);
            w.String(new DicomTag(0x0008, 0x0021), "DA", date);
            w.String(DicomTags.AcquisitionDate, "DA", date);
            w.String(new DicomTag(0x0008, 0x0023), "DA", date);
            w.String(DicomTags.AcquisitionTime, "TM", time);
            w.String(new DicomTag(0x0008, 0x0033), "TM", time);
        }
        w.String(DicomTags.Modality, "CS", "MR");
        w.String(DicomTags.Manufacturer, "LO", "SIEMENS");
        w.String(DicomTags.SeriesDescription, "LO", options.SeriesDescription);
        w.String(new DicomTag(0x0010, 0x0010), "PN", options.PatientId);
        w.String(new DicomTag(0x0010, 0x0020), "LO", options.PatientId);
        w.String(new DicomTag(0x0018, 0x0020), "CS", "EP");
        w.String(new DicomTag(0x0018, 0x0023), "CS", "2D");
        w.Decimals(DicomTags.SliceThickness, g.StepLength);
        if (options.RepetitionTimeSeconds > 0) w.Decimals(DicomTags.RepetitionTime, options.RepetitionTimeSeconds * 1000);
        w.Decimals(DicomTags.SpacingBetweenSlices, g.StepLength);
        w.String(new DicomTag(0x0018, 0x1030), "LO", options.SeriesDescription);
        w.String(new DicomTag(0x0019, 0x0010), "LO", "SIEMENS MR HEADER");
        w.UInt16(new DicomTag(0x0019, 0x100A), checked((ushort)nz));
        w.String(new DicomTag(0x0020, 0x000D), "UI", studyUid);
        w.String(DicomTags.SeriesInstanceUid, "UI", seriesUid);
        w.Integer(DicomTags.SeriesNumber, options.SeriesNumber);
        w.Integer(DicomTags.AcquisitionNumber, options.AcquisitionNumber ?? options.InstanceNumber);
        w.Integer(DicomTags.InstanceNumber, options.InstanceNumber);
        w.Decimals(DicomTags.ImagePositionPatient, ipp);
        w.Decimals(DicomTags.ImageOrientationPatient, [.. g.Row, .. g.Col]);
        w.String(new DicomTag(0x0020, 0x0052), "UI", studyUid.Length + 2 <= 64 ? studyUid + ".2" : studyUid);
        w.UInt16(DicomTags.SamplesPerPixel, 1);
        w.String(new DicomTag(0x0028, 0x0004), "CS", "MONOCHROME2");
        w.UInt16(DicomTags.Rows, (ushort)rows);
        w.UInt16(DicomTags.Columns, (ushort)columns);
        w.Decimals(DicomTags.PixelSpacing, g.RowSpacing, g.ColSpacing);
        w.UInt16(DicomTags.BitsAllocated, 16);
        w.UInt16(DicomTags.BitsStored, 16);
        w.UInt16(new DicomTag(0x0028, 0x0102), 15);
        w.UInt16(DicomTags.PixelRepresentation, 1);
        w.String(DicomTags.RescaleIntercept, "DS", interceptText);
        w.String(DicomTags.RescaleSlope, "DS", slopeText);
        w.String(new DicomTag(0x0028, 0x1054), "LO", "US");
        w.String(new DicomTag(0x0029, 0x0010), "LO", "SIEMENS CSA HEADER");
        w.Add(new DicomTag(0x0029, 0x1010), "OB", CsaHeaderWriter.Encode(
        [
            ("NumberOfImagesInMosaic", "US", [nz.ToString(CultureInfo.InvariantCulture)]),
            ("SliceNormalVector", "FD", sliceNormal.Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray()),
            ("ImaCoilString", "LO", ["HEA"]),
            // nibabel's mosaic test wants it present; rows × columns of one tile
            ("AcquisitionMatrixText", "SH", [string.Create(CultureInfo.InvariantCulture, $"{ny}*{nx}")]),
        ]));
        w.Add(DicomTags.PixelData, "OW", pixels);
        return w.ToArray();
    }

    /// <summary>
    /// True when a mosaic can carry <paramref name="affine"/>: non-zero, finite axes, in-plane axes
    /// orthogonal and the slice axis perpendicular to both (within <see cref="MaxObliquity"/>);
    /// otherwise <paramref name="reason"/> says why.
    /// </summary>
    public static bool CanRepresent(Affine affine, out string reason)
    {
        ArgumentNullException.ThrowIfNull(affine);
        reason = "";
        foreach (var v in affine.Values)
            if (!double.IsFinite(v)) { reason = "has non-finite values"; return false; }
        var a = Axis(affine, 0); var b = Axis(affine, 1); var c = Axis(affine, 2);
        double la = Norm(a), lb = Norm(b), lc = Norm(c);
        if (la < 1e-9 || lb < 1e-9 || lc < 1e-9) { reason = "has a zero-length voxel axis"; return false; }
        double ab = Math.Abs(DicomGeometry.Dot(a, b)) / (la * lb);
        double ac = Math.Abs(DicomGeometry.Dot(a, c)) / (la * lc);
        double bc = Math.Abs(DicomGeometry.Dot(b, c)) / (lb * lc);
        double worst = Math.Max(ab, Math.Max(ac, bc));
        if (worst > MaxObliquity)
        {
            reason = $"has sheared voxel axes (cosine {worst.ToString("G3", CultureInfo.InvariantCulture)} between two axes): DICOM slices cannot store shear";
            return false;
        }
        return true;
    }

    /// <summary>A new UUID-derived UID: "2.25." and the decimal value of 128 random bits (ITU-T X.667).</summary>
    public static string NewUid() => UidFromBytes(RandomNumberGenerator.GetBytes(16));

    /// <summary>A UUID-derived UID from 16 bytes (e.g. a seeded random source, for reproducible files).</summary>
    public static string UidFromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 16) throw new ArgumentOutOfRangeException(nameof(bytes), $"A UUID has 16 bytes, got {bytes.Length}.");
        var n = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        return "2.25." + n.ToString(CultureInfo.InvariantCulture);
    }

    private static bool IsValidUid(string uid) =>
        uid.Length is > 0 and <= 64 && uid.All(ch => ch == '.' || char.IsAsciiDigit(ch)) && !uid.StartsWith('.') && !uid.EndsWith('.') && !uid.Contains("..", StringComparison.Ordinal);

    private static short Store(float value, double slope, double intercept)
    {
        double s = double.IsFinite(value) ? Math.Round((value - intercept) / slope, MidpointRounding.ToEven) : Math.Round(-intercept / slope);
        return (short)Math.Clamp(s, short.MinValue, short.MaxValue);
    }

    /// <summary>Slope and intercept as written (the parsed text, so storing and reading use the same numbers).</summary>
    internal static (double Slope, double Intercept, string SlopeText, string InterceptText) ChooseScaling(ReadOnlySpan<float> data)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        bool integers = true;
        foreach (var f in data)
        {
            if (!float.IsFinite(f)) continue;
            min = Math.Min(min, f);
            max = Math.Max(max, f);
            integers &= f == MathF.Round(f);
        }
        if (double.IsPositiveInfinity(min)) return (1, 0, "1", "0");
        if (integers && max - min <= ushort.MaxValue)
        {
            double inter = min >= short.MinValue && max <= short.MaxValue ? 0 : min - short.MinValue;
            return (1, inter, "1", DicomElementWriter.FormatDecimal(inter));
        }
        string interText = DicomElementWriter.FormatDecimal((min + max) / 2);
        double intercept = Parse(interText);
        // slope from the written intercept, so both ends of the range fit ±32767
        double half = Math.Max(max - intercept, intercept - min);
        string slopeText = DicomElementWriter.FormatDecimal(half > 0 ? half / 32767 * (1 + 1e-12) : 1);
        return (Parse(slopeText), intercept, slopeText, interText);
    }

    private static double Parse(string ds) => double.Parse(ds, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static double[] Axis(Affine m, int col) => [m[0, col], m[1, col], m[2, col]];

    private static double Norm(double[] v) => Math.Sqrt(DicomGeometry.Dot(v, v));

    /// <summary>DICOM (LPS) geometry of a RAS affine, the inverse of <see cref="DicomGeometry.Build"/>.</summary>
    private sealed record Geometry(double[] Row, double[] Col, double[] Normal, double ColSpacing, double RowSpacing, double StepLength, double StepSign, double[] Translation)
    {
        public static Geometry From(Affine m)
        {
            static double[] Lps(double[] v) => [-v[0], -v[1], v[2]];
            var rowVec = Lps(Axis(m, 0));
            var colVec = DicomGeometry.Scale(Lps(Axis(m, 1)), -1);
            var step = Lps(Axis(m, 2));
            double colSp = Norm(rowVec), rowSp = Norm(colVec), dz = Norm(step);
            var row = DicomGeometry.Scale(rowVec, 1 / colSp);
            var col = DicomGeometry.Scale(colVec, 1 / rowSp);
            var normal = DicomGeometry.Cross(row, col);
            double sign = DicomGeometry.Dot(normal, step) >= 0 ? 1 : -1;
            return new Geometry(row, col, normal, colSp, rowSp, dz, sign, Lps([m[0, 3], m[1, 3], m[2, 3]]));
        }
    }
}
