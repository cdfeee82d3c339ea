using System.Text;
using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Pipeline;

namespace RealtimeDecode.Engine.Recording;

/// <summary>
/// Writes <c>feedback.tsv</c> (<see cref="FeedbackTable"/>) of a session run with a protocol: each
/// estimate through the one <see cref="FeedbackKernel"/>, in volume order. Volumes between two estimates
/// that have none (missing, corrupt, late, duplicate) get a row with a NaN estimate, as the offline
/// <see cref="FeedbackTable.FromEstimates"/> gives them, and so does an estimate withheld for head motion (censor
/// policy withhold); warm-up volumes have no row. Rows are flushed as written.
/// </summary>
/// <remarks><c>published_ms</c> is the estimate's publication time since the session start (monotonic clock).
/// <c>displayed_ms</c> comes from <see cref="IFeedbackDisplayTimes"/> when a participant display is served: a row
/// is then held until its volume's display time is settled (acknowledged, or given up by the display's wait), so
/// rows are still written in volume order, each once; at the end the sink waits for the last ones. Without a
/// display, rows are written at once with <c>displayed_ms</c> n/a.</remarks>
public sealed class FeedbackRecordingSink : IFrameSink, IDisposable
{
    private readonly FeedbackKernel _kernel;
    private readonly StreamWriter _writer;
    private readonly long _origin;
    private readonly double[] _missing;
    private readonly Action<FeedbackSample>? _onSample;
    private readonly IFeedbackDisplayTimes? _display;
    private readonly Queue<(FeedbackSample Sample, double PublishedMs)> _pending = new();
    private int _next = -1;

    /// <summary>Creates <c>feedback.tsv</c> in <paramref name="directory"/>.</summary>
    /// <param name="directory">The recording folder.</param>
    /// <param name="kernel">The kernel of this run.</param>
    /// <param name="targets">Number of targets per estimate.</param>
    /// <param name="sessionStart">Monotonic timestamp the recording's ms columns count from.</param>
    /// <param name="onSample">Called with each sample after it is written.</param>
    /// <param name="display">Display times of the participant display, or null when none is served.</param>
    public FeedbackRecordingSink(string directory, FeedbackKernel kernel, int targets, long sessionStart, Action<FeedbackSample>? onSample = null,
        IFeedbackDisplayTimes? display = null)
    {
        _display = display;
        _kernel = kernel;
        _origin = sessionStart;
        _missing = new double[targets];
        Array.Fill(_missing, double.NaN);
        _onSample = onSample;
        _writer = new StreamWriter(new FileStream(Path.Combine(directory, FeedbackTable.FileName), FileMode.CreateNew, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        _writer.Write(FeedbackTable.Header + "\n");
        _writer.Flush();
    }

    /// <inheritdoc />
    public string Name => "feedback";

    /// <inheritdoc />
    public ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken)
    {
        if (frame is not EstimateFrame { Estimates: { } values } e || (_next >= 0 && e.Volume < _next)) return ValueTask.CompletedTask;
        if (_next >= 0)
            for (int v = _next; v < e.Volume; v++) _pending.Enqueue((_kernel.Push(v, _missing), double.NaN));
        _pending.Enqueue((_kernel.Push(e.Volume, e.Withheld ? _missing : values), e.Timing.MillisecondsSince(_origin, e.Timing.PublishedTimestamp)));
        _next = e.Volume + 1;
        WriteSettled(final: false);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken)
    {
        if (_display is not null && _next > 0)
        {
            try { await _display.WhenSettledAsync(_next - 1, cancellationToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { } // stopped: the rows are written with what is known
        }
        WriteSettled(final: true);
        Dispose();
    }

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose() => _writer.Dispose();

    private void WriteSettled(bool final)
    {
        while (_pending.TryPeek(out var row))
        {
            double displayed = double.NaN;
            if (_display is not null && !_display.TryGetDisplayedMs(row.Sample.Volume, out displayed) && !final) return;
            _pending.Dequeue();
            Write(row.Sample, row.PublishedMs, displayed);
        }
    }

    private void Write(FeedbackSample s, double publishedMs, double displayedMs)
    {
        _writer.Write(FeedbackTable.FormatRow(s, publishedMs, displayedMs) + "\n");
        _writer.Flush();
        _onSample?.Invoke(s);
    }
}
