using System.Threading.Channels;
using Serilog;
using ILogger = Serilog.ILogger;
using StackExchange.Redis;

namespace RealtimeDecode.Host.Dashboard.Redis;

/// <summary>
/// Publishes a decoder's own session to Redis: every event its <see cref="DashboardBroadcaster"/> publishes
/// is appended, in sequence order, to the session's capped stream (<see cref="RedisKeys"/>), and the session
/// is listed with its state. It runs on its own task behind an unbounded queue that the pipeline's dashboard
/// output only appends to, so Redis never slows or stops the decoder. While Redis is unreachable each event
/// is counted as dropped and not retried one by one; once Redis answers again the publisher catches up from
/// the broadcaster's backlog (the session so far: status, every estimate and QC row, the latest matrix) from
/// the first event Redis lacks (after the last one its stream holds: a Redis restarted empty gets the whole
/// backlog again), then goes on live. Remote hosts skip any event they already have (by its
/// sequence number), so a write that was applied but not acknowledged is harmless.
/// </summary>
internal sealed class RedisSessionPublisher : IAsyncDisposable
{
    private readonly DashboardBroadcaster _own;
    private readonly RedisConnection _redis;
    private readonly string _session;
    private readonly int _streamLength;
    private readonly TimeSpan _expiry;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly string? _hostUrl;
    private readonly Channel<ISessionEvent> _queue = Channel.CreateUnbounded<ISessionEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();
    private readonly double _started;
    private long _written, _published, _dropped;
    private bool _behind;
    private long _touched;
    private SessionListing? _listing;

    /// <param name="own">The decoder's broadcaster, whose <see cref="DashboardBroadcaster.SessionId"/> is set.</param>
    /// <param name="hostUrl">The decoder's dashboard address, listed with the session (or null).</param>
    /// <param name="startedUnixMs">When the session started (Unix ms, wall clock), listed as its start; null: now.</param>
    public RedisSessionPublisher(DashboardBroadcaster own, RedisConnection redis, DashboardOptions options, string? hostUrl, TimeProvider? time = null, ILogger? log = null,
        double? startedUnixMs = null)
    {
        ArgumentNullException.ThrowIfNull(own);
        _session = own.SessionId ?? throw new ArgumentException("The broadcaster names no session.", nameof(own));
        _own = own;
        _redis = redis;
        _streamLength = options.RedisStreamLength;
        _expiry = TimeSpan.FromMinutes(options.RedisExpiryMinutes);
        _time = time ?? TimeProvider.System;
        _log = log ?? Serilog.Log.Logger;
        _hostUrl = hostUrl;
        _started = startedUnixMs ?? NowMs();
        _touched = _time.GetTimestamp();
        _behind = own.LastSeq > 0; // events published before this publisher existed come from the backlog
        own.Published = (_, m) => _queue.Writer.TryWrite(m);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Events written to Redis (catch-up included).</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Events that could not be written when published (Redis unreachable); caught up later from the backlog when Redis is back in time.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The last sequence number Redis has of this session.</summary>
    public long Written => Interlocked.Read(ref _written);

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<ISessionEvent>();
        while (true)
        {
            bool open;
            using (var wake = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                wake.CancelAfter(TimeSpan.FromSeconds(1)); // look again at the connection now and then, to catch up without new events
                try { open = await reader.WaitToReadAsync(wake.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (!_stop.IsCancellationRequested) { open = true; }
                catch (OperationCanceledException) { return; }
            }
            batch.Clear();
            while (batch.Count < 512 && reader.TryRead(out var m)) batch.Add(m);
            if (!_redis.IsConnected)
            {
                Lost(batch.Count(m => m.Seq > Written));
            }
            else
            {
                try
                {
                    if (_behind) await CatchUpAsync().ConfigureAwait(false);
                    await WriteAsync(batch.Where(m => m.Seq > Written).ToList()).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Whatever Redis or its client throws stays here: the events count as dropped and are caught up later.
                    Lost(batch.Count(m => m.Seq > Written));
                    _log.Debug(e, "Redis write failed");
                }
            }
            if (open && !_behind && _redis.IsConnected && _time.GetElapsedTime(_touched) >= SessionListing.Heartbeat)
            {
                // The heartbeat: hosts show a session without news for SessionListing.StaleAfter as stale.
                try { await TouchAsync().ConfigureAwait(false); }
                catch (Exception e) when (e is not OperationCanceledException) { _log.Debug(e, "Redis heartbeat failed"); }
            }
            if (!open && batch.Count == 0)
            {
                if (!_behind) return;
                // ended while Redis is away: wait for it (FlushAsync bounds the wait)
                if (!_redis.IsConnected)
                {
                    try { await Task.Delay(TimeSpan.FromMilliseconds(200), _time, _stop.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException) { return; }
                }
            }
        }
    }

    private void Lost(int events)
    {
        Interlocked.Add(ref _dropped, events);
        if (!_behind) _log.Warning("Redis {Endpoints} unreachable: publication of session {Session} paused (counted as dropped); the decoder goes on", _redis.Endpoints, _session);
        _behind = true;
    }

    private async Task CatchUpAsync()
    {
        var snap = _own.Snapshot();
        var missing = new List<ISessionEvent>();
        missing.AddRange(snap.Estimates);
        missing.AddRange(snap.Qc);
        if (snap.Connectivity is { } c) missing.Add(c);
        missing.Add(snap.Status);
        // Redis may have come back empty (restarted without persistence) or with more than was acknowledged:
        // what it lacks starts after the last event its stream holds, not after the last one this publisher wrote.
        long from = await LastInRedisAsync().ConfigureAwait(false);
        Interlocked.Exchange(ref _written, from);
        var todo = missing.Where(m => m.Seq > from).OrderBy(m => m.Seq).ToList();
        await WriteAsync(todo).ConfigureAwait(false);
        if (Dropped > 0)
            _log.Information("Redis {Endpoints} reachable: session {Session} caught up with {Count} events from its backlog", _redis.Endpoints, _session, todo.Count);
        _behind = false;
    }

    /// <summary>The sequence number of the last event the session's stream holds in Redis (0: none).</summary>
    private async Task<long> LastInRedisAsync()
    {
        var last = await _redis.Multiplexer.GetDatabase().StreamRangeAsync(RedisKeys.Events(_session), "-", "+", 1, Order.Descending).ConfigureAwait(false);
        if (last.Length == 0) return 0;
        return EventCodec.Decode(last[0][RedisKeys.EventField], ((byte[]?)last[0][RedisKeys.DataField]) ?? []) is { } m ? m.Seq : 0;
    }

    private async Task WriteAsync(IReadOnlyList<ISessionEvent> events)
    {
        if (events.Count == 0) return;
        var db = _redis.Multiplexer.GetDatabase();
        var key = RedisKeys.Events(_session);
        var adds = new Task<RedisValue>[events.Count];
        for (int i = 0; i < events.Count; i++)
        {
            var m = events[i];
            if (m is StatusMessage s) _listing = Listing(s);
            adds[i] = db.StreamAddAsync(key,
                [new NameValueEntry(RedisKeys.EventField, DashboardEvents.NameOf(m)), new NameValueEntry(RedisKeys.DataField, EventCodec.Encode(m))],
                maxLength: _streamLength, useApproximateMaxLength: true);
        }
        var listing = Current();
        _touched = _time.GetTimestamp();
        var info = db.StringSetAsync(RedisKeys.Info(_session), EventCodec.Encode(listing), _expiry);
        var expire = db.KeyExpireAsync(key, _expiry);
        var index = db.SortedSetAddAsync(RedisKeys.Sessions, _session, listing.UpdatedUnixMs);
        try
        {
            for (int i = 0; i < adds.Length; i++)
            {
                await adds[i].ConfigureAwait(false);
                Interlocked.Exchange(ref _written, events[i].Seq);
                Interlocked.Increment(ref _published);
            }
            await Task.WhenAll(info, expire, index).ConfigureAwait(false);
        }
        finally
        {
            // Observe every task, so a failure of one does not go unobserved.
            foreach (var t in adds) _ = t.ContinueWith(x => x.Exception, TaskScheduler.Default);
            _ = Task.WhenAll(info, expire, index).ContinueWith(x => x.Exception, TaskScheduler.Default);
        }
        await _redis.Multiplexer.GetSubscriber().PublishAsync(RedisKeys.Notify, _session).ConfigureAwait(false);
    }

    /// <summary>The session's entry now: its last status, the volumes seen so far (a status is published only when the state
    /// changes) and the time of this write.</summary>
    private SessionListing Current() =>
        (_listing ?? Listing(_own.Status)) with { UpdatedUnixMs = NowMs(), VolumesSeen = _own.Status.VolumesSeen };

    /// <summary>Refreshes the session's entry and its keys' expiry without an event.</summary>
    private async Task TouchAsync()
    {
        var db = _redis.Multiplexer.GetDatabase();
        var listing = Current();
        _touched = _time.GetTimestamp();
        await Task.WhenAll(
            db.StringSetAsync(RedisKeys.Info(_session), EventCodec.Encode(listing), _expiry),
            db.KeyExpireAsync(RedisKeys.Events(_session), _expiry),
            db.SortedSetAddAsync(RedisKeys.Sessions, _session, listing.UpdatedUnixMs)).ConfigureAwait(false);
    }

    private SessionListing Listing(StatusMessage s) =>
        new(_session, s.State, s.Session?.Run, s.Session?.Model, s.Session?.Targets, s.Session?.Tr,
            s.VolumesSeen, s.Session?.ExpectedVolumes, _started, NowMs(), _hostUrl);

    private double NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Stops taking events and writes what Redis still lacks, waiting at most <paramref name="timeout"/>
    /// (Redis may be away); returns the number of events Redis still lacks.
    /// </summary>
    public async Task<long> FlushAsync(TimeSpan timeout)
    {
        _own.Published = null;
        _queue.Writer.TryComplete();
        if (await Task.WhenAny(_loop, Task.Delay(timeout, _time)).ConfigureAwait(false) != _loop) await _stop.CancelAsync().ConfigureAwait(false);
        try { await _loop.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        catch (Exception e) { _log.Warning(e, "Redis publisher of session {Session} failed", _session); } // never the session's failure
        return Math.Max(0, _own.LastSeq - Written);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_loop.IsCompleted) await FlushAsync(TimeSpan.Zero).ConfigureAwait(false);
        _stop.Dispose();
    }
}
