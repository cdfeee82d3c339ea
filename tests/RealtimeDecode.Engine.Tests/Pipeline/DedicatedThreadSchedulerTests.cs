using System.Diagnostics;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Pipeline;

public sealed class DedicatedThreadSchedulerTests
{
    [Fact]
    public async Task Schedule_ImmediateActions_RunInOrderOneAtATimeOnTheNamedThread()
    {
        using var scheduler = new DedicatedThreadScheduler("test loop");
        var order = new List<int>();
        var threads = new HashSet<string?>();
        int running = 0, overlapped = 0;
        var done = new TaskCompletionSource();
        for (int i = 0; i < 500; i++)
        {
            int k = i;
            scheduler.Schedule(() =>
            {
                if (Interlocked.Increment(ref running) > 1) overlapped++;
                order.Add(k);
                threads.Add(Thread.CurrentThread.Name);
                Interlocked.Decrement(ref running);
                if (k == 499) done.SetResult();
            });
        }
        await Bounded.Wait(done.Task, "500 actions");

        Assert.Equal(Enumerable.Range(0, 500), order);
        Assert.Equal(["test loop"], threads);
        Assert.Equal(0, overlapped);
    }

    [Fact]
    public async Task Schedule_TimedActions_RunInDueOrderAndNeverEarly()
    {
        using var scheduler = new DedicatedThreadScheduler("test loop");
        var runs = new List<(int Delay, double ElapsedMs)>();
        var clock = Stopwatch.StartNew();
        var done = new TaskCompletionSource();
        int[] delays = [60, 20, 40, 0, 20];
        foreach (int delay in delays)
        {
            int d = delay;
            scheduler.Schedule(TimeSpan.FromMilliseconds(d), () =>
            {
                runs.Add((d, clock.Elapsed.TotalMilliseconds));
                if (runs.Count == delays.Length) done.SetResult();
            });
        }
        await Bounded.Wait(done.Task, "the timed actions");

        // Equal delays keep the order they were scheduled in (the two 20 ms actions are indistinguishable here,
        // so the order is checked by delay); none runs before its delay has passed.
        Assert.Equal([0, 20, 20, 40, 60], runs.Select(r => r.Delay));
        Assert.All(runs, r => Assert.True(r.ElapsedMs >= r.Delay, $"the {r.Delay} ms action ran after {r.ElapsedMs:F1} ms"));
    }

    [Fact]
    public async Task Schedule_TimedActionsWithEqualDueTimes_KeepTheirOrder()
    {
        using var scheduler = new DedicatedThreadScheduler("test loop");
        var order = new List<int>();
        var done = new TaskCompletionSource();
        // Scheduled from the loop itself, so every due time is computed from the same clock reading order.
        scheduler.Schedule(() =>
        {
            for (int i = 0; i < 20; i++)
            {
                int k = i;
                scheduler.Schedule(TimeSpan.FromMilliseconds(30), () =>
                {
                    order.Add(k);
                    if (k == 19) done.SetResult();
                });
            }
        });
        await Bounded.Wait(done.Task, "the timed actions");
        Assert.Equal(Enumerable.Range(0, 20), order);
    }

    [Fact]
    public async Task Schedule_CancelledTimedAction_NeverRuns()
    {
        using var scheduler = new DedicatedThreadScheduler("test loop");
        int cancelledRan = 0;
        var later = new TaskCompletionSource();
        var cancelled = scheduler.Schedule(TimeSpan.FromMilliseconds(20), () => cancelledRan++);
        scheduler.Schedule(TimeSpan.FromMilliseconds(80), () => later.SetResult());
        cancelled.Dispose();
        await Bounded.Wait(later.Task, "the action after the cancelled one");
        Assert.Equal(0, cancelledRan);
    }

    [Fact]
    public async Task Dispose_DropsQueuedActionsRefusesNewOnesAndEndsTheThread()
    {
        var scheduler = new DedicatedThreadScheduler("test loop");
        var started = new TaskCompletionSource<Thread>();
        using var release = new ManualResetEventSlim();
        int queuedRan = 0;
        scheduler.Schedule(() =>
        {
            started.SetResult(Thread.CurrentThread);
            release.Wait();
        });
        scheduler.Schedule(() => queuedRan++);
        scheduler.Schedule(TimeSpan.FromMilliseconds(10), () => queuedRan++);
        var thread = await Bounded.Wait(started.Task, "the first action");

        scheduler.Dispose();
        release.Set();
        Assert.True(thread.Join(Bounded.Timeout), "the scheduler's thread did not end");
        Assert.Equal(0, queuedRan);
        Assert.Throws<ObjectDisposedException>(() => scheduler.Schedule(() => { }));
    }

    [Fact]
    public async Task Dispose_WhileAnActionRuns_ItsNextStepIsDroppedNotRefused()
    {
        // IdleCollector's check reschedules itself: disposed mid-check, the refusal ended the thread and the process.
        var scheduler = new DedicatedThreadScheduler("test loop");
        using var disposed = new ManualResetEventSlim();
        var running = new TaskCompletionSource();
        var scheduled = new TaskCompletionSource<Exception?>();
        int nextRan = 0;
        scheduler.Schedule(() =>
        {
            running.SetResult();
            disposed.Wait(Bounded.Timeout);
            try
            {
                scheduler.Schedule(TimeSpan.FromMilliseconds(1), () => nextRan++);
                scheduled.SetResult(null);
            }
            catch (Exception e) { scheduled.SetResult(e); }
        });
        await Bounded.Wait(running.Task, "the action");
        scheduler.Dispose();
        disposed.Set();

        Assert.Null(await Bounded.Wait(scheduled.Task, "the running action's next step"));
        await Task.Delay(50);
        Assert.Equal(0, nextRan);
        Assert.Throws<ObjectDisposedException>(() => scheduler.Schedule(() => { })); // from any other thread, still refused
    }

    [Fact]
    public async Task Schedule_AbsoluteDueTime_RunsHereNeverEarly()
    {
        using var scheduler = new DedicatedThreadScheduler("test loop");
        var ran = new TaskCompletionSource<(string? Thread, DateTimeOffset At)>();
        var due = scheduler.Now + TimeSpan.FromMilliseconds(30);
        scheduler.Schedule(due, () => ran.SetResult((Thread.CurrentThread.Name, scheduler.Now)));

        var (thread, at) = await Bounded.Wait(ran.Task, "the action due at an absolute time");
        Assert.Equal("test loop", thread);
        Assert.True(at >= due - TimeSpan.FromMilliseconds(1), $"ran at {at:O}, due {due:O}");
    }

    [Fact]
    public void Dispose_TimedAction_ASystemClockChangeAfterwardsFindsNothingToRun()
    {
        // An action due at an absolute time, then the scheduler disposed at the session's end, then the system clock
        // changes (a virtual machine's clock is stepped): Rx re-examines the timed work it holds for its schedulers,
        // and the action must not come back to the disposed one.
        var scheduler = new DedicatedThreadScheduler("test loop");
        int ran = 0;
        scheduler.Schedule(scheduler.Now + TimeSpan.FromSeconds(3), () => ran++);
        scheduler.Dispose();

        var clockChanged = typeof(System.Reactive.PlatformServices.SystemClock).GetMethod("OnSystemClockChanged",
            System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic);
        Assert.NotNull(clockChanged);
        var args = new System.Reactive.PlatformServices.SystemClockChangedEventArgs(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow + TimeSpan.FromMinutes(10));
        clockChanged.Invoke(null, [null, args]);   // throws ObjectDisposedException (wrapped) if the action went back to it
        Assert.Equal(0, ran);
    }

    [Fact]
    public async Task RxOperators_IntervalAndObserveOn_DeliverEverythingInOrder()
    {
        using var scheduler = new DedicatedThreadScheduler("test loop");
        using var other = new DedicatedThreadScheduler("test other");
        // Interval uses the periodic emulation over timed actions; ObserveOn hops to another dedicated thread;
        // Range recurses through immediate actions.
        var ticks = await Bounded.Wait(Observable.Interval(TimeSpan.FromMilliseconds(5), scheduler).Take(20)
            .ObserveOn(other).Select(t => (t, Thread.CurrentThread.Name)).ToList().ToTask(), "20 ticks");
        var range = await Bounded.Wait(Observable.Range(0, 1000, scheduler).ToList().ToTask(), "the range");

        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), ticks.Select(t => t.t));
        Assert.All(ticks, t => Assert.Equal("test other", t.Name));
        Assert.Equal(Enumerable.Range(0, 1000), range);
    }
}
