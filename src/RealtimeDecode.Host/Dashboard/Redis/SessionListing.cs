namespace RealtimeDecode.Host.Dashboard.Redis;

/// <summary>
/// One session as <c>/api/sessions</c> lists it and as it is kept in Redis: id, state (starting,
/// warming-up, running, ended, failed), what is decoded, progress, and when (Unix ms) it started and last
/// published (or, while it runs, refreshed its entry: every <see cref="Heartbeat"/>). <see cref="Live"/>: not ended or failed;
/// <see cref="Stale"/>: live, but no news for <see cref="StaleAfter"/> (its decoder killed, hung or cut off from Redis).
/// </summary>
public sealed record SessionListing(string Session, string State, string? Run, string? Model, string[]? Targets, double? Tr,
    int VolumesSeen, int? ExpectedVolumes, double StartedUnixMs, double UpdatedUnixMs, string? Host)
{
    /// <summary>True while the session has not ended or failed.</summary>
    public bool Live => State is not ("ended" or "failed");

    /// <summary>True when a host found the session live but without news for <see cref="StaleAfter"/> (set by the host that lists it).</summary>
    public bool Stale { get; init; }

    /// <summary>How often a running decoder refreshes its entry, events or not.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(2);

    /// <summary>A live session whose entry is older than this is stale: five heartbeats missed.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(10);

    /// <summary>True when the session is live and its entry older than <see cref="StaleAfter"/> at <paramref name="nowUnixMs"/>
    /// (wall clocks of the decoder and of this host: kept in step by NTP, well within the margin).</summary>
    public bool IsStaleAt(double nowUnixMs) => Live && nowUnixMs - UpdatedUnixMs > StaleAfter.TotalMilliseconds;
}
