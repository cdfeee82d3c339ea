using RealtimeDecode.Host.Dashboard;

namespace RealtimeDecode.Host.Tests.Dashboard;

/// <summary>The per-connection token bucket in virtual time.</summary>
public sealed class InvocationBudgetTests
{
    /// <summary>A clock that moves only when told: 1 tick = 1 ms.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public long Ms { get; set; }
        public override long GetTimestamp() => Ms;
        public override long TimestampFrequency => 1000;
    }

    [Fact]
    public void TryTake_BurstThenRefill_AcceptsBurstAtOnceThenOnePerRateInterval()
    {
        var clock = new ManualClock { Ms = 5_000 };
        var budget = new InvocationBudget(rate: 4, burst: 3, closeAfter: 100, clock);
        for (int i = 0; i < 3; i++) Assert.Equal(InvocationVerdict.Accept, budget.TryTake());
        Assert.Equal(InvocationVerdict.Refuse, budget.TryTake());
        clock.Ms += 249; // 0.996 of a token
        Assert.Equal(InvocationVerdict.Refuse, budget.TryTake());
        clock.Ms += 2; // past one token since the last take
        Assert.Equal(InvocationVerdict.Accept, budget.TryTake());
        clock.Ms += 60_000; // a long quiet while refills the burst, no more
        for (int i = 0; i < 3; i++) Assert.Equal(InvocationVerdict.Accept, budget.TryTake());
        Assert.Equal(InvocationVerdict.Refuse, budget.TryTake());
    }

    [Fact]
    public void TryTake_ClientAtTheRate_IsNeverRefused()
    {
        var clock = new ManualClock();
        var budget = new InvocationBudget(rate: 0.5, burst: 1, closeAfter: 1, clock);
        for (int i = 0; i < 1000; i++, clock.Ms += 2000) Assert.Equal(InvocationVerdict.Accept, budget.TryTake());
    }

    [Fact]
    public void TryTake_OneAndAHalfTimesTheRate_RefusedButNeverClosed()
    {
        var clock = new ManualClock();
        var budget = new InvocationBudget(rate: 10, burst: 10, closeAfter: 5, clock);
        int accepted = 0, refused = 0;
        for (int i = 0; i < 15_000; i++) // 1000 s at 15 per second
        {
            clock.Ms = i * 1000L / 15;
            var v = budget.TryTake();
            Assert.NotEqual(InvocationVerdict.Close, v);
            if (v == InvocationVerdict.Accept) accepted++; else refused++;
        }
        // 10 per second get through (plus the first burst), the rest are refused.
        Assert.InRange(accepted, 10_000 - 1, 10_000 + 12);
        Assert.Equal(15_000 - accepted, refused);
    }

    [Fact]
    public void TryTake_ThreeTimesTheRate_ClosesOnceRefusalsOutrunForgiveness()
    {
        var clock = new ManualClock();
        var budget = new InvocationBudget(rate: 10, burst: 10, closeAfter: 20, clock);
        int i = 0;
        InvocationVerdict v;
        do { clock.Ms = i++ * 1000L / 30; v = budget.TryTake(); }
        while (v != InvocationVerdict.Close && i < 100_000);
        Assert.Equal(InvocationVerdict.Close, v);
        // The burst empties after ~0.5 s; then refusals grow by 30 − 10 − 10 = 10 per second: about 2.5 s in all.
        double seconds = clock.Ms / 1000.0;
        Assert.InRange(seconds, 2.0, 3.0);
    }

    [Fact]
    public void Constructor_NonPositiveRate_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new InvocationBudget(0, 1, 1, TimeProvider.System));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InvocationBudget(double.NaN, 1, 1, TimeProvider.System));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InvocationBudget(1, 0, 1, TimeProvider.System));
    }
}
