namespace RealtimeDecode.Host.Tests.Dashboard.Support;

/// <summary>
/// A clock that moves only when told (<see cref="Advance"/>), with timers that fire, in time order and on the
/// caller's thread, as the clock passes them. Timestamps are 100 ns ticks.
/// </summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private readonly List<Timer> _timers = [];
    private readonly object _gate = new();
    private TimeSpan _elapsed;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() { lock (_gate) return _elapsed.Ticks; }

    public override DateTimeOffset GetUtcNow() { lock (_gate) return start + _elapsed; }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var t = new Timer(this, callback, state);
        t.Change(dueTime, period);
        return t;
    }

    /// <summary>Timers set to fire (not yet fired, changed to never, or disposed).</summary>
    public int PendingTimers { get { lock (_gate) return _timers.Count(t => t.Due is not null); } }

    /// <summary>Moves the clock forward by <paramref name="by"/>, firing each timer every time it falls due on the way.</summary>
    public void Advance(TimeSpan by)
    {
        TimeSpan end;
        lock (_gate) end = _elapsed + by;
        while (true)
        {
            Timer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.Due is { } d && d <= end).MinBy(t => t.Due);
                if (next is null) { _elapsed = end; return; }
                _elapsed = next.Due!.Value;
                next.Due = next.Period > TimeSpan.Zero && next.Period != Timeout.InfiniteTimeSpan ? next.Due + next.Period : null;
            }
            next.Fire();
        }
    }

    private sealed class Timer(ManualTime owner, TimerCallback callback, object? state) : ITimer
    {
        public TimeSpan? Due { get; set; }
        public TimeSpan Period { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                Period = period;
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : owner._elapsed + dueTime;
                if (!owner._timers.Contains(this)) owner._timers.Add(this);
            }
            return true;
        }

        public void Dispose() { lock (owner._gate) owner._timers.Remove(this); }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
