using System.Reactive.Concurrency;
using RealtimeDecode.Engine.Pipeline;

namespace RealtimeDecode.Engine.Ingest;

/// <summary>
/// Puts the volumes of one run back in index order. An arrival with the next expected index is
/// released at once, together with any consecutive volumes waiting behind it; a later one waits.
/// A gap (the next expected index) is declared <see cref="VolumeStatus.Missing"/> once
/// <see cref="ReorderOptions.MissingAfter"/> has passed on the scheduler's clock since the earliest
/// arrival of a volume waiting behind it (checked by <see cref="Expire"/>), or at once when more than
/// <see cref="ReorderOptions.Capacity"/> volumes wait. A second file for an index that is waiting or
/// already released is a <see cref="VolumeStatus.Duplicate"/>; a file for an index already declared
/// missing is <see cref="VolumeStatus.Late"/>: both are returned as reports (never processed) and counted.
/// Every method returns what it releases, in order; a missing volume carries the series of the last arrival. Not thread-safe: call it from one scheduler.
/// </summary>
public sealed class ReorderBuffer
{
    private readonly ReorderOptions _options;
    private readonly IScheduler _clock;
    private readonly TimeProvider _time;
    private readonly SortedDictionary<int, (VolumeArrival Arrival, DateTimeOffset At)> _waiting = new();
    private readonly HashSet<int> _declaredMissing = [];
    private int _next;
    private int _series;
    private TimeSpan _missingAfter;

    /// <summary>Creates an empty buffer.</summary>
    /// <param name="options">Timeout, capacity, first index.</param>
    /// <param name="clock">Scheduler whose clock (<see cref="IScheduler.Now"/>) measures the timeout.</param>
    /// <param name="time">Monotonic clock for the detection timestamp of volumes declared missing.</param>
    public ReorderBuffer(ReorderOptions options, IScheduler clock, TimeProvider time)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _next = options.FirstIndex;
        _missingAfter = options.MissingAfter;
    }

    /// <summary>How long a gap may stay open after a later volume arrived (<see cref="ReorderOptions.MissingAfter"/> at
    /// first); changed when the run's TR becomes known only after its first volumes. Positive.</summary>
    public TimeSpan MissingAfter
    {
        get => _missingAfter;
        set
        {
            if (value <= TimeSpan.Zero)
                throw new ArgumentOutOfRangeException(nameof(value), $"The missing timeout must be positive, got {value.TotalSeconds} s.");
            _missingAfter = value;
        }
    }

    /// <summary>The next index to be released.</summary>
    public int NextIndex => _next;

    /// <summary>Volumes waiting behind a gap.</summary>
    public int WaitingCount => _waiting.Count;

    /// <summary>Duplicate files seen.</summary>
    public int DuplicateCount { get; private set; }

    /// <summary>Files that arrived after their volume had been declared missing.</summary>
    public int LateCount { get; private set; }

    /// <summary>Volumes declared missing.</summary>
    public int MissingCount { get; private set; }

    /// <summary>When the current gap will be declared missing (scheduler clock), or null when nothing waits.</summary>
    public DateTimeOffset? NextDeadline
    {
        get
        {
            if (_waiting.Count == 0) return null;
            var earliest = DateTimeOffset.MaxValue;
            foreach (var w in _waiting.Values) if (w.At < earliest) earliest = w.At;
            return earliest + _missingAfter;
        }
    }

    /// <summary>Adds an arrival (status Ok) and returns what it releases, in order.</summary>
    public IReadOnlyList<VolumeArrival> Add(VolumeArrival arrival)
    {
        ArgumentNullException.ThrowIfNull(arrival);
        var released = new List<VolumeArrival>();
        int index = arrival.Index;
        _series = arrival.Series;
        if (index < _next || _waiting.ContainsKey(index))
        {
            if (_declaredMissing.Remove(index))
            {
                LateCount++;
                released.Add(arrival with { Status = VolumeStatus.Late });
            }
            else
            {
                DuplicateCount++;
                released.Add(arrival with { Status = VolumeStatus.Duplicate });
            }
            return released;
        }

        _waiting.Add(index, (arrival, _clock.Now));
        ReleaseConsecutive(released);
        while (_waiting.Count > _options.Capacity)
        {
            DeclareMissing(released);
            ReleaseConsecutive(released);
        }
        return released;
    }

    /// <summary>Declares missing every gap whose timeout has passed on the scheduler's clock; returns what that releases.</summary>
    /// <param name="lastChance">Asked for each gap about to be declared missing: an arrival it returns (for that
    /// index) fills the slot instead, e.g. a file that is there but never became complete, so it is read (and
    /// reported for what is wrong with it) rather than counted missing with no file.</param>
    public IReadOnlyList<VolumeArrival> Expire(Func<int, VolumeArrival?>? lastChance = null)
    {
        var released = new List<VolumeArrival>();
        var now = _clock.Now;
        while (NextDeadline is { } deadline && now >= deadline)
        {
            DeclareMissing(released, lastChance);
            ReleaseConsecutive(released);
        }
        return released;
    }

    /// <summary>End of the run: declares every remaining gap missing and releases all waiting volumes.</summary>
    /// <param name="lastChance">As for <see cref="Expire"/>.</param>
    public IReadOnlyList<VolumeArrival> Flush(Func<int, VolumeArrival?>? lastChance = null)
    {
        var released = new List<VolumeArrival>();
        while (_waiting.Count > 0)
        {
            DeclareMissing(released, lastChance);
            ReleaseConsecutive(released);
        }
        return released;
    }

    private void ReleaseConsecutive(List<VolumeArrival> released)
    {
        while (_waiting.Remove(_next, out var w))
        {
            released.Add(w.Arrival);
            _next++;
        }
    }

    private void DeclareMissing(List<VolumeArrival> released, Func<int, VolumeArrival?>? lastChance = null)
    {
        if (_waiting.ContainsKey(_next)) return;
        if (lastChance?.Invoke(_next) is { } filler)
        {
            released.Add(filler with { Index = _next });
            _next++;
            return;
        }
        MissingCount++;
        _declaredMissing.Add(_next);
        released.Add(new VolumeArrival(_next, null, _time.GetTimestamp(), VolumeStatus.Missing, Series: _series));
        _next++;
    }
}
