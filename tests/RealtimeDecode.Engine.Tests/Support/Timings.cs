using RealtimeDecode.Engine.Pipeline;

namespace RealtimeDecode.Engine.Tests.Support;

/// <summary>Frame timings whose publication is already set: an upstream sink handed the frame off at <c>published</c>.</summary>
public static class Timings
{
    /// <summary>The sink name of the hand-off that sets the publication.</summary>
    public const string Upstream = "upstream";

    public static FrameTiming Published(long detected, long? read, long? decoded, long published, long frequency)
    {
        var t = new FrameTiming(detected, read, decoded, frequency);
        t.MarkHandedOff(Upstream, new FixedClock(published, frequency));
        return t;
    }

    /// <summary>A clock that always reads <paramref name="timestamp"/>.</summary>
    public sealed class FixedClock(long timestamp, long frequency) : TimeProvider
    {
        public override long GetTimestamp() => timestamp;

        public override long TimestampFrequency => frequency;
    }
}
