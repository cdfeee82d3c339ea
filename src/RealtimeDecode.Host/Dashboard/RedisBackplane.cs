using Microsoft.AspNetCore.SignalR;
using RealtimeDecode.Host.Dashboard.Redis;
using StackExchange.Redis;

namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// SignalR's Redis backplane (Microsoft.AspNetCore.SignalR.StackExchangeRedis) on the host's one Redis
/// connection, so the hub's connections, groups and broadcasts span every host joined to that Redis.
/// Session events do not depend on it: they travel through each session's stream
/// (<see cref="RedisSessionPublisher"/>, <see cref="RedisSessionFollower"/>), which a host that joins late or
/// was cut off can read from where it stopped. The backplane is added only when Redis answered at start:
/// a host whose Redis is away serves its own clients alone rather than making each of them wait for it.
/// </summary>
internal static class RedisBackplane
{
    public static void Add(ISignalRServerBuilder signalR, IServiceCollection services, RedisConnection? redis)
    {
        if (redis is null) return;
        services.AddSingleton(redis);
        if (!redis.IsConnected) return;
        signalR.AddStackExchangeRedis(o =>
        {
            o.Configuration.ChannelPrefix = RedisChannel.Literal("rtdecode:signalr");
            o.ConnectionFactory = _ => Task.FromResult(redis.Multiplexer);
        });
    }
}
