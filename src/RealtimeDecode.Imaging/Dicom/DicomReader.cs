using System.Buffers;
using System.Globalization;

namespace RealtimeDecode.Imaging.Dicom;

/// <summary>
/// DICOM images to <see cref="Volume"/>s (float32, x fastest, RAS affine in mm), with the voxel
/// order and affine dcm2niix gives: x = DICOM column, y = DICOM row reversed (bottom row first),
/// z = slice, slices ascending along the slice normal (row × column direction cosines, LPS) for
/// enhanced files and slice series; a Siemens mosaic keeps its stored slice order, reversed in the
/// affine when the CSA SliceNormalVector points against the normal (as dcm2niix does).
/// Values are the stored values × RescaleSlope + RescaleIntercept (per frame for enhanced files).
/// Supported: uncompressed implicit or explicit VR little endian, BitsAllocated 8/16/32,
/// SamplesPerPixel 1. Every problem is an <see cref="InputDataException"/> naming the file.
/// </summary>
public static class DicomReader
{
    private const double SamePosition = 0.01; // mm along the normal: frames closer than this are at the same slice

    /// <summary>
    /// Reads the one volume of a file: a Siemens mosaic, an enhanced multi-frame file with one time
    /// point, a classic multi-frame file, or a single slice (a volume with nz = 1).
    /// </summary>
    public static Volume ReadVolume(string path, int index = 0, double onsetSeconds = 0) =>
        ReadVolume(path, ArrayPool<byte>.Shared, index, onsetSeconds);

    /// <summary>
    /// <see cref="ReadVolume(string, int, double)"/> with the file's bytes read into arrays rented from
    /// <paramref name="bytes"/>, all given back before this returns: the volume's voxels are a copy.
    /// </summary>
    internal static Volume ReadVolume(string path, ArrayPool<byte> bytes, int index = 0, double onsetSeconds = 0)
    {
        using var file = DicomFile.ReadRented(path, bytes);
        return ReadVolume(DicomFile.Parse(file.Memory, path), path, index, onsetSeconds);
    }

    /// <summary>As <see cref="ReadVolume(string, int, double)"/> for a dataset already parsed (e.g. by <see cref="DicomFile.TryParse(ReadOnlyMemory{byte}, out DicomDataset?, out DicomCompleteness)"/>).</summary>
    public static Volume ReadVolume(DicomDataset dataset, string? path, int index = 0, double onsetSeconds = 0)
    {
        var volumes = ReadVolumes(dataset, path);
        if (volumes.Count != 1)
            throw new InputDataException(path, $"holds {volumes.Count} volumes (time points), not one");
        var v = volumes[0];
        return new Volume(v.Nx, v.Ny, v.Nz, v.Data, v.Affine, index, onsetSeconds)
        {
            RepetitionTimeSeconds = RepetitionTimeMs(dataset, dataset.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence).FirstOrDefault(),
                dataset.GetFirstItem(DicomTags.SharedFunctionalGroupsSequence)) is > 0 and double ms ? ms / 1000 : 0,
        };
    }

    /// <summary>
    /// All volumes of a file: one per temporal position for an enhanced multi-frame file (frames
    /// grouped by TemporalPositionIndex, or by repeated slice positions when absent), otherwise one.
    /// Volume i gets index i and onset i × RepetitionTime.
    /// </summary>
    public static IReadOnlyList<Volume> ReadVolumes(string path) => ReadVolumes(DicomFile.Read(path), path);

    /// <summary>As <see cref="ReadVolumes(string)"/> for a parsed dataset.</summary>
    public static IReadOnlyList<Volume> ReadVolumes(DicomDataset dataset, string? path)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var kind = KindOf(dataset, path, out int mosaicImages);
        return kind switch
        {
            DicomImageKind.Mosaic => [ReadMosaic(dataset, path, mosaicImages)],
            DicomImageKind.EnhancedMultiFrame => ReadEnhanced(dataset, path),
            DicomImageKind.MultiFrame => [ReadClassicMultiFrame(dataset, path)],
            _ => [ReadSliceSet([(dataset, path)], 0, 0)],
        };
    }

    /// <summary>
    /// One 3D volume from a folder of one-file-per-slice DICOMs (or a folder holding one mosaic or
    /// enhanced file); fails when the folder holds several series or several volumes.
    /// </summary>
    public static Volume ReadSeries(string folder)
    {
        var volumes = ReadSeriesVolumes(folder);
        if (volumes.Count != 1)
            throw new InputDataException(folder, $"holds {volumes.Count} volumes, not one");
        return volumes[0];
    }

    /// <summary>
    /// Whether a file at <paramref name="relative"/> (a path inside a folder given to <see cref="ReadSeriesVolumes"/>,
    /// '/' or the system's separator between its parts) is read by it: a file directly in the folder whose name does
    /// not start with '.' (its bytes then tell whether it is DICOM; a file written there later would be read too).
    /// </summary>
    public static bool TakesFile(string relative)
    {
        ArgumentNullException.ThrowIfNull(relative);
        return relative.Length > 0 && relative.IndexOfAny(['/', Path.DirectorySeparatorChar]) < 0 && !relative.StartsWith('.');
    }

    /// <summary>
    /// The volumes of the one series in <paramref name="folder"/> (files that are not DICOM are
    /// skipped). Single-slice files are grouped into volumes by AcquisitionNumber when it varies,
    /// else by repeated slice positions (in InstanceNumber order), and each volume's slices are sorted
    /// along the normal; mosaic and enhanced files give their own volumes, ordered by
    /// AcquisitionNumber, InstanceNumber and file name. Volume i gets index i and onset i × TR.
    /// </summary>
    public static IReadOnlyList<Volume> ReadSeriesVolumes(string folder)
    {
        if (!Directory.Exists(folder)) throw new InputDataException(folder, "folder not found");
        var entries = new List<(DicomDataset Ds, string Path, DicomImageInfo Info)>();
        foreach (var file in Directory.EnumerateFiles(folder).OrderBy(f => f, StringComparer.Ordinal))
        {
            if (!TakesFile(Path.GetFileName(file))) continue;
            var bytes = DicomFile.ReadAllBytes(file);
            if (!DicomFile.LooksLikeDicom(bytes)) continue;
            var ds = DicomFile.Parse(bytes, file);
            entries.Add((ds, file, GetInfo(ds, file)));
        }
        if (entries.Count == 0) throw new InputDataException(folder, "no DICOM files in the folder");
        var series = entries.GroupBy(e => e.Info.SeriesInstanceUid ?? "").ToList();
        if (series.Count > 1)
            throw new InputDataException(folder, $"holds {series.Count} series (numbers {string.Join(", ", series.Select(s => s.First().Info.SeriesNumber?.ToString(CultureInfo.InvariantCulture) ?? "?"))}); give one series per folder");
        double tr = entries.Select(e => e.Info.RepetitionTimeSeconds).FirstOrDefault(t => t > 0) ?? 0;

        var ordered = entries
            .OrderBy(e => e.Info.AcquisitionNumber ?? 0)
            .ThenBy(e => e.Info.InstanceNumber ?? 0)
            .ThenBy(e => e.Path, StringComparer.Ordinal)
            .ToList();
        var result = new List<Volume>();
        if (ordered.Any(e => e.Info.Kind != DicomImageKind.SingleSlice))
        {
            foreach (var e in ordered)
                foreach (var v in ReadVolumes(e.Ds, e.Path))
                    result.Add(new Volume(v.Nx, v.Ny, v.Nz, v.Data, v.Affine, result.Count, result.Count * tr));
            return result;
        }

        List<List<int>> groups;
        var acquisitions = ordered.Select(e => e.Info.AcquisitionNumber ?? 0).Distinct().ToList();
        if (acquisitions.Count > 1)
            groups = acquisitions.Select(a => Enumerable.Range(0, ordered.Count).Where(i => (ordered[i].Info.AcquisitionNumber ?? 0) == a).ToList()).ToList();
        else
        {
            groups = [];
            var locations = ordered.Select(e => e.Info.SliceLocation ?? double.NaN).ToList();
            for (int i = 0; i < ordered.Count; i++)
            {
                int occurrence = 0;
                for (int j = 0; j < i; j++)
                    if (Math.Abs(locations[j] - locations[i]) < SamePosition) occurrence++;
                while (groups.Count <= occurrence) groups.Add([]);
                groups[occurrence].Add(i);
            }
        }
        if (groups.Select(g => g.Count).Distinct().Count() > 1)
            throw new InputDataException(folder, $"volumes have different slice counts ({string.Join(", ", groups.Select(g => g.Count))}): the series is incomplete");
        for (int t = 0; t < groups.Count; t++)
            result.Add(ReadSliceSet(groups[t].Select(i => (ordered[i].Ds, (string?)ordered[i].Path)).ToList(), t, t * tr));
        return result;
    }

    /// <summary>One volume from the given single-slice files (any order): sorted along the slice normal.</summary>
    public static Volume ReadSlices(IEnumerable<string> files, int index = 0, double onsetSeconds = 0)
    {
        var list = files.Select(f => (DicomFile.Read(f), (string?)f)).ToList();
        if (list.Count == 0) throw new ArgumentException("No files given.", nameof(files));
        return ReadSliceSet(list, index, onsetSeconds);
    }

    /// <summary>Series and instance metadata of a file (parses the whole file).</summary>
    public static DicomImageInfo ReadInfo(string path) => GetInfo(DicomFile.Read(path), path);

    // (0018,0080), or for an enhanced file its MR timing group's.
    private static double? RepetitionTimeMs(DicomDataset ds, DicomDataset? firstFrame, DicomDataset? shared) =>
        ds.GetDouble(DicomTags.RepetitionTime) ?? Group(firstFrame, shared, MrTimingSequence)?.GetDouble(DicomTags.RepetitionTime);

    /// <summary>Series and instance metadata of a parsed dataset.</summary>
    public static DicomImageInfo GetInfo(DicomDataset ds, string? path)
    {
        var kind = KindOf(ds, path, out int mosaicImages);
        var firstFrame = ds.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence).FirstOrDefault();
        var shared = ds.GetFirstItem(DicomTags.SharedFunctionalGroupsSequence);
        var time = ParseTime(ds.GetString(DicomTags.AcquisitionTime));
        if (time is null && firstFrame?.GetFirstItem(DicomTags.FrameContentSequence) is { } fc)
            time = ParseDateTimeOfDay(fc.GetString(FrameAcquisitionDateTime));
        double? trMs = RepetitionTimeMs(ds, firstFrame, shared);
        double? location = null;
        var iop = ds.GetDoubles(DicomTags.ImageOrientationPatient);
        var ipp = ds.GetDoubles(DicomTags.ImagePositionPatient);
        if (iop.Length < 6) iop = Group(firstFrame, shared, DicomTags.PlaneOrientationSequence)?.GetDoubles(DicomTags.ImageOrientationPatient) ?? [];
        if (ipp.Length < 3) ipp = Group(firstFrame, shared, DicomTags.PlanePositionSequence)?.GetDoubles(DicomTags.ImagePositionPatient) ?? [];
        if (iop.Length >= 6 && ipp.Length >= 3)
        {
            var n = DicomGeometry.Cross([iop[0], iop[1], iop[2]], [iop[3], iop[4], iop[5]]);
            double len = Math.Sqrt(DicomGeometry.Dot(n, n));
            if (len > 1e-6) location = DicomGeometry.Dot(n, [ipp[0], ipp[1], ipp[2]]) / len;
        }
        return new DicomImageInfo(
            path, kind,
            ds.GetString(DicomTags.SopInstanceUid),
            ds.GetString(DicomTags.SeriesInstanceUid),
            ds.GetInt32(DicomTags.SeriesNumber),
            ds.GetInt32(DicomTags.AcquisitionNumber),
            ds.GetInt32(DicomTags.InstanceNumber),
            time,
            trMs / 1000.0,
            ds.GetInt32(DicomTags.Rows) ?? 0,
            ds.GetInt32(DicomTags.Columns) ?? 0,
            Math.Max(1, ds.GetInt32(DicomTags.NumberOfFrames) ?? 1),
            mosaicImages,
            DicomFile.TransferSyntaxOf(ds),
            location);
    }

    /// <summary>
    /// Number of images in a Siemens mosaic: (0019,xx0A) under "SIEMENS MR HEADER", else the CSA image
    /// header's NumberOfImagesInMosaic; 0 when the file is not a mosaic.
    /// </summary>
    public static int MosaicImageCount(DicomDataset ds)
    {
        var tag = ds.FindPrivateTag(0x0019, "SIEMENS MR HEADER", 0x0A);
        if (tag is { } t && ds.GetUInt16(t) is { } n && n > 0) return n;
        var csa = CsaHeader.FromImageHeader(ds);
        var fromCsa = csa?.GetDoubles("NumberOfImagesInMosaic");
        return fromCsa is { Length: > 0 } && fromCsa[0] >= 1 ? (int)Math.Round(fromCsa[0]) : 0;
    }

    private static readonly DicomTag MrTimingSequence = new(0x0018, 0x9112);
    private static readonly DicomTag FrameAcquisitionDateTime = new(0x0018, 0x9074);

    private static DicomImageKind KindOf(DicomDataset ds, string? path, out int mosaicImages)
    {
        mosaicImages = 0;
        if (ds.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence).Count > 0) return DicomImageKind.EnhancedMultiFrame;
        bool typeSaysMosaic = ds.GetStrings(DicomTags.ImageType).Any(s => s.Equals("MOSAIC", StringComparison.OrdinalIgnoreCase));
        int n = MosaicImageCount(ds);
        if (typeSaysMosaic && n == 0)
            throw new InputDataException(path, "Siemens mosaic without NumberOfImagesInMosaic ((0019,xx0A) or the CSA image header)");
        if (n > 1 && (typeSaysMosaic || ds.GetInt32(DicomTags.NumberOfFrames) is null or 1))
        {
            mosaicImages = n;
            return DicomImageKind.Mosaic;
        }
        return (ds.GetInt32(DicomTags.NumberOfFrames) ?? 1) > 1 ? DicomImageKind.MultiFrame : DicomImageKind.SingleSlice;
    }

    private static Volume ReadMosaic(DicomDataset ds, string? path, int images)
    {
        var px = new DicomPixels(ds, path);
        int across = (int)Math.Ceiling(Math.Sqrt(images));
        int tileCols = px.Columns / across, tileRows = px.Rows / across;
        if (tileCols == 0 || tileRows == 0)
            throw new InputDataException(path, $"a {px.Columns}×{px.Rows} mosaic cannot hold {images} images");
        var (slope, intercept) = Rescale(ds);
        var data = new float[tileCols * tileRows * images];
        // Tile (r, c) starts at pixel r·⌊Columns·Rows/across⌋ + c·⌊Columns/across⌋, dcm2niix's
        // arithmetic: the exact tile origin whenever the mosaic is a whole number of tiles (as
        // Siemens writes it), and what dcm2niix reads when it is not.
        long tileRowStride = (long)px.Columns * px.Rows / across;
        for (int k = 0; k < images; k++)
        {
            long origin = k / across * tileRowStride + k % across * tileCols;
            for (int j = 0; j < tileRows; j++)
                px.Decode(origin + (long)(tileRows - 1 - j) * px.Columns, slope, intercept, data.AsSpan((k * tileRows + j) * tileCols, tileCols));
        }

        var (row, col, normal) = DicomGeometry.Orientation(ds.GetDoubles(DicomTags.ImageOrientationPatient), path);
        var (rowSp, colSp) = Spacing(ds.GetDoubles(DicomTags.PixelSpacing), path);
        var ipp = Position(ds.GetDoubles(DicomTags.ImagePositionPatient), path);
        // ImagePositionPatient is the mosaic's top-left corner; move it to the first tile's, with the
        // fractional tile size dcm2niix uses (Columns / across, not its integer part).
        double shiftCols = (px.Columns - px.Columns / (double)across) / 2;
        double shiftRows = (px.Rows - px.Rows / (double)across) / 2;
        var first = new double[3];
        for (int a = 0; a < 3; a++) first[a] = ipp[a] + row[a] * colSp * shiftCols + col[a] * rowSp * shiftRows;
        double dz = SliceGap(ds);
        var step = DicomGeometry.Scale(normal, dz);
        var csaNormal = CsaHeader.FromImageHeader(ds)?.GetDoubles("SliceNormalVector");
        if (csaNormal is { Length: 3 } && DicomGeometry.Dot(normal, csaNormal) < 0) step = DicomGeometry.Scale(step, -1);
        var affine = DicomGeometry.Build(row, col, step, rowSp, colSp, first, tileRows);
        return new Volume(tileCols, tileRows, images, data, affine);
    }

    private sealed record Frame(int Index, double[] Position, double Location, double Slope, double Intercept, long Time);

    private static List<Volume> ReadEnhanced(DicomDataset ds, string? path)
    {
        var px = new DicomPixels(ds, path);
        var perFrame = ds.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence);
        var shared = ds.GetFirstItem(DicomTags.SharedFunctionalGroupsSequence);
        if (perFrame.Count < px.Frames)
            throw new InputDataException(path, $"PerFrameFunctionalGroupsSequence has {perFrame.Count} items for {px.Frames} frames");
        var iop = Group(perFrame[0], shared, DicomTags.PlaneOrientationSequence)?.GetDoubles(DicomTags.ImageOrientationPatient) ?? [];
        var (row, col, normal) = DicomGeometry.Orientation(iop, path);
        var measures = Group(perFrame[0], shared, DicomTags.PixelMeasuresSequence);
        var (rowSp, colSp) = Spacing(measures?.GetDoubles(DicomTags.PixelSpacing) ?? [], path);
        var (topSlope, topIntercept) = Rescale(ds);

        var frames = new List<Frame>(px.Frames);
        bool allTimed = true;
        for (int f = 0; f < px.Frames; f++)
        {
            var item = perFrame[f];
            var pos = Group(item, shared, DicomTags.PlanePositionSequence)?.GetDoubles(DicomTags.ImagePositionPatient) ?? [];
            if (pos.Length < 3) throw new InputDataException(path, $"frame {f + 1} has no PlanePositionSequence ImagePositionPatient");
            var pvt = Group(item, shared, DicomTags.PixelValueTransformationSequence);
            double slope = pvt?.GetDouble(DicomTags.RescaleSlope) ?? topSlope;
            double intercept = pvt?.GetDouble(DicomTags.RescaleIntercept) ?? topIntercept;
            var tpi = item.GetFirstItem(DicomTags.FrameContentSequence)?.GetDouble(DicomTags.TemporalPositionIndex);
            allTimed &= tpi is not null;
            frames.Add(new Frame(f, pos, DicomGeometry.Dot(pos, normal), slope == 0 ? 1 : slope, intercept, (long)(tpi ?? 0)));
        }
        if (!allTimed)
        {
            // no temporal index: the k-th frame at a position belongs to time point k
            for (int f = 0; f < frames.Count; f++)
            {
                int occurrence = 0;
                for (int g = 0; g < f; g++)
                    if (Math.Abs(frames[g].Location - frames[f].Location) < SamePosition) occurrence++;
                frames[f] = frames[f] with { Time = occurrence };
            }
        }
        var times = frames.GroupBy(f => f.Time).OrderBy(g => g.Key).Select(g => g.OrderBy(f => f.Location).ToList()).ToList();
        int nz = times[0].Count;
        if (times.Any(t => t.Count != nz))
            throw new InputDataException(path, $"time points have different slice counts ({string.Join(", ", times.Select(t => t.Count))})");
        foreach (var t in times)
            for (int k = 1; k < t.Count; k++)
                if (t[k].Location - t[k - 1].Location < SamePosition * 0.01)
                    throw new InputDataException(path, $"frames {t[k - 1].Index + 1} and {t[k].Index + 1} of one time point are at the same position");

        double dz = nz > 1
            ? DicomGeometry.Distance(times[0][^1].Position, times[0][0].Position) / (nz - 1)
            : measures?.GetDouble(DicomTags.SpacingBetweenSlices) is > 0 and var sb ? sb : measures?.GetDouble(DicomTags.SliceThickness) is > 0 and var th ? th : 1;
        var affine = DicomGeometry.Build(row, col, DicomGeometry.Scale(normal, dz), rowSp, colSp, times[0][0].Position, px.Rows);
        double tr = (ds.GetDouble(DicomTags.RepetitionTime) ?? Group(perFrame[0], shared, MrTimingSequence)?.GetDouble(DicomTags.RepetitionTime) ?? 0) / 1000.0;

        var volumes = new List<Volume>(times.Count);
        for (int t = 0; t < times.Count; t++)
        {
            var data = new float[px.FrameLength * nz];
            for (int k = 0; k < nz; k++)
            {
                var fr = times[t][k];
                px.DecodeFrameFlipped(fr.Index, fr.Slope, fr.Intercept, data.AsSpan(k * px.FrameLength, px.FrameLength));
            }
            volumes.Add(new Volume(px.Columns, px.Rows, nz, data, affine, t, t * tr));
        }
        return volumes;
    }

    private static Volume ReadClassicMultiFrame(DicomDataset ds, string? path)
    {
        var px = new DicomPixels(ds, path);
        var (row, col, normal) = DicomGeometry.Orientation(ds.GetDoubles(DicomTags.ImageOrientationPatient), path);
        var (rowSp, colSp) = Spacing(ds.GetDoubles(DicomTags.PixelSpacing), path);
        var ipp = Position(ds.GetDoubles(DicomTags.ImagePositionPatient), path);
        var (slope, intercept) = Rescale(ds);
        var data = new float[px.FrameLength * px.Frames];
        for (int k = 0; k < px.Frames; k++)
            px.DecodeFrameFlipped(k, slope, intercept, data.AsSpan(k * px.FrameLength, px.FrameLength));
        var affine = DicomGeometry.Build(row, col, DicomGeometry.Scale(normal, SliceGap(ds)), rowSp, colSp, ipp, px.Rows);
        return new Volume(px.Columns, px.Rows, px.Frames, data, affine);
    }

    private static Volume ReadSliceSet(IReadOnlyList<(DicomDataset Ds, string? Path)> slices, int index, double onset)
    {
        var first = slices[0];
        var (row, col, normal) = DicomGeometry.Orientation(first.Ds.GetDoubles(DicomTags.ImageOrientationPatient), first.Path);
        var (rowSp, colSp) = Spacing(first.Ds.GetDoubles(DicomTags.PixelSpacing), first.Path);
        var items = slices.Select(s =>
        {
            var pos = Position(s.Ds.GetDoubles(DicomTags.ImagePositionPatient), s.Path);
            return (s.Ds, s.Path, Pos: pos, Loc: DicomGeometry.Dot(pos, normal), Px: new DicomPixels(s.Ds, s.Path));
        }).OrderBy(s => s.Loc).ToList();
        var p0 = items[0].Px;
        foreach (var s in items)
        {
            if (s.Px.Rows != p0.Rows || s.Px.Columns != p0.Columns)
                throw new InputDataException(s.Path, $"slice is {s.Px.Columns}×{s.Px.Rows}, the others {p0.Columns}×{p0.Rows}");
            if (s.Px.Frames != 1)
                throw new InputDataException(s.Path, $"has {s.Px.Frames} frames; a slice series needs one frame per file");
        }
        for (int k = 1; k < items.Count; k++)
            if (items[k].Loc - items[k - 1].Loc < SamePosition)
                throw new InputDataException(items[k].Path, $"is at the same slice position as {items[k - 1].Path}");
        int nz = items.Count;
        double dz = nz > 1 ? DicomGeometry.Distance(items[^1].Pos, items[0].Pos) / (nz - 1) : SliceGap(first.Ds);
        var affine = DicomGeometry.Build(row, col, DicomGeometry.Scale(normal, dz), rowSp, colSp, items[0].Pos, p0.Rows);
        var data = new float[p0.FrameLength * nz];
        for (int k = 0; k < nz; k++)
        {
            var (slope, intercept) = Rescale(items[k].Ds);
            items[k].Px.DecodeFrameFlipped(0, slope, intercept, data.AsSpan(k * p0.FrameLength, p0.FrameLength));
        }
        return new Volume(p0.Columns, p0.Rows, nz, data, affine, index, onset);
    }

    private static DicomDataset? Group(DicomDataset? perFrame, DicomDataset? shared, DicomTag sequence) =>
        perFrame?.GetFirstItem(sequence) ?? shared?.GetFirstItem(sequence);

    private static (double Slope, double Intercept) Rescale(DicomDataset ds)
    {
        double slope = ds.GetDouble(DicomTags.RescaleSlope) ?? 1;
        if (slope == 0 || double.IsNaN(slope)) slope = 1;
        double intercept = ds.GetDouble(DicomTags.RescaleIntercept) ?? 0;
        return (slope, double.IsNaN(intercept) ? 0 : intercept);
    }

    private static double SliceGap(DicomDataset ds) =>
        ds.GetDouble(DicomTags.SpacingBetweenSlices) is > 0 and var s ? s
        : ds.GetDouble(DicomTags.SliceThickness) is > 0 and var t ? t : 1;

    private static (double RowSpacing, double ColSpacing) Spacing(double[] ps, string? path)
    {
        if (ps.Length < 2 || !(ps[0] > 0) || !(ps[1] > 0))
            throw new InputDataException(path, "PixelSpacing (0028,0030) is missing or not positive");
        return (ps[0], ps[1]);
    }

    private static double[] Position(double[] ipp, string? path)
    {
        if (ipp.Length < 3) throw new InputDataException(path, "ImagePositionPatient (0020,0032) is missing");
        return [ipp[0], ipp[1], ipp[2]];
    }

    internal static TimeSpan? ParseTime(string? tm)
    {
        if (string.IsNullOrWhiteSpace(tm)) return null;
        var s = tm.Replace(":", "", StringComparison.Ordinal).Trim();
        int dot = s.IndexOf('.');
        string whole = dot >= 0 ? s[..dot] : s;
        if (whole.Length < 2 || !whole.All(char.IsAsciiDigit)) return null;
        int h = int.Parse(whole[..2], CultureInfo.InvariantCulture);
        int m = whole.Length >= 4 ? int.Parse(whole[2..4], CultureInfo.InvariantCulture) : 0;
        int sec = whole.Length >= 6 ? int.Parse(whole[4..6], CultureInfo.InvariantCulture) : 0;
        // The fraction of a second only: "0.9E5000" parses, to infinity, and must not reach the TimeSpan.
        double frac = dot >= 0 && double.TryParse("0" + s[dot..], NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f is >= 0 and < 1 ? f : 0;
        return new TimeSpan(h, m, sec) + TimeSpan.FromTicks((long)Math.Round(frac * TimeSpan.TicksPerSecond));
    }

    private static TimeSpan? ParseDateTimeOfDay(string? dt)
    {
        if (dt is null || dt.Length < 10) return null;
        int plus = dt.IndexOfAny(['+', '-'], 8);
        var body = plus > 0 ? dt[..plus] : dt;
        return ParseTime(body[8..]);
    }
}
