using System.ComponentModel.DataAnnotations;

namespace RealtimeDecode.Host.Dashboard;

/// <summary>Dashboard settings (section <c>Dashboard</c> of the configuration).</summary>
public sealed class DashboardOptions
{
    /// <summary>Serve the dashboard and the hub.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where to listen; loopback only unless changed explicitly.</summary>
    [Required]
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Token that requests from other machines must present; generated at start when serving beyond loopback without one.</summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// Further host names or addresses (';'-separated) that requests may name in Host and Origin, besides
    /// those of <see cref="Urls"/>, localhost and, when listening on every interface, this machine's own.
    /// </summary>
    public string? AllowedHosts { get; set; }

    /// <summary>Most dashboard and display clients connected at once; more are refused (503) with the reason.</summary>
    [Range(1, 10_000)]
    public int MaxConnections { get; set; } = 200;

    /// <summary>Messages queued per client before the oldest are dropped.</summary>
    [Range(8, 100_000)]
    public int ClientQueue { get; set; } = 512;

    /// <summary>Largest ROI count whose full matrix is sent; larger matrices are averaged down to this size.</summary>
    [Range(16, 1000)]
    public int MaxMatrixSize { get; set; } = 400;

    /// <summary>Fixed colour scale of the heatmap (± this value), e.g. 1.5 for Fisher-z edges; null scales each window to its max |edge|.</summary>
    [Range(1e-6, 1e6)]
    public double? MatrixScale { get; set; }

    /// <summary>
    /// StackExchange.Redis connection string (e.g. <c>redis1:6379,password=…,ssl=true</c>) of the Redis that joins
    /// decoders and <c>serve</c> hosts: sessions are published there and every host serves every session. Null: this host alone.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>Most events kept per session in Redis (approximate cap of its stream); a late joiner gets at most these.</summary>
    [Range(100, 10_000_000)]
    public int RedisStreamLength { get; set; } = 20_000;

    /// <summary>Minutes a session stays in Redis after its last event (then it expires and is no longer listed).</summary>
    [Range(1, 525_600)]
    public double RedisExpiryMinutes { get; set; } = 1440;

    /// <summary>
    /// Minutes a host goes on following a session decoded elsewhere (reading its Redis stream, keeping its backlog in
    /// memory) once no client of this host watches it; then it stops, and starts again from Redis when a client asks.
    /// </summary>
    [Range(0.01, 10_080)]
    public double RedisIdleMinutes { get; set; } = 10;
}
