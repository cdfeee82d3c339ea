using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Pipeline;

namespace RealtimeDecode.Engine.Recording;

/// <summary>
/// <c>feedback.tsv</c> per scanner series: a <see cref="FeedbackRecordingSink"/> with a fresh
/// <see cref="FeedbackKernel"/> for each series, in the series' recording folder (the session's folder for the
/// first, <c>series-&lt;number&gt;/</c> for later ones, the rule of <see cref="SeriesRecordingSink"/>). A new
/// series is a new run of the protocol: its clock, blocks and baselines start again from its first volume.
/// When a series ends, its last rows are written (after the display's wait, when a display is served) before
/// the next series' first row.
/// </summary>
public sealed class SeriesFeedbackRecordingSink : IFrameSink, IDisposable
{
    private readonly string _root;
    private readonly Func<FeedbackKernel> _newKernel;
    private readonly int _targets;
    private readonly long _sessionStart;
    private readonly IFeedbackDisplayTimes? _display;
    private FeedbackRecordingSink _current;
    private int? _series;

    /// <summary>Creates the first series' <c>feedback.tsv</c> in <paramref name="root"/>.</summary>
    /// <param name="root">The session's recording folder.</param>
    /// <param name="newKernel">A fresh kernel for each series.</param>
    /// <param name="targets">Number of targets per estimate.</param>
    /// <param name="sessionStart">Monotonic timestamp the recording's ms columns count from.</param>
    /// <param name="display">Display times of the participant display, or null when none is served.</param>
    public SeriesFeedbackRecordingSink(string root, Func<FeedbackKernel> newKernel, int targets, long sessionStart, IFeedbackDisplayTimes? display = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(newKernel);
        _root = root;
        _newKernel = newKernel;
        _targets = targets;
        _sessionStart = sessionStart;
        _display = display;
        _current = new FeedbackRecordingSink(root, newKernel(), targets, sessionStart, display: display);
    }

    /// <inheritdoc />
    public string Name => "feedback";

    /// <inheritdoc />
    public async ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        int? series = SeriesRecordingSink.SeriesOf(frame);
        if (series is int s && _series is int current && s != current)
        {
            await _current.OnCompletedAsync(null, cancellationToken).ConfigureAwait(false);
            string folder = SeriesRecordingSink.FolderOf(_root, s);
            Directory.CreateDirectory(folder);
            _current = new FeedbackRecordingSink(folder, _newKernel(), _targets, _sessionStart, display: _display);
        }
        if (series is int first) _series = first;
        await _current.OnFrameAsync(frame, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken) => _current.OnCompletedAsync(error, cancellationToken);

    /// <summary>Closes the file being written.</summary>
    public void Dispose() => _current.Dispose();
}
