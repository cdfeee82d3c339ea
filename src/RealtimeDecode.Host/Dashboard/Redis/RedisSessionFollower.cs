using Serilog;
using ILogger = Serilog.ILogger;
using StackExchange.Redis;

namespace RealtimeDecode.Host.Dashboard.Redis;

/// <summary>
/// Feeds a session decoded on another host into this host's <see cref="DashboardBroadcaster"/> for it:
/// reads the session's stream from its first entry (the backlog), then each new entry as the decoder
/// announces it (or at least every half second), in stream order. Entries already taken (same or lower
/// sequence number) are skipped, so a decoder catching up after an outage adds only what was missing.
/// While Redis is unreachable it keeps what it has and resumes from its last entry. A viewer joins only once
/// <see cref="CatchUpAsync"/> has seen every entry the stream held when it asked taken: what was published before
/// the join is in its snapshot, and only what comes after reaches it as live. A session whose id a new decoder took over
/// (its entry names another start time) is followed anew: what was kept of the old one is dropped
/// (<see cref="DashboardBroadcaster.Restart"/>) and the new session's stream is read from its first entry. Entries are
/// taken only once the session's entry, read after them, names the session followed: a new session's first events never
/// join the old one's (a viewer's snapshot would mix the two sessions).
/// </summary>
internal sealed class RedisSessionFollower : IAsyncDisposable
{
    private const int Page = 512;
    private readonly string _session;
    private readonly DashboardBroadcaster _feed;
    private readonly RedisConnection _redis;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private long _looked;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly object _gate = new();
    private RedisValue _position = "0-0";
    private EntryId _taken;
    private double? _started;
    private bool _replaced;
    private TaskCompletionSource _pass = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="time">The clock of the looks at the session's entry (liveness: <see cref="SessionListing.StaleAfter"/>).</param>
    public RedisSessionFollower(string session, DashboardBroadcaster feed, RedisConnection redis, ILogger log, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _looked = _time.GetTimestamp() - (long)(SessionListing.Heartbeat.TotalSeconds * _time.TimestampFrequency);
        _session = session;
        _feed = feed;
        _redis = redis;
        _log = log;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>New entries were announced.</summary>
    public void Signal()
    {
        try { if (_signal.CurrentCount == 0) _signal.Release(); }
        catch (SemaphoreFullException) { }
        catch (ObjectDisposedException) { }
    }

    private async Task RunAsync()
    {
        var key = RedisKeys.Events(_session);
        bool failing = false;
        while (!_stop.IsCancellationRequested)
        {
            bool full = false, restart;
            lock (_gate)
            {
                // Under the lock: a viewer waiting to join sees the old session either kept or gone, never half gone.
                restart = _replaced;
                _replaced = false;
                if (restart)
                {
                    _taken = default;
                    _feed.Restart();
                }
            }
            if (restart)
            {
                _position = "0-0";
                _looked = _time.GetTimestamp() - (long)(SessionListing.Heartbeat.TotalSeconds * _time.TimestampFrequency);
                _log.Information("Session {Session} taken over by a new decoder: its earlier run dropped here, the new one followed from its start", _session);
            }
            try
            {
                var entries = await _redis.Multiplexer.GetDatabase().StreamReadAsync(key, _position, Page).ConfigureAwait(false);
                // Entries of a new session of the id, read before the 2-s look noticed it, would be mixed into the old one's.
                if (entries.Length > 0 && !await LookAsync().ConfigureAwait(false)) entries = [];
                foreach (var e in entries)
                {
                    _position = e.Id;
                    var m = EventCodec.Decode(e[RedisKeys.EventField], ((byte[]?)e[RedisKeys.DataField]) ?? []);
                    if (m is not null) _feed.Ingest(m);
                    if (EntryId.TryParse(e.Id, out var id)) lock (_gate) _taken = id;
                }
                full = entries.Length == Page;
                if (!full && _time.GetElapsedTime(_looked) >= SessionListing.Heartbeat) await LookAsync().ConfigureAwait(false);
                if (failing) _log.Debug("Redis reachable again: following session {Session}", _session);
                failing = false;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (!failing) _log.Debug("Redis unreachable while following session {Session}: {Error}", _session, e.Message);
                failing = true;
            }
            // Each pass, read or not, wakes those waiting to join: they look again at what has been taken.
            Interlocked.Exchange(ref _pass, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            if (full) continue;
            try { await _signal.WaitAsync(TimeSpan.FromMilliseconds(500), _stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>
    /// Reads the session's entry: while it is live but stale, the feed tells its viewers since when there is no news.
    /// True when the entry names the session followed: entries just read are then its own, since a decoder taking the id
    /// over removes the entry before it writes its first event, and writes its own entry with it. False when it names
    /// another start time (followed anew on the next pass), or when there is none but there was (a takeover under way:
    /// the entries wait for the next pass).
    /// </summary>
    private async Task<bool> LookAsync()
    {
        _looked = _time.GetTimestamp();
        var info = await _redis.Multiplexer.GetDatabase().StringGetAsync(RedisKeys.Info(_session)).ConfigureAwait(false);
        if (info.IsNull || EventCodec.DecodeListing((byte[])info!) is not { } l) { lock (_gate) return _started is null; }
        if (Adopt(l)) return false;
        _feed.SetStale(l.IsStaleAt(_time.GetUtcNow().ToUnixTimeMilliseconds()) ? l.UpdatedUnixMs : null);
        return true;
    }

    /// <summary>
    /// The session's entry as read now: the first one read gives the start time of the session followed; one with another
    /// start time is a new session of the same id, to be followed anew on the loop's next pass (true).
    /// </summary>
    private bool Adopt(SessionListing listing)
    {
        lock (_gate)
        {
            if (_started is not { } started) { _started = listing.StartedUnixMs; return false; }
            if (started == listing.StartedUnixMs) return false;
            _started = listing.StartedUnixMs;
            _replaced = true;
        }
        Signal();
        return true;
    }

    /// <summary>
    /// Waits until every entry the session's stream holds now has been taken into the feed (at most
    /// <paramref name="timeout"/>); when the session was taken over by a new decoder, until the old one is dropped and
    /// the new one read. True when caught up, or when Redis cannot say what it holds (a viewer is then
    /// served what this host has, then the rest); false when the wait timed out.
    /// </summary>
    public async Task<bool> CatchUpAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct = default)
    {
        EntryId end = default;
        try
        {
            var db = _redis.Multiplexer.GetDatabase();
            var lastRead = db.StreamRangeAsync(RedisKeys.Events(_session), "-", "+", 1, Order.Descending);
            var infoRead = db.StringGetAsync(RedisKeys.Info(_session));
            await Task.WhenAll(lastRead, infoRead).ConfigureAwait(false);
            var (last, info) = (await lastRead.ConfigureAwait(false), await infoRead.ConfigureAwait(false));
            bool replaced = !info.IsNull && EventCodec.DecodeListing((byte[])info!) is { } l && Adopt(l);
            if ((last.Length == 0 || !EntryId.TryParse(last[0].Id, out end)) && !replaced) return true;
        }
        catch (Exception e) when (e is not OperationCanceledException) { return true; }
        Signal();
        long started = time.GetTimestamp();
        while (true)
        {
            var pass = Volatile.Read(ref _pass).Task;
            lock (_gate) if (!_replaced && _taken.CompareTo(end) >= 0) return true;
            var left = timeout - time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero || _loop.IsCompleted) return false;
            try { await pass.WaitAsync(left, time, ct).ConfigureAwait(false); }
            catch (TimeoutException) { return false; }
        }
    }

    /// <summary>A stream entry's id, <c>ms-seq</c>, ordered as Redis orders them.</summary>
    private readonly record struct EntryId(long Ms, long Seq) : IComparable<EntryId>
    {
        public int CompareTo(EntryId other) => Ms != other.Ms ? Ms.CompareTo(other.Ms) : Seq.CompareTo(other.Seq);

        public static bool TryParse(RedisValue id, out EntryId value)
        {
            var s = ((string?)id ?? "").Split('-');
            value = default;
            if (s.Length != 2 || !long.TryParse(s[0], System.Globalization.CultureInfo.InvariantCulture, out long ms)
                || !long.TryParse(s[1], System.Globalization.CultureInfo.InvariantCulture, out long seq)) return false;
            value = new EntryId(ms, seq);
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        _stop.Dispose();
        _signal.Dispose();
    }
}
