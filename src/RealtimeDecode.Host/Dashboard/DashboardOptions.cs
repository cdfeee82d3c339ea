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

    /// <summary>
    /// Largest message (bytes) a client may send to the hub; a larger one closes its connection. The hub's methods take
    /// a few numbers, well under 200 bytes in JSON.
    /// </summary>
    [Range(256, 1_048_576)]
    public int MaxMessageBytes { get; set; } = 4096;

    /// <summary>Hub invocations per second each connection may make on average; more are refused (a display acknowledges one frame per TR).</summary>
    [Range(0.001, 10_000)]
    public double InvocationsPerSecond { get; set; } = 20;

    /// <summary>Hub invocations a connection may make at once after a quiet while.</summary>
    [Range(1, 100_000)]
    public int InvocationBurst { get; set; } = 40;

    /// <summary>
    /// Refused invocations (beyond those forgiven at <see cref="InvocationsPerSecond"/>) after which the connection is
    /// closed: a client invoking at more than twice the rate is disconnected, one slightly over it is only refused.
    /// </summary>
    [Range(1, 1_000_000)]
    public int CloseAfterRefused { get; set; } = 100;

    /// <summary>Messages queued per client before the oldest are dropped.</summary>
    [Range(8, 100_000)]
    public int ClientQueue { get; set; } = 512;

    /// <summary>
    /// Volumes whose ROI values the session so far keeps for clients that connect late (the newest ones); older QC rows
    /// keep everything but their ROI values and running counts, so a long session's memory stays flat. Live clients get
    /// every row whole.
    /// </summary>
    [Range(0, 1_000_000)]
    public int BacklogRoiVolumes { get; set; } = 1000;

    /// <summary>
    /// Shortest time (ms) between two connectivity matrices sent to one client: a matrix published sooner after the
    /// last one the client was given is not sent to it (counted as thinned; the session so far keeps the newest
    /// matrix). A heatmap needs no more, and a viewer then costs a fraction of the bytes when volumes come faster
    /// than this (multiband, fast replays); at TR 2 s nothing is thinned after a viewer's first matrix. A viewer's first
    /// live matrix comes at a phase of its own within the interval (the first viewer's at once), so that many viewers
    /// do not all take the same matrix at once; it is at most one interval, or at TR 2 s one volume, late. Every other
    /// event is always sent. 0 sends every matrix.
    /// </summary>
    [Range(0, 600_000)]
    public int MatrixIntervalMs { get; set; } = 1000;

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
