using System.Globalization;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Recording;

/// <summary>
/// The ROI series of one recorded run (<see cref="RecordingLayout.RoiFile"/> and its sidecar), read back for
/// training: rows = volumes that entered the sliding window, in the order they entered it (ascending volume);
/// columns = atlas labels. Values are the doubles the live path computed (written in round-trip form).
/// </summary>
public sealed class RecordedRoiSeries
{
    private RecordedRoiSeries(string directory, NumericTable table, RoiSeriesInfo info)
    {
        Directory = directory;
        Table = table;
        Info = info;
    }

    /// <summary>The recording folder of the run.</summary>
    public string Directory { get; }

    /// <summary>The path of its roi.tsv.</summary>
    public string TablePath => Path.Combine(Directory, RecordingLayout.RoiFile);

    /// <summary>The series: <c>volume</c>, one column per ROI.</summary>
    public NumericTable Table { get; }

    /// <summary>What the sidecar says: atlas, preprocessing, TR.</summary>
    public RoiSeriesInfo Info { get; }

    /// <summary>
    /// Reads the series of the run recorded in <paramref name="directory"/>. A missing folder, table or sidecar,
    /// a ragged or non-numeric row, a column count other than the sidecar's <c>roi_count</c>, volumes out of
    /// order or repeated, or no row at all is an <see cref="InputDataException"/> naming the file.
    /// </summary>
    public static RecordedRoiSeries Read(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (File.Exists(directory))
            throw new InputDataException(directory, $"is a file; give the recording's folder (the one holding {RecordingLayout.RoiFile} and {RecordingLayout.RoiSidecarFile})");
        if (!System.IO.Directory.Exists(directory)) throw new InputDataException(directory, "recording folder not found");
        string table = Path.Combine(directory, RecordingLayout.RoiFile);
        string sidecar = Path.Combine(directory, RecordingLayout.RoiSidecarFile);
        if (!File.Exists(table))
            throw new InputDataException(directory, $"has no {RecordingLayout.RoiFile} (the ROI series of the live path): a recording made without it cannot be trained from; train from the run's volumes with --bold");
        if (!File.Exists(sidecar)) throw new InputDataException(directory, $"has {RecordingLayout.RoiFile} but no {RecordingLayout.RoiSidecarFile} saying its atlas and preprocessing");
        var info = RoiSeriesInfo.Read(sidecar);
        var roi = NumericTable.Read(table);
        if (roi.ColumnCount != info.RoiCount)
            throw new InputDataException(table, string.Create(CultureInfo.InvariantCulture, $"has {roi.ColumnCount} ROI columns, {RecordingLayout.RoiSidecarFile} says {info.RoiCount}"));
        if (roi.RowCount == 0) throw new InputDataException(table, "has no rows: no volume was read in this run");
        for (int i = 1; i < roi.RowCount; i++)
            if (roi.Volumes[i] <= roi.Volumes[i - 1])
                throw new InputDataException(table, string.Create(CultureInfo.InvariantCulture, $"line {i + 2}: volume {roi.Volumes[i]} after {roi.Volumes[i - 1]}: rows must be in ascending volume order, each volume once"));
        return new RecordedRoiSeries(directory, roi, info);
    }
}
