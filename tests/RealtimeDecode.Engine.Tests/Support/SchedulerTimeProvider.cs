using System.Reactive.Concurrency;

namespace RealtimeDecode.Engine.Tests.Support;

/// <summary>
/// A TimeProvider that reads a (virtual-time) scheduler's clock, plus a manual offset that fake stages
/// advance to simulate processing time. Timestamps are 100 ns ticks since the scheduler's epoch.
/// </summary>
public sealed class SchedulerTimeProvider(IScheduler scheduler) : TimeProvider
{
    private readonly DateTimeOffset _epoch = scheduler.Now;
    private TimeSpan _offset;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => (scheduler.Now - _epoch + _offset).Ticks;

    public override DateTimeOffset GetUtcNow() => scheduler.Now + _offset;

    /// <summary>Adds processing time that the scheduler does not see.</summary>
    public void Advance(TimeSpan by) => _offset += by;
}
