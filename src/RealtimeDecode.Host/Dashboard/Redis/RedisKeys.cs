using StackExchange.Redis;

namespace RealtimeDecode.Host.Dashboard.Redis;

/// <summary>
/// Where sessions live in Redis. <c>rtdecode:sessions</c>: sorted set of session ids scored by their last
/// event (Unix ms); <c>rtdecode:session:ID:info</c>: the session's facts as JSON (<see cref="SessionListing"/>);
/// <c>rtdecode:session:ID:events</c>: a capped stream of its events in publication order, each entry with
/// fields <c>e</c> (event name) and <c>d</c> (the payload as the hub sends it, JSON); channel
/// <c>rtdecode:events</c>: a session id, published after new events of that session were added.
/// </summary>
internal static class RedisKeys
{
    public static readonly RedisKey Sessions = "rtdecode:sessions";
    public static readonly RedisChannel Notify = RedisChannel.Literal("rtdecode:events");
    public static RedisKey Info(string session) => $"rtdecode:session:{session}:info";
    public static RedisKey Events(string session) => $"rtdecode:session:{session}:events";
    public const string EventField = "e";
    public const string DataField = "d";
}
