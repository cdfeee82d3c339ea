namespace RealtimeDecode.Training.Annotation;

/// <summary>
/// Spaces request starts at least 60 / <c>requestsPerMinute</c> seconds apart on a
/// <see cref="TimeProvider"/>'s monotonic clock; callers wait their turn in arrival order.
/// A rate of 0 or less means no bound.
/// </summary>
internal sealed class RequestRateLimiter
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly object _gate = new();
    private long _nextStart = long.MinValue;

    public RequestRateLimiter(double requestsPerMinute, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _interval = requestsPerMinute > 0 ? TimeSpan.FromSeconds(60.0 / requestsPerMinute) : TimeSpan.Zero;
    }

    /// <summary>The minimum spacing between request starts.</summary>
    public TimeSpan Interval => _interval;

    /// <summary>Waits until the caller may start a request.</summary>
    public Task WaitAsync(CancellationToken ct)
    {
        if (_interval == TimeSpan.Zero) return Task.CompletedTask;
        TimeSpan wait;
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            long interval = (long)(_interval.TotalSeconds * _time.TimestampFrequency);
            long start = _nextStart == long.MinValue || _nextStart < now ? now : _nextStart;
            _nextStart = start + interval;
            wait = _time.GetElapsedTime(now, start);
        }
        return wait <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(wait, _time, ct);
    }
}
