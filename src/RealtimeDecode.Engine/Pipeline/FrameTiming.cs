namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// When a volume passed the pipeline's milestones, as monotonic timestamps of one
/// <see cref="TimeProvider"/> (<see cref="TimeProvider.GetTimestamp"/>, ticks of
/// <see cref="TimestampFrequency"/> per second). <see cref="ReadTimestamp"/> and
/// <see cref="DecodedTimestamp"/> are null for skipped volumes that were never read.
/// </summary>
/// <remarks>
/// <para>Publication is not a pipeline milestone but the outputs' own: each sink that hands the frame to a
/// transport (the SignalR send, the LSL push, the recording's write) calls <see cref="MarkHandedOff"/> as it does,
/// and <see cref="PublishedTimestamp"/> is the first of those hand-offs. So latency, detection → published, is
/// "file complete → the estimate left for its first transport", never "→ decoded". The hand-offs are the one part
/// of a frame that changes after publication: they are taken under a lock, in order, so the first mark is the
/// earliest, and a sink that reads <see cref="PublishedTimestamp"/> after its own mark reads the final value.</para>
/// </remarks>
/// <param name="DetectedTimestamp">The ingest layer saw the volume complete (or declared it missing).</param>
/// <param name="ReadTimestamp">The volume was read into memory.</param>
/// <param name="DecodedTimestamp">The last numeric stage finished (decode, or connectivity while warming up).</param>
/// <param name="TimestampFrequency">Ticks per second of the timestamps.</param>
public sealed record FrameTiming(
    long DetectedTimestamp,
    long? ReadTimestamp,
    long? DecodedTimestamp,
    long TimestampFrequency)
{
    private readonly List<SinkHandOff> _handOffs = new(4);

    /// <summary>The first hand-off of the frame to a transport, or null while no sink has handed it off.</summary>
    public long? PublishedTimestamp
    {
        get
        {
            lock (_handOffs) return _handOffs.Count > 0 ? _handOffs[0].Timestamp : null;
        }
    }

    /// <summary>The hand-offs so far, in the order they were taken (the first is <see cref="PublishedTimestamp"/>).</summary>
    public IReadOnlyList<SinkHandOff> HandOffs
    {
        get
        {
            lock (_handOffs) return [.. _handOffs];
        }
    }

    /// <summary>
    /// Records that <paramref name="sink"/> is handing the frame to its transport now (<paramref name="time"/>, the
    /// clock of the other timestamps). A sink's second mark of the same frame is ignored (its first stands).
    /// Thread-safe.
    /// </summary>
    /// <returns>The sink's hand-off timestamp.</returns>
    public long MarkHandedOff(string sink, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(time);
        lock (_handOffs)
        {
            foreach (var h in _handOffs)
                if (h.Sink == sink) return h.Timestamp;
            long now = time.GetTimestamp();
            _handOffs.Add(new SinkHandOff(sink, now));
            return now;
        }
    }

    /// <summary>The hand-off timestamp of <paramref name="sink"/>, or null when it has not handed the frame off.</summary>
    public long? HandOffOf(string sink)
    {
        lock (_handOffs)
        {
            foreach (var h in _handOffs)
                if (h.Sink == sink) return h.Timestamp;
            return null;
        }
    }

    /// <summary>Detection to publication (the first hand-off), in milliseconds; NaN while no sink has handed the frame off.</summary>
    public double LatencyMs => PublishedTimestamp is long p ? ToMilliseconds(p - DetectedTimestamp) : double.NaN;

    /// <summary>Milliseconds from <paramref name="origin"/> (a timestamp of the same clock) to <paramref name="timestamp"/>.</summary>
    public double MillisecondsSince(long origin, long timestamp) => ToMilliseconds(timestamp - origin);

    private double ToMilliseconds(long ticks) => ticks * 1000.0 / TimestampFrequency;
}

/// <summary>One sink's hand-off of a frame to its transport.</summary>
/// <param name="Sink">The sink's <see cref="IFrameSink.Name"/>.</param>
/// <param name="Timestamp">Monotonic timestamp of the hand-off (the frame's clock).</param>
public sealed record SinkHandOff(string Sink, long Timestamp);
