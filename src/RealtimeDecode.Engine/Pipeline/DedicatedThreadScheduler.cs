using System.Diagnostics;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// An Rx scheduler that runs everything on one thread of its own, one action at a time, in order (FIFO for
/// actions due now, due time then order of scheduling for timed ones), like <see cref="EventLoopScheduler"/>,
/// but whose idle thread blocks at once instead of spinning first.
/// </summary>
/// <remarks>
/// <para><see cref="EventLoopScheduler"/> waits on a <see cref="SemaphoreSlim"/>, which spins before it blocks,
/// yielding the processor about 25 times (<c>sched_yield</c>). Each volume wakes the watcher's and the
/// pipeline's loops; a loop that has just handed a volume on spins on the core the pipeline was woken on, so on
/// a machine with few cores the volume's read and decode were interleaved with those yields, every few
/// microseconds. This scheduler waits with <see cref="Monitor.Wait(object, int)"/>, which blocks without
/// spinning, and its timed actions wake it through the wait's own timeout rather than through a timer thread.</para>
/// <para>Actions scheduled after <see cref="Dispose"/> are refused (<see cref="ObjectDisposedException"/>), but for
/// those the action running at disposal schedules, which are dropped; actions still queued at disposal never run. An action that throws ends the thread, as it would
/// <see cref="EventLoopScheduler"/>'s.</para>
/// </remarks>
public sealed class DedicatedThreadScheduler : LocalScheduler, IDisposable
{
    private readonly object _gate = new();
    private readonly Queue<ScheduledItem<TimeSpan>> _ready = new();
    private readonly PriorityQueue<ScheduledItem<TimeSpan>, (TimeSpan Due, long Order)> _timed = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Thread _thread;
    private long _order;
    private bool _disposed;

    /// <summary>Starts the scheduler's thread (a background thread named <paramref name="threadName"/>).</summary>
    public DedicatedThreadScheduler(string threadName)
    {
        ArgumentException.ThrowIfNullOrEmpty(threadName);
        _thread = new Thread(Run) { Name = threadName, IsBackground = true };
        _thread.Start();
    }

    /// <inheritdoc/>
    public override IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var delay = Scheduler.Normalize(dueTime);
        lock (_gate)
        {
            if (_disposed)
            {
                // The action running here when the scheduler was disposed may still schedule its next step (a
                // recursive timer's): that is dropped, as everything queued is. A refusal would end this thread, and
                // with it the process.
                if (Thread.CurrentThread == _thread) return Disposable.Empty;
                ObjectDisposedException.ThrowIf(_disposed, this);
            }
            var due = _clock.Elapsed + delay;
            var item = new ScheduledItem<TimeSpan, TState>(this, state, action, due);
            if (delay == TimeSpan.Zero) _ready.Enqueue(item);
            else _timed.Enqueue(item, (due, _order++));
            // The thread is either running an action (and will look at the queues before it waits) or waiting on
            // the gate: one pulse is enough, and costs nothing when nobody waits.
            Monitor.Pulse(_gate);
            return item;
        }
    }

    /// <summary>
    /// Queues <paramref name="action"/> here to run <paramref name="dueTime"/> − <see cref="LocalScheduler.Now"/> from now,
    /// as any timed action. <see cref="LocalScheduler"/> would keep an action due more than a few seconds ahead in Rx's
    /// process-wide queue, which outlives this scheduler: after <see cref="Dispose"/>, a change of the system clock
    /// handed such an action back here on a timer thread, and the refusal ended the process.
    /// </summary>
    public override IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action) =>
        Schedule(state, dueTime - Now, action);

    /// <summary>Stops the thread after the action it is running, if any; queued actions are dropped.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _ready.Clear();
            _timed.Clear();
            Monitor.Pulse(_gate);
        }
    }

    private void Run()
    {
        while (Next() is { } item)
            if (!item.IsCanceled) item.Invoke();
    }

    /// <summary>The next action to run, waiting until one is due; null once disposed.</summary>
    private ScheduledItem<TimeSpan>? Next()
    {
        lock (_gate)
        {
            while (!_disposed)
            {
                var now = _clock.Elapsed;
                while (_timed.TryPeek(out var timed, out var key) && key.Due <= now)
                {
                    _timed.Dequeue();
                    _ready.Enqueue(timed);
                }
                if (_ready.TryDequeue(out var ready)) return ready;
                if (_timed.TryPeek(out _, out var next))
                {
                    // Monitor.Wait takes whole milliseconds at most int.MaxValue; round up so a due item is never
                    // woken for early, and wait again for what is left of a very long delay.
                    double ms = Math.Ceiling((next.Due - now).TotalMilliseconds);
                    Monitor.Wait(_gate, (int)Math.Min(ms, int.MaxValue - 1));
                }
                else
                {
                    Monitor.Wait(_gate);
                }
            }
            return null;
        }
    }
}
