using System.Text;
using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Pipeline;

namespace RealtimeDecode.Engine.Recording;

/// <summary>
/// Writes <c>feedback.tsv</c> (<see cref="FeedbackTable"/>) of a session run with a protocol, one file per run:
/// the rows of the session's <see cref="FeedbackFeed"/> (the feed the participant display shows), in volume order.
/// Volumes between two estimates that have none (missing, corrupt, not finite) get a row with a NaN estimate, as the
/// offline <see cref="FeedbackTable.FromEstimates"/> gives them, and so does an estimate withheld for head motion
/// (censor policy withhold); warm-up volumes, and volumes after a run's last estimate, have no row. Rows are flushed
/// as written. A new scanner series (<see cref="PipelineFrame.Series"/>) is a new run of the protocol: its file is
/// in the series' recording folder (the session's folder for the first, <c>series-&lt;number&gt;/</c> for later ones,
/// the rule of <see cref="SeriesRecordingSink"/>), and the previous run's last rows are written first.
/// </summary>
/// <remarks><c>published_ms</c> is the estimate's publication time since the session start (monotonic clock): the
/// first hand-off of the estimate to a transport (<see cref="FrameTiming.PublishedTimestamp"/>); writing the row is
/// this sink's hand-off (named <see cref="Name"/>), so it is known when the row is written.
/// <c>displayed_ms</c> comes from <see cref="IFeedbackDisplayTimes"/> when a participant display is served: a row
/// is then held until its volume's display time is settled (acknowledged, or given up by the display's wait), so
/// rows are still written in volume order, each once; at the end of a run the sink waits for its last ones. Without
/// a display, rows are written at once with <c>displayed_ms</c> n/a.</remarks>
public sealed class FeedbackRecordingSink : IFrameSink, IDisposable
{
    private readonly string _root;
    private readonly FeedbackFeed _feed;
    private readonly long _origin;
    private readonly TimeProvider _time;
    private readonly Action<FeedbackSample>? _onSample;
    private readonly IFeedbackDisplayTimes? _display;
    private readonly Queue<(FeedbackSample Sample, FrameTiming? Timing)> _pending = new();
    private readonly List<FeedbackSample> _provisional = [];
    private StreamWriter _writer;
    private int _last = -1;

    /// <summary>Creates the first run's <c>feedback.tsv</c> in <paramref name="root"/>.</summary>
    /// <param name="root">The session's recording folder.</param>
    /// <param name="newKernel">A fresh kernel for each run.</param>
    /// <param name="targets">Number of targets per estimate.</param>
    /// <param name="sessionStart">Monotonic timestamp the recording's ms columns count from.</param>
    /// <param name="time">The session's clock (the clock of the frames' timestamps); default the system's.</param>
    /// <param name="onSample">Called with each sample after it is written.</param>
    /// <param name="display">Display times of the participant display, or null when none is served.</param>
    public FeedbackRecordingSink(string root, Func<FeedbackKernel> newKernel, int targets, long sessionStart, TimeProvider? time = null,
        Action<FeedbackSample>? onSample = null, IFeedbackDisplayTimes? display = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        _root = root;
        _feed = new FeedbackFeed(newKernel, targets);
        _display = display;
        _origin = sessionStart;
        _time = time ?? TimeProvider.System;
        _onSample = onSample;
        _writer = Create(root);
    }

    /// <inheritdoc />
    public string Name => "feedback";

    /// <inheritdoc />
    public bool ReleasesArrays => true;

    /// <inheritdoc />
    public async ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var step = _feed.Push(frame);
        if (step.NewRun && step.Run > 1)
        {
            await FinishRunAsync(cancellationToken).ConfigureAwait(false);
            _writer.Dispose();
            string folder = SeriesRecordingSink.FolderOf(_root, frame.Series);
            Directory.CreateDirectory(folder);
            _writer = Create(folder);
        }
        if (step.Samples.Count == 0) return;
        if (step.Provisional)
        {
            _provisional.AddRange(step.Samples);
            return;
        }
        foreach (var s in _provisional) _pending.Enqueue((s, null));
        _provisional.Clear();
        for (int i = 0; i < step.Samples.Count - 1; i++) _pending.Enqueue((step.Samples[i], null));
        _pending.Enqueue((step.Samples[^1], frame.Timing));
        _last = frame.Volume;
        WriteSettled(final: false);
    }

    /// <inheritdoc />
    public async ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken)
    {
        await FinishRunAsync(cancellationToken).ConfigureAwait(false);
        Dispose();
    }

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose() => _writer.Dispose();

    /// <summary>Writes the run's last rows (after the display's wait, when a display is served); forgets its provisional ones.</summary>
    private async ValueTask FinishRunAsync(CancellationToken cancellationToken)
    {
        if (_display is not null && _last >= 0)
        {
            try { await _display.WhenSettledAsync(_last, cancellationToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { } // stopped: the rows are written with what is known
        }
        WriteSettled(final: true);
        _provisional.Clear();
        _last = -1;
    }

    private static StreamWriter Create(string directory)
    {
        var writer = new StreamWriter(new FileStream(Path.Combine(directory, FeedbackTable.FileName), FileMode.CreateNew, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        writer.Write(FeedbackTable.Header + "\n");
        writer.Flush();
        return writer;
    }

    private void WriteSettled(bool final)
    {
        while (_pending.TryPeek(out var row))
        {
            double displayed = double.NaN;
            if (_display is not null && !_display.TryGetDisplayedMs(row.Sample.Volume, out displayed) && !final) return;
            _pending.Dequeue();
            double published = double.NaN;
            if (row.Timing is { } t)
            {
                t.MarkHandedOff(Name, _time);
                published = t.MillisecondsSince(_origin, t.PublishedTimestamp!.Value);
            }
            Write(row.Sample, published, displayed);
        }
    }

    private void Write(FeedbackSample s, double publishedMs, double displayedMs)
    {
        _writer.Write(FeedbackTable.FormatRow(s, publishedMs, displayedMs) + "\n");
        _writer.Flush();
        _onSample?.Invoke(s);
    }
}
