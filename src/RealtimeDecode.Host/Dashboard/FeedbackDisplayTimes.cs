using RealtimeDecode.Engine.Recording;

namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// Display times of the participant display, for <c>feedback.tsv</c>'s <c>displayed_ms</c>.
/// <see cref="FeedbackDisplaySink"/> registers each frame it publishes with its volume's file-complete
/// timestamp; the page acknowledges each frame it draws (hub method <c>FeedbackDrawn</c>).
/// </summary>
/// <remarks>
/// displayed_ms = (host's monotonic time when the acknowledgement arrives − the volume's file-complete
/// timestamp <see cref="Engine.Pipeline.FrameTiming.DetectedTimestamp"/>) − the page's own delay between its draw
/// (the start of the animation frame in which the new screen is painted, or the update if that frame started earlier) and
/// sending the acknowledgement. The page's delay
/// is a difference of its own clock, so no clock offset enters; what remains unmeasured is the one-way transit
/// of the acknowledgement (under 1 ms on loopback). The first acknowledgement of a frame counts (several open
/// displays: the first to draw). A frame not acknowledged within <see cref="Wait"/> of its publication is
/// settled as n/a. Thread-safe.
/// </remarks>
public sealed class FeedbackDisplayTimes : IFeedbackDisplayTimes
{
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly Dictionary<int, Entry> _entries = [];
    private int _run = 1;
    private int _lastRegistered = -1;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the store on the session's clock (the clock of the frames' timestamps).</summary>
    /// <param name="time">The session's time provider.</param>
    /// <param name="wait">How long after publication a frame may still be acknowledged (&gt; 0).</param>
    public FeedbackDisplayTimes(TimeProvider time, TimeSpan wait)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (wait <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(wait), "the acknowledgement wait must be > 0");
        _time = time;
        Wait = wait;
    }

    /// <summary>How long after publication a frame may still be acknowledged.</summary>
    public TimeSpan Wait { get; }

    /// <summary>A new run (scanner series) begins: volume numbers start again.</summary>
    public void StartRun(int run)
    {
        lock (_gate)
        {
            _entries.Clear();
            _run = run;
            _lastRegistered = -1;
        }
    }

    /// <summary>The display frame of <paramref name="volume"/> is being published.</summary>
    /// <param name="volume">The volume.</param>
    /// <param name="detectedTimestamp">Its file-complete timestamp (session clock).</param>
    public void Register(int volume, long detectedTimestamp)
    {
        lock (_gate)
        {
            if (!_entries.ContainsKey(volume)) _entries[volume] = new Entry(detectedTimestamp, _time.GetTimestamp());
            _lastRegistered = Math.Max(_lastRegistered, volume);
            Changed();
        }
    }

    /// <summary>A page drew the frame of <paramref name="volume"/> <paramref name="sinceDrawMs"/> ms before acknowledging it.</summary>
    /// <returns>False when the frame is unknown, of another run, already acknowledged, or the delay is not a finite non-negative number.</returns>
    public bool Acknowledge(int run, int volume, double sinceDrawMs)
    {
        if (!double.IsFinite(sinceDrawMs) || sinceDrawMs < 0) return false;
        long now = _time.GetTimestamp();
        lock (_gate)
        {
            if (run != _run || !_entries.TryGetValue(volume, out var e) || !double.IsNaN(e.DisplayedMs)) return false;
            e.DisplayedMs = Math.Max(0, Ms(now - e.Detected) - sinceDrawMs);
            Changed();
            return true;
        }
    }

    /// <inheritdoc />
    public bool TryGetDisplayedMs(int volume, out double displayedMs)
    {
        displayedMs = double.NaN;
        lock (_gate)
        {
            if (!_entries.TryGetValue(volume, out var e)) return volume <= _lastRegistered; // never shown, or not yet published
            displayedMs = e.DisplayedMs;
            return !double.IsNaN(e.DisplayedMs) || _time.GetElapsedTime(e.Published) >= Wait;
        }
    }

    /// <inheritdoc />
    /// <remarks>Waits until the display has published every volume up to <paramref name="lastVolume"/> and each is
    /// acknowledged or past its <see cref="Wait"/>; at most <see cref="Wait"/> for a volume not yet published.</remarks>
    public async Task WhenSettledAsync(int lastVolume, CancellationToken cancellationToken)
    {
        long start = _time.GetTimestamp();
        while (true)
        {
            Task changed;
            TimeSpan next;
            lock (_gate)
            {
                var open = _entries.Where(kv => kv.Key <= lastVolume && double.IsNaN(kv.Value.DisplayedMs))
                    .Select(kv => Wait - _time.GetElapsedTime(kv.Value.Published)).Where(left => left > TimeSpan.Zero).ToList();
                bool published = _lastRegistered >= lastVolume;
                if (published && open.Count == 0) return;
                next = published ? open.Min() : Wait - _time.GetElapsedTime(start);
                if (next <= TimeSpan.Zero) return;
                changed = _changed.Task;
            }
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(next, _time, cts.Token);
            await Task.WhenAny(changed, delay).ConfigureAwait(false);
            cts.Cancel();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private void Changed()
    {
        var done = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.TrySetResult();
    }

    private double Ms(long ticks) => ticks * 1000.0 / _time.TimestampFrequency;

    private sealed class Entry(long detected, long published)
    {
        public long Detected { get; } = detected;
        public long Published { get; } = published;
        public double DisplayedMs { get; set; } = double.NaN;
    }
}
