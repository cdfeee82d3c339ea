namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// What the pipeline publishes, once per arrival, in volume order: an <see cref="EstimateFrame"/> for
/// a volume that was read (warming up or with estimates) or a <see cref="SkippedFrame"/> for a volume
/// that was missing, corrupt, late or a duplicate. Frames and their arrays belong to the receiver and
/// are never modified after publication.
/// </summary>
/// <param name="Volume">0-based index of the volume in its run.</param>
/// <param name="OnsetSeconds">Onset of the volume from the start of the run: index × TR (s).</param>
/// <param name="Status">What became of the volume.</param>
/// <param name="File">The file it came from, or null.</param>
/// <param name="Timing">Monotonic timestamps of the milestones.</param>
public abstract record PipelineFrame(int Volume, double OnsetSeconds, VolumeStatus Status, string? File, FrameTiming Timing)
{
    /// <summary>
    /// The scanner series (run) the frame belongs to, as the source said once at ingest (the watcher: the
    /// series of the file's key; a replay: its run number; 0 when unknown). Frames of one series are
    /// consecutive; a new number is a run boundary: its volumes count from 0 again and its stages start fresh.
    /// A report of an extra file (late, duplicate, stray) carries the series being processed. Sinks that
    /// record or display per run take the boundary from here, never from file names.
    /// </summary>
    public int Series { get; init; }
}
