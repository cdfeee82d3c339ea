using RealtimeDecode.Imaging;
using StackExchange.Redis;

namespace RealtimeDecode.Host.Dashboard.Redis;

/// <summary>
/// The one connection of a host to the Redis that joins decoders and <c>serve</c> hosts. It never makes a
/// caller wait for Redis: connecting gives up after the connect timeout (2 s unless the connection string
/// says otherwise) and leaves the connection retrying in the background (every second); while Redis is
/// unreachable, commands fail at once instead of queueing, so what depends on them can count and move on.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private RedisConnection(IConnectionMultiplexer multiplexer, string endpoints)
    {
        Multiplexer = multiplexer;
        Endpoints = endpoints;
    }

    /// <summary>The StackExchange.Redis multiplexer (shared with the SignalR backplane).</summary>
    public IConnectionMultiplexer Multiplexer { get; }

    /// <summary>Host:port of the configured endpoints, for messages (never the password).</summary>
    public string Endpoints { get; }

    /// <summary>True while a Redis server answers.</summary>
    public bool IsConnected => Multiplexer.IsConnected;

    /// <summary>Parses and checks a connection string; <paramref name="source"/> names the option or key in the error.</summary>
    /// <exception cref="InputDataException">Not a StackExchange.Redis connection string, or one naming no server.</exception>
    public static ConfigurationOptions Parse(string connectionString, string source)
    {
        ConfigurationOptions config;
        try { config = ConfigurationOptions.Parse(connectionString); }
        catch (Exception e) when (e is ArgumentException or FormatException or NotSupportedException)
        {
            throw new InputDataException(null, $"{source} is not a Redis connection string ({e.Message.Split('\n')[0].TrimEnd('.')}); e.g. redis1:6379,password=secret,ssl=true");
        }
        if (config.EndPoints.Count == 0)
            throw new InputDataException(null, $"{source} names no Redis server; e.g. redis1:6379,password=secret,ssl=true");
        foreach (var ep in config.EndPoints)
            if (ep is System.Net.DnsEndPoint { Port: < 0 or > 65535 } or System.Net.IPEndPoint { Port: < 0 or > 65535 })
                throw new InputDataException(null, $"{source}: port out of range in '{ep}'");
        bool Says(string key) => connectionString.Contains(key + "=", StringComparison.OrdinalIgnoreCase);
        config.AbortOnConnectFail = false;
        if (!Says("connectTimeout")) config.ConnectTimeout = 2000;
        if (!Says("asyncTimeout")) config.AsyncTimeout = 2000;
        if (!Says("syncTimeout")) config.SyncTimeout = 2000;
        if (!Says("keepAlive")) config.KeepAlive = 5;
        config.ReconnectRetryPolicy = new LinearRetry(1000);
        config.BacklogPolicy = BacklogPolicy.FailFast;
        config.ClientName ??= "realtime-decode";
        return config;
    }

    /// <summary>Connects (waiting at most the connect timeout); the result may be not yet connected, and keeps trying.</summary>
    public static async Task<RedisConnection> ConnectAsync(ConfigurationOptions config)
    {
        var endpoints = string.Join(",", config.EndPoints.Select(Format));
        var mux = await ConnectionMultiplexer.ConnectAsync(config).ConfigureAwait(false);
        return new RedisConnection(mux, endpoints);
    }

    private static string Format(System.Net.EndPoint ep) => ep switch
    {
        System.Net.DnsEndPoint d => $"{d.Host}:{d.Port}",
        System.Net.IPEndPoint i => i.ToString(),
        _ => ep.ToString() ?? "",
    };

    public async ValueTask DisposeAsync()
    {
        try { await Multiplexer.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false); }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException) { }
        Multiplexer.Dispose();
    }
}
