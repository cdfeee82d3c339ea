using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Pipeline;

namespace RealtimeDecode.Engine.Recording;

/// <summary>
/// The recording of a live session in which the scanner may start new series: the first series is
/// recorded in the session's folder, each later one in a folder of its own beside the first's files
/// (<c>series-&lt;number&gt;/</c>), with the same layout. The series is the frame's own
/// (<see cref="PipelineFrame.Series"/>, stamped at ingest), so a missing volume or a report of an extra file belongs
/// to the run it was reported in. Markers go to the series being recorded.
/// </summary>
public sealed class SeriesRecordingSink : IFrameSink, IDisposable
{
    private readonly Func<string, RecordingSink> _create;
    private readonly string _root;
    private readonly object _gate = new();
    private readonly List<RecordingSink> _all = [];
    private readonly RunBoundary _runs = new();
    private RecordingSink _current;
    private readonly List<int> _series = [];

    /// <param name="root">The session's recording folder (the first series is recorded there).</param>
    /// <param name="create">Makes the recorder of a folder.</param>
    public SeriesRecordingSink(string root, Func<string, RecordingSink> create)
    {
        _root = root;
        _create = create;
        _current = create(root);
        _all.Add(_current);
    }

    /// <summary>Files of any series that could not be written completely (path and the first error).</summary>
    public IReadOnlyList<(string File, string Problem)> Failures
    {
        get
        {
            lock (_gate) return [.. _all.SelectMany(s => s.Failures.Select(f => (Path.Combine(s.Directory, f.File), f.Problem)))];
        }
    }

    /// <inheritdoc />
    public string Name => "recorder";

    /// <summary>True: each series' recorders keep no frame arrays.</summary>
    public bool ReleasesArrays => true;

    /// <summary>Series recorded so far (1 until the scanner starts another).</summary>
    public int SeriesCount { get; private set; } = 1;

    /// <summary>Records a received marker in the series being recorded.</summary>
    public void RecordMarker(double onsetSeconds, string value, string source)
    {
        lock (_gate) _current.RecordMarker(onsetSeconds, value, source);
    }

    /// <inheritdoc />
    public async ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken)
    {
        RecordingSink target;
        RecordingSink? finished = null;
        lock (_gate)
        {
            if (_series.Count == 0) _series.Add(frame.Series);
            if (_runs.Starts(frame))
            {
                finished = _current;
                _current = _create(FolderOf(_root, frame.Series));
                _all.Add(_current);
                _series.Add(frame.Series);
                SeriesCount++;
            }
            target = _current;
        }
        if (finished is not null)
        {
            await finished.OnCompletedAsync(null, cancellationToken).ConfigureAwait(false);
            finished.Dispose();
            WriteRuns();
        }
        await target.OnFrameAsync(frame, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The folder of a later series inside the session's recording folder.</summary>
    internal static string FolderOf(string root, int series) => Path.Combine(root, $"series-{series}");

    /// <summary>The session folder's session.json lists every run: its series, folder and counts.</summary>
    private void WriteRuns()
    {
        lock (_gate)
        {
            var runs = new JsonArray();
            for (int i = 0; i < _all.Count; i++)
            {
                int series = i < _series.Count ? _series[i] : 0;
                runs.Add(_all[i].RunEntry(series, i == 0 ? "." : Path.GetFileName(FolderOf(_root, series))));
            }
            _all[0].SetRuns(runs);
        }
    }

    /// <inheritdoc />
    public async ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken)
    {
        RecordingSink current;
        lock (_gate) current = _current;
        await current.OnCompletedAsync(error, cancellationToken).ConfigureAwait(false);
        WriteRuns();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate) _current.Dispose();
        WriteRuns();
    }
}
