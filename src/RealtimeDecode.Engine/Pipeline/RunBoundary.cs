namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// Where one run (scanner series) ends and the next begins in a stream of frames, for the outputs that keep
/// something per run (recording folders, feedback kernels, the dashboard's run number): the frame's
/// <see cref="PipelineFrame.Series"/>, as the source stamped it at ingest. Not thread-safe: one per sink, fed in
/// publication order. Public for the host's sinks, which number runs the way <see cref="Feedback.FeedbackFeed"/> does.
/// </summary>
public sealed class RunBoundary
{
    private int? _series;

    /// <summary>The series of the frames seen so far, or null before the first.</summary>
    public int? Series => _series;

    /// <summary>Follows <paramref name="frame"/>; true when it is the first frame of a series after another series.</summary>
    public bool Starts(PipelineFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        bool next = _series is int current && current != frame.Series;
        _series = frame.Series;
        return next;
    }
}
