using Serilog;
using ILogger = Serilog.ILogger;
using StackExchange.Redis;

namespace RealtimeDecode.Host.Dashboard.Redis;

/// <summary>
/// Feeds a session decoded on another host into this host's <see cref="DashboardBroadcaster"/> for it:
/// reads the session's stream from its first entry (the backlog), then each new entry as the decoder
/// announces it (or at least every half second), in stream order. Entries already taken (same or lower
/// sequence number) are skipped, so a decoder catching up after an outage adds only what was missing.
/// While Redis is unreachable it keeps what it has and resumes from its last entry.
/// </summary>
internal sealed class RedisSessionFollower : IAsyncDisposable
{
    private const int Page = 512;
    private readonly string _session;
    private readonly DashboardBroadcaster _feed;
    private readonly RedisConnection _redis;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private RedisValue _position = "0-0";

    public RedisSessionFollower(string session, DashboardBroadcaster feed, RedisConnection redis, ILogger log)
    {
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
            bool full = false;
            try
            {
                var entries = await _redis.Multiplexer.GetDatabase().StreamReadAsync(key, _position, Page).ConfigureAwait(false);
                foreach (var e in entries)
                {
                    _position = e.Id;
                    var m = EventCodec.Decode(e[RedisKeys.EventField], ((byte[]?)e[RedisKeys.DataField]) ?? []);
                    if (m is not null) _feed.Ingest(m);
                }
                full = entries.Length == Page;
                if (failing) _log.Debug("Redis reachable again: following session {Session}", _session);
                failing = false;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (!failing) _log.Debug("Redis unreachable while following session {Session}: {Error}", _session, e.Message);
                failing = true;
            }
            if (full) continue;
            try { await _signal.WaitAsync(TimeSpan.FromMilliseconds(500), _stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
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
