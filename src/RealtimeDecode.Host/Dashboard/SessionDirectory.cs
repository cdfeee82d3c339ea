using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using RealtimeDecode.Host.Dashboard.Redis;
using Serilog;
using StackExchange.Redis;

namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// The sessions this host serves: its own (the session it decodes, if any) and, with Redis, every session a
/// decoder publishes there, each fed into a <see cref="DashboardBroadcaster"/> of its own by a
/// <see cref="RedisSessionFollower"/> started when a client first asks for it. A client names its session with
/// <c>?session=ID</c>; without it, it gets the host's own session, or on a host that decodes none the live session
/// (not ended, failed or stale) that started last (<see cref="DefaultAsync"/>): a choice that heartbeats and events do not
/// change while the sessions stay live. A session followed here that no client of this host has watched for
/// <see cref="DashboardOptions.RedisIdleMinutes"/> is no longer followed (its reading of Redis stops and its
/// backlog is freed); a client asking for it later starts following it again from the stream.
/// </summary>
public sealed class SessionDirectory : IAsyncDisposable
{
    /// <summary>The query parameter that names a session.</summary>
    public const string QueryKey = "session";

    private readonly IHubContext<DecoderHub, IDecoderClient> _hub;
    private readonly DashboardOptions _options;
    private readonly RedisConnection? _redis;
    private readonly ConcurrentDictionary<string, Remote> _remote = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _idle;
    private readonly ITimer? _sweep;
    private int _subscribed;

    public SessionDirectory(DashboardBroadcaster own, IHubContext<DecoderHub, IDecoderClient> hub, DashboardOptions options, RedisConnection? redis = null, TimeProvider? time = null)
    {
        Own = own;
        _time = time ?? TimeProvider.System;
        _hub = hub;
        _options = options;
        _redis = redis;
        _idle = TimeSpan.FromMinutes(options.RedisIdleMinutes);
        if (redis is not null)
        {
            // Looked at four times per idle time (at most once a minute): a session is dropped between 1 and 1.25 idle times after its last client left.
            var period = TimeSpan.FromTicks(Math.Clamp(_idle.Ticks / 4, TimeSpan.TicksPerMillisecond * 100, TimeSpan.TicksPerMinute));
            _sweep = _time.CreateTimer(_ => Sweep(), null, period, period);
        }
    }

    /// <summary>The session this host decodes (its <see cref="DashboardBroadcaster.SessionId"/> is null on a host that decodes none).</summary>
    public DashboardBroadcaster Own { get; }

    /// <summary>True when this host serves the sessions published in Redis.</summary>
    public bool HasRedis => _redis is not null;

    /// <summary>Clients connected over all sessions.</summary>
    public int ClientCount => Own.ClientCount + _remote.Values.Sum(r => r.Feed.ClientCount);

    /// <summary>When this host's own session started (Unix ms; 0: not yet known), listed with it.</summary>
    public double OwnStartedUnixMs { get; set; }

    /// <summary>The dashboard address of this host's own session (as a decoder publishes it to Redis), listed with it; null: none.</summary>
    public string? OwnHost { get; set; }

    /// <summary>Ids of the sessions decoded elsewhere that this host follows now.</summary>
    public IReadOnlyCollection<string> Followed => _remote.Keys.ToArray();

    /// <summary>
    /// The broadcaster of session <paramref name="id"/> (null or empty: the default session), starting to
    /// follow it when it is published in Redis; null when no such session is known (or, without an id, none exists yet).
    /// </summary>
    public async Task<DashboardBroadcaster?> ResolveAsync(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            if (Own.SessionId is not null || _redis is null) return Own;
            id = await DefaultAsync().ConfigureAwait(false);
            if (id is null) return null;
        }
        if (!SessionIds.IsValid(id)) return null;
        if (id == Own.SessionId) return Own;
        if (_remote.TryGetValue(id, out var known)) return known.Use();
        if (_redis is null || !await ExistsAsync(id).ConfigureAwait(false)) return null;
        return Follow(id);
    }

    /// <summary>How long a viewer joining a session followed here waits at most for its backlog to be read from Redis.</summary>
    public static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Waits until <paramref name="feed"/>, when it is a session followed from Redis, holds every event its stream held
    /// when called (at most <see cref="JoinTimeout"/>): a viewer that joins then finds the backlog in its snapshot, and is sent
    /// as live only what is published after. The host's own session is always up to date.
    /// </summary>
    public async Task WhenJoinableAsync(DashboardBroadcaster feed, CancellationToken ct = default)
    {
        if (feed.SessionId is not { } id || !_remote.TryGetValue(id, out var r) || r.Feed != feed) return;
        if (!await r.Follower.CatchUpAsync(JoinTimeout, _time, ct).ConfigureAwait(false))
            Log.Warning("Session {Session}: its stream not read to its end within {Seconds} s; a viewer joins with what this host has, the rest follows as live",
                id, JoinTimeout.TotalSeconds);
    }

    /// <summary>The broadcaster of a session already resolved (<see cref="ResolveAsync"/>), or null.</summary>
    public DashboardBroadcaster? Find(string? id) =>
        string.IsNullOrEmpty(id) || id == Own.SessionId ? Own : _remote.TryGetValue(id, out var r) ? r.Use() : null;

    /// <summary>Live and recent sessions: this host's own first, then those in Redis, the most recently active first.</summary>
    public async Task<IReadOnlyList<SessionListing>> ListAsync()
    {
        var list = new List<SessionListing>();
        if (Own.SessionId is { } own)
        {
            var s = Own.Status;
            list.Add(new SessionListing(own, s.State, s.Session?.Run, s.Session?.Model, s.Session?.Targets, s.Session?.Tr,
                s.VolumesSeen, s.Session?.ExpectedVolumes, OwnStartedUnixMs, 0, OwnHost));
        }
        if (_redis is null || !_redis.IsConnected) return list;
        try
        {
            var db = _redis.Multiplexer.GetDatabase();
            double oldest = (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalMilliseconds - _options.RedisExpiryMinutes * 60_000;
            await db.SortedSetRemoveRangeByScoreAsync(RedisKeys.Sessions, double.NegativeInfinity, oldest).ConfigureAwait(false);
            double now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            foreach (var l in await ListedAsync(db).ConfigureAwait(false))
            {
                // This host's own session: its times and address as it published them, its state and count as of now.
                if (l.Session == Own.SessionId) list[0] = list[0] with { StartedUnixMs = l.StartedUnixMs, UpdatedUnixMs = l.UpdatedUnixMs, Host = l.Host };
                else list.Add(l with { Stale = l.IsStaleAt(now) });
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.Debug("Redis unreachable while listing sessions: {Error}", e.Message);
        }
        return list;
    }

    /// <summary>The entries of the (at most 200) sessions Redis lists, the most recently active first; an id whose entry has expired is left out.</summary>
    private static async Task<List<SessionListing>> ListedAsync(IDatabase db)
    {
        var ids = await db.SortedSetRangeByRankAsync(RedisKeys.Sessions, 0, 199, Order.Descending).ConfigureAwait(false);
        if (ids.Length == 0) return [];
        var infos = await db.StringGetAsync(ids.Select(i => RedisKeys.Info(i!)).ToArray()).ConfigureAwait(false);
        var list = new List<SessionListing>(infos.Length);
        foreach (var info in infos)
            if (!info.IsNull && EventCodec.DecodeListing((byte[])info!) is { } l) list.Add(l);
        return list;
    }

    /// <summary>
    /// The session a client gets without naming one on a host that decodes none: of the sessions in Redis, the live one
    /// (not ended, failed or stale) that started last; when none is live, the one that published last. Not the newest
    /// entry alone: a live session refreshes its entry every <see cref="SessionListing.Heartbeat"/>, so with two live
    /// sessions the newest entry alternates between them. Null when Redis lists none (or cannot be read).
    /// </summary>
    private async Task<string?> DefaultAsync()
    {
        if (_redis is null || !_redis.IsConnected) return null;
        try
        {
            var listed = await ListedAsync(_redis.Multiplexer.GetDatabase()).ConfigureAwait(false);
            double now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            SessionListing? pick = null;
            foreach (var l in listed)
            {
                if (!l.Live || l.IsStaleAt(now)) continue;
                if (pick is null || l.StartedUnixMs > pick.StartedUnixMs
                    || (l.StartedUnixMs == pick.StartedUnixMs && string.CompareOrdinal(l.Session, pick.Session) > 0)) pick = l;
            }
            return (pick ?? listed.FirstOrDefault())?.Session;
        }
        catch (Exception e) when (e is not OperationCanceledException) { return null; }
    }

    private async Task<bool> ExistsAsync(string id)
    {
        if (!_redis!.IsConnected) return false;
        try { return await _redis.Multiplexer.GetDatabase().KeyExistsAsync(RedisKeys.Info(id)).ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException) { return false; }
    }

    private DashboardBroadcaster Follow(string id)
    {
        lock (_gate)
        {
            if (_remote.TryGetValue(id, out var known)) return known.Use();
            var feed = new DashboardBroadcaster(_hub, _options) { SessionId = id };
            var follower = new RedisSessionFollower(id, feed, _redis!, Log.Logger, _time);
            _remote[id] = new Remote(feed, follower);
            Subscribe();
            return feed;
        }
    }

    /// <summary>One subscription per host to the channel on which decoders announce new events (restored by the connection after an outage).</summary>
    private void Subscribe()
    {
        if (Interlocked.Exchange(ref _subscribed, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    await _redis!.Multiplexer.GetSubscriber().SubscribeAsync(RedisKeys.Notify, (_, value) =>
                    {
                        if (_remote.TryGetValue((string?)value ?? "", out var r)) r.Follower.Signal();
                    }).ConfigureAwait(false);
                    return;
                }
                catch (ObjectDisposedException) { return; }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // followers poll meanwhile; try again
                    await Task.Delay(TimeSpan.FromSeconds(1), _time).ConfigureAwait(false);
                }
            }
        });
    }

    /// <summary>
    /// Stops following each session that has had no client of this host (and no request naming it) since the
    /// previous look and for at least the idle time; called by the host's timer.
    /// </summary>
    private void Sweep()
    {
        var now = _time.GetTimestamp();
        foreach (var (id, r) in _remote)
        {
            if (!r.Idle(now, _time, _idle)) continue;
            lock (_gate)
                if (!_remote.TryRemove(new KeyValuePair<string, Remote>(id, r))) continue;
            Log.Information("Session {Session}: no viewer on this host for {Minutes} min, no longer followed", id, _options.RedisIdleMinutes);
            _ = r.DisposeAsync().AsTask();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_sweep is not null) await _sweep.DisposeAsync().ConfigureAwait(false);
        foreach (var r in _remote.Values) await r.DisposeAsync().ConfigureAwait(false);
        _remote.Clear();
    }

    /// <summary>A session followed from Redis, and since when (a timestamp of the directory's clock) nobody has watched it.</summary>
    private sealed class Remote(DashboardBroadcaster feed, RedisSessionFollower follower) : IAsyncDisposable
    {
        private long? _idleSince;
        private volatile bool _used = true;

        public DashboardBroadcaster Feed { get; } = feed;
        public RedisSessionFollower Follower { get; } = follower;

        /// <summary>A request names the session: it counts as watched until the next look.</summary>
        public DashboardBroadcaster Use()
        {
            _used = true;
            return Feed;
        }

        /// <summary>True when nobody has watched the session for at least <paramref name="idle"/> as of <paramref name="now"/>.</summary>
        public bool Idle(long now, TimeProvider time, TimeSpan idle)
        {
            if (Feed.ClientCount > 0 || _used)
            {
                _used = false;
                _idleSince = null;
                return false;
            }
            _idleSince ??= now;
            return time.GetElapsedTime(_idleSince.Value, now) >= idle;
        }

        public async ValueTask DisposeAsync()
        {
            await Follower.DisposeAsync().ConfigureAwait(false);
            await Feed.DisposeAsync().ConfigureAwait(false);
        }
    }
}
