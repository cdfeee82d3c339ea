using System.Text;
using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Pipeline;

namespace RealtimeDecode.Engine.Recording;

/// <summary>
/// Writes <c>feedback.tsv</c> (<see cref="FeedbackTable"/>) of a session run with a protocol: each
/// estimate through the one <see cref="FeedbackKernel"/>, in volume order. Volumes between two estimates
/// that have none (missing, corrupt, late, duplicate) get a row with a NaN estimate, as the offline
/// <see cref="FeedbackTable.FromEstimates"/> gives them; warm-up volumes have no row. Rows are flushed as written.
/// </summary>
/// <remarks><c>published_ms</c> is the estimate's publication time since the session start (monotonic clock);
/// <c>displayed_ms</c> stays n/a until a participant page acknowledges drawing the frame.</remarks>
public sealed class FeedbackRecordingSink : IFrameSink, IDisposable
{
    private readonly FeedbackKernel _kernel;
    private readonly StreamWriter _writer;
    private readonly long _origin;
    private readonly double[] _missing;
    private readonly Action<FeedbackSample>? _onSample;
    private int _next = -1;

    /// <summary>Creates <c>feedback.tsv</c> in <paramref name="directory"/>.</summary>
    /// <param name="directory">The recording folder.</param>
    /// <param name="kernel">The kernel of this run.</param>
    /// <param name="targets">Number of targets per estimate.</param>
    /// <param name="sessionStart">Monotonic timestamp the recording's ms columns count from.</param>
    /// <param name="onSample">Called with each sample after it is written (e.g. to the participant display).</param>
    public FeedbackRecordingSink(string directory, FeedbackKernel kernel, int targets, long sessionStart, Action<FeedbackSample>? onSample = null)
    {
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
            for (int v = _next; v < e.Volume; v++) Write(_kernel.Push(v, _missing), double.NaN);
        Write(_kernel.Push(e.Volume, values), e.Timing.MillisecondsSince(_origin, e.Timing.PublishedTimestamp));
        _next = e.Volume + 1;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken)
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose() => _writer.Dispose();

    private void Write(FeedbackSample s, double publishedMs)
    {
        _writer.Write(FeedbackTable.FormatRow(s, publishedMs, double.NaN) + "\n");
        _writer.Flush();
        _onSample?.Invoke(s);
    }
}
