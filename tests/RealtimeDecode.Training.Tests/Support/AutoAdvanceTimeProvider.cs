using System.Collections.Concurrent;

namespace RealtimeDecode.Training.Tests.Support;

/// <summary>
/// Virtual time that never waits: each timer advances the clock by its due time and fires at once
/// (on the thread pool). Every requested delay is recorded, so tests can assert back-off and rate
/// limiting without sleeping.
/// </summary>
public sealed class AutoAdvanceTimeProvider : TimeProvider
{
    private long _ticks;
    private readonly DateTimeOffset _start;

    public AutoAdvanceTimeProvider(DateTimeOffset? start = null) => _start = start ?? new DateTimeOffset(2025, 3, 14, 9, 26, 53, TimeSpan.Zero);

    /// <summary>Delays requested, in order.</summary>
    public ConcurrentQueue<TimeSpan> Delays { get; } = new();

    public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    public override DateTimeOffset GetUtcNow() => _start + Elapsed;
    public override long GetTimestamp() => Interlocked.Read(ref _ticks);
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var t = new Timer(this, callback, state);
        t.Change(dueTime, period);
        return t;
    }

    private sealed class Timer(AutoAdvanceTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private int _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime == Timeout.InfiniteTimeSpan || Volatile.Read(ref _disposed) == 1) return true;
            owner.Delays.Enqueue(dueTime);
            Interlocked.Add(ref owner._ticks, dueTime.Ticks);
            ThreadPool.QueueUserWorkItem(_ => { if (Volatile.Read(ref _disposed) == 0) callback(state); });
            return true;
        }

        public void Dispose() => Interlocked.Exchange(ref _disposed, 1);
        public ValueTask DisposeAsync() { Dispose(); return ValueTask.CompletedTask; }
    }
}
