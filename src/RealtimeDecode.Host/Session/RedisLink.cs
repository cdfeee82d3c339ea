using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Dashboard.Redis;
using RealtimeDecode.Imaging;
using Serilog;
using StackExchange.Redis;
using ILogger = Serilog.ILogger;

namespace RealtimeDecode.Host.Session;

/// <summary>A session's link to the Redis of <c>Dashboard:Redis</c>: connecting at start and flushing at the end, each said in one line.</summary>
internal static class RedisLink
{
    /// <summary>How long the end of a session waits for Redis to take what it still lacks.</summary>
    public static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Connects when <see cref="DashboardOptions.Redis"/> is set (null otherwise). Redis unreachable is no error:
    /// one line says the dashboard is local for now, and the connection keeps trying in the background.
    /// </summary>
    public static async Task<RedisConnection?> ConnectAsync(DashboardOptions options, TextWriter output)
    {
        if (options.Redis is not { } cs) return null;
        var redis = await RedisConnection.ConnectAsync(RedisConnection.Parse(cs, "Dashboard:Redis")).ConfigureAwait(false);
        output.WriteLine(redis.IsConnected
            ? $"redis: {redis.Endpoints} (sessions shared with every host on it)"
            : options.Enabled
                ? $"redis: {redis.Endpoints} unreachable; the dashboard is this host's alone until it answers (retrying in the background)"
                : $"redis: {redis.Endpoints} unreachable; the session is published once it answers (retrying in the background)");
        return redis;
    }

    /// <summary>
    /// Takes the session id in Redis. Refused (exit 2) while another decoder publishes it with news in the last
    /// <see cref="SessionListing.StaleAfter"/>: two decoders would interleave their events in one stream. An id that ended,
    /// or whose decoder fell silent (killed), is taken over, said in one line: its stream and entry are removed, and the new
    /// session numbers its events on from the old one's last <c>seq</c>, so that hosts and viewers still following the old
    /// stream take the new events rather than skip them as repeats. Redis unreachable: nothing to check.
    /// </summary>
    /// <returns>The last sequence number of the session taken over (0: none).</returns>
    public static async Task<long> ClaimAsync(RedisConnection redis, string session, TimeProvider time, TextWriter output)
    {
        if (!redis.IsConnected) return 0;
        var db = redis.Multiplexer.GetDatabase();
        SessionListing? earlier;
        long lastSeq;
        try
        {
            var info = await db.StringGetAsync(RedisKeys.Info(session)).ConfigureAwait(false);
            earlier = info.IsNull ? null : EventCodec.DecodeListing((byte[])info!);
            var last = await db.StreamRangeAsync(RedisKeys.Events(session), "-", "+", 1, Order.Descending).ConfigureAwait(false);
            if (earlier is null && last.Length == 0) return 0;
            lastSeq = last.Length == 0 ? 0 : EventCodec.Decode(last[0][RedisKeys.EventField], ((byte[]?)last[0][RedisKeys.DataField]) ?? [])?.Seq ?? 0;
        }
        catch (Exception e) when (e is not OperationCanceledException) { return 0; }
        double now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (earlier is { Live: true } && !earlier.IsStaleAt(now))
            throw new InputDataException(null, $"--session {session}: already live in Redis {redis.Endpoints}, published by " +
                $"{earlier.Host ?? "a decoder without a dashboard"} {Math.Max(0, (now - earlier.UpdatedUnixMs) / 1000):0} s ago; give this session another id");
        string was = earlier is null ? "its stream is left"
            : earlier.Live ? $"no news since {DateTimeOffset.FromUnixTimeMilliseconds((long)earlier.UpdatedUnixMs):HH:mm:ss} UTC"
            : earlier.State;
        output.WriteLine($"redis: session {session} was used before ({was}); this session replaces it there");
        try { await db.KeyDeleteAsync([RedisKeys.Info(session), RedisKeys.Events(session)]).ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException) { }
        return lastSeq;
    }

    /// <summary>Waits (at most <see cref="FlushTimeout"/>) until Redis has the whole session; says so when it could not.</summary>
    public static async Task FlushAsync(RedisSessionPublisher publisher, RedisConnection redis, string session, TextWriter output, ILogger log)
    {
        // A Redis never reached during the session is not waited for.
        long lacking = await publisher.FlushAsync(publisher.Published > 0 || redis.IsConnected ? FlushTimeout : TimeSpan.Zero).ConfigureAwait(false);
        log.Information("Redis: {Published} events of session {Session} published, {Dropped} dropped while unreachable, {Lacking} never published",
            publisher.Published, session, publisher.Dropped, lacking);
        if (lacking > 0 && publisher.Published > 0) // never reached: the line at start said so
            output.WriteLine($"redis: {redis.Endpoints} unreachable at the end: {lacking} events of session {session} not published there (the recording is complete)");
        await publisher.DisposeAsync().ConfigureAwait(false);
    }
}
