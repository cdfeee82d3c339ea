using System.Globalization;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;
using Serilog;
using Serilog.Core;

namespace RealtimeDecode.Engine.Recording;

/// <summary>
/// Writes <see cref="RecordingLayout.RoiFile"/> and its sidecar <see cref="RecordingLayout.RoiSidecarFile"/> into the
/// recording folder of each series (the session's folder for the first, <c>series-&lt;number&gt;/</c> for later
/// ones, by the rule of <see cref="SeriesRecordingSink"/>): the ROI series the live path computed after its
/// preprocessing, i.e. the clean stage's output that entered the sliding window. One row per volume that was read
/// (warm-up volumes and volumes whose estimate was not finite included), in publication (= volume) order; a
/// skipped volume (missing, corrupt, grid-changed, …) has no row, as the window never saw it. Columns:
/// <c>volume</c>, then one per atlas label in ascending label value; values in shortest round-trip form, so the
/// table reads back as the same doubles; NaN (a label with no valid voxel) as <c>n/a</c>.
/// Each row is handed to the operating system whole in one write (<see cref="RecordingFile"/>): a crash loses no
/// written row, and a full disk cuts the file back to its last complete row, after which it is written no more
/// (<see cref="Failures"/>, one log line); the session goes on.
/// </summary>
public sealed class RoiRecordingSink : IFrameSink, IDisposable
{
    private readonly string _root;
    private readonly RoiSeriesInfo _info;
    private readonly ILogger _log;
    private readonly StringWriter _line = new(CultureInfo.InvariantCulture) { NewLine = "\n" };
    private readonly TsvRowWriter _rows;
    private readonly string _header;
    private readonly List<(string File, string Problem)> _failures = [];
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private readonly RunBoundary _runs = new();
    private RecordingFile? _file;

    /// <summary>Creates the first series' roi.tsv (header) and roi.json in <paramref name="root"/>.</summary>
    /// <param name="root">The session's recording folder (created if absent).</param>
    /// <param name="roiNames">Column names: the atlas's label names in ascending label value.</param>
    /// <param name="info">The sidecar: atlas, preprocessing, TR; its <see cref="RoiSeriesInfo.RoiCount"/> must equal the names' count.</param>
    /// <param name="log">Where a write failure is reported.</param>
    /// <exception cref="InputDataException">The folder cannot be written.</exception>
    public RoiRecordingSink(string root, IReadOnlyList<string> roiNames, RoiSeriesInfo info, ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(roiNames);
        ArgumentNullException.ThrowIfNull(info);
        if (roiNames.Count != info.RoiCount)
            throw new ArgumentOutOfRangeException(nameof(roiNames), $"{roiNames.Count} ROI names, the sidecar says {info.RoiCount} ROIs.");
        _root = root ?? throw new ArgumentNullException(nameof(root));
        _info = info;
        _log = (log ?? Logger.None).ForContext<RoiRecordingSink>();
        _rows = new TsvRowWriter(_line, roiNames);
        _header = _line.ToString(); // written at the top of each series' file, by Open
        _line.GetStringBuilder().Clear();
        try { Open(root); }
        catch (Exception e) when (AtomicFile.IsWriteFailure(e))
        {
            throw new InputDataException(root, $"cannot write the recording: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public string Name => "roi-recorder";

    /// <inheritdoc />
    public bool ReleasesArrays => true;

    /// <summary>Files that could not be written completely (path and the first error).</summary>
    public IReadOnlyList<(string File, string Problem)> Failures
    {
        get
        {
            lock (_failures)
            {
                var list = new List<(string, string)>(_failures);
                if (_file?.Failure is { } p && !list.Exists(f => f.Item1 == _file.Path)) list.Add((_file.Path, p));
                return list;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (_runs.Starts(frame))
        {
            Close();
            string folder = SeriesRecordingSink.FolderOf(_root, frame.Series);
            try { Open(folder); }
            catch (Exception e) when (AtomicFile.IsWriteFailure(e) || e is InputDataException)
            {
                Fail(Path.Combine(folder, RecordingLayout.RoiFile), e.Message);
            }
        }
        if (frame is not EstimateFrame { Roi.Values: { } values } read || _file is null) return ValueTask.CompletedTask;
        _rows.WriteRow(read.Volume, values);
        Append();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken)
    {
        Close();
        return ValueTask.CompletedTask;
    }

    /// <summary>Closes the file being written.</summary>
    public void Dispose() => Close();

    private void Open(string folder)
    {
        Directory.CreateDirectory(folder);
        AtomicFile.WriteAllText(Path.Combine(folder, RecordingLayout.RoiSidecarFile), _info.ToJsonText());
        _file = new RecordingFile(Path.Combine(folder, RecordingLayout.RoiFile));
        _line.Write(_header);
        Append();
    }

    private void Close()
    {
        if (_file is null) return;
        _file.Dispose();
        if (_file.Failure is { } p) Fail(_file.Path, p);
        _file = null;
    }

    /// <summary>Writes the row in <see cref="_line"/> in one piece and clears it.</summary>
    private void Append()
    {
        var sb = _line.GetStringBuilder();
        var file = _file!;
        bool ok = file.TryAppend(sb.ToString());
        sb.Clear();
        if (!ok && file.Failure is { } problem) Fail(file.Path, problem);
    }

    private void Fail(string path, string problem)
    {
        lock (_failures)
        {
            if (!_reported.Add(path)) return;
            _failures.Add((path, problem));
        }
        _log.Error("Recording: cannot write {File} ({Problem}); its complete rows are kept, no more are written to it, the session goes on", path, problem);
    }
}
