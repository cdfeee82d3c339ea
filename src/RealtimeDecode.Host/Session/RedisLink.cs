using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Dashboard.Redis;
using Serilog;
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
