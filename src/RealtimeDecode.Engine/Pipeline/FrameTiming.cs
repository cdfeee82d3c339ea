namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// When a volume passed the pipeline's milestones, as monotonic timestamps of one
/// <see cref="TimeProvider"/> (<see cref="TimeProvider.GetTimestamp"/>, ticks of
/// <see cref="TimestampFrequency"/> per second). <see cref="ReadTimestamp"/> and
/// <see cref="DecodedTimestamp"/> are null for skipped volumes that were never read.
/// </summary>
/// <param name="DetectedTimestamp">The ingest layer saw the volume complete (or declared it missing).</param>
/// <param name="ReadTimestamp">The volume was read into memory.</param>
/// <param name="DecodedTimestamp">The last numeric stage finished (decode, or connectivity while warming up).</param>
/// <param name="PublishedTimestamp">The frame was handed to the sinks.</param>
/// <param name="TimestampFrequency">Ticks per second of the timestamps.</param>
public sealed record FrameTiming(
    long DetectedTimestamp,
    long? ReadTimestamp,
    long? DecodedTimestamp,
    long PublishedTimestamp,
    long TimestampFrequency)
{
    /// <summary>Detection to publication, in milliseconds.</summary>
    public double LatencyMs => ToMilliseconds(PublishedTimestamp - DetectedTimestamp);

    /// <summary>Milliseconds from <paramref name="origin"/> (a timestamp of the same clock) to <paramref name="timestamp"/>.</summary>
    public double MillisecondsSince(long origin, long timestamp) => ToMilliseconds(timestamp - origin);

    private double ToMilliseconds(long ticks) => ticks * 1000.0 / TimestampFrequency;
}
