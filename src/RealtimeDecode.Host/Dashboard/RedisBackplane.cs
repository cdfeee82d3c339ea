using Microsoft.AspNetCore.SignalR;
using RealtimeDecode.Host.Dashboard.Redis;
using StackExchange.Redis;

namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// SignalR's Redis backplane (Microsoft.AspNetCore.SignalR.StackExchangeRedis) on the host's one Redis
/// connection, so the hub's connections, groups and broadcasts span every host joined to that Redis.
/// Session events do not depend on it: they travel through each session's stream
/// (<see cref="RedisSessionPublisher"/>, <see cref="RedisSessionFollower"/>), which a host that joins late or
/// was cut off can read from where it stopped. While Redis is away, a client that connects is served by
/// this host alone (<see cref="ResilientHubLifetimeManager{THub}"/>) rather than refused.
/// </summary>
internal static class RedisBackplane
{
    public static void Add(ISignalRServerBuilder signalR, IServiceCollection services, RedisConnection? redis)
    {
        if (redis is null) return;
        services.AddSingleton(redis);
        signalR.AddStackExchangeRedis(o =>
        {
            o.Configuration.ChannelPrefix = RedisChannel.Literal("rtdecode:signalr");
            o.ConnectionFactory = _ => Task.FromResult(redis.Multiplexer);
        });
        services.AddSingleton<HubLifetimeManager<DecoderHub>>(sp => new ResilientHubLifetimeManager<DecoderHub>(
            ActivatorUtilities.CreateInstance<Microsoft.AspNetCore.SignalR.StackExchangeRedis.RedisHubLifetimeManager<DecoderHub>>(sp),
            Serilog.Log.Logger));
    }
}
