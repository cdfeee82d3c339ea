namespace RealtimeDecode.Lsl;

/// <summary>
/// LSL's <c>local_clock</c>: a monotonic clock in seconds with an arbitrary origin, taken from a
/// <see cref="TimeProvider"/>'s timestamp (the system provider uses <see cref="System.Diagnostics.Stopwatch"/>).
/// Timestamps of samples and the time-correction exchange are on this clock.
/// </summary>
public static class LslClock
{
    /// <summary>Seconds on the monotonic clock of <paramref name="time"/> (the system clock when null).</summary>
    public static double LocalClock(TimeProvider? time = null)
    {
        var t = time ?? TimeProvider.System;
        return t.GetTimestamp() / (double)t.TimestampFrequency;
    }
}
