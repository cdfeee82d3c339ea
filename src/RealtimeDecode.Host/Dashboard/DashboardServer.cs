using System.Text.Json.Serialization;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using RealtimeDecode.Imaging;
using Serilog;

namespace RealtimeDecode.Host.Dashboard;

/// <summary>Feedback display defaults (section <c>Feedback</c>); the page's URL parameters override them.</summary>
internal sealed class FeedbackOptions
{
    public string? Target { get; set; }
    public string? Weights { get; set; }
    public int Smooth { get; set; } = 3;
    public double Min { get; set; }
    public double Max { get; set; } = 1;
    public string? Zone { get; set; }
    public string? Label { get; set; }

    /// <summary>Show "keep still" on the participant display while the current window is censored for motion.</summary>
    public bool KeepStill { get; set; } = true;

    /// <summary>How long (ms) after a display frame is published the page's acknowledgement still counts for <c>displayed_ms</c>;
    /// rows of <c>feedback.tsv</c> wait for it at most this long.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 600_000)]
    public int AckWaitMs { get; set; } = 5000;

    /// <summary>
    /// Refuses a <see cref="Target"/> or <see cref="Weights"/> that names a target the model lacks, or weights that are not
    /// <c>name:number</c> pairs: the display would otherwise show a bar that never moves for the whole session.
    /// </summary>
    /// <exception cref="InputDataException">Names the key, the value and the model's targets.</exception>
    public void CheckTargets(IReadOnlyList<string> targets)
    {
        string have = $"the model's targets are {string.Join(", ", targets)}";
        if (!string.IsNullOrWhiteSpace(Weights))
        {
            foreach (var part in Weights.Split(','))
            {
                var kv = part.Split(':');
                string name = kv[0].Trim();
                if (kv.Length > 2 || name.Length == 0 || (kv.Length == 2 && !double.TryParse(kv[1], System.Globalization.NumberStyles.Float,
                        System.Globalization.CultureInfo.InvariantCulture, out _)))
                    throw new InputDataException(null, $"configuration Feedback:Weights: '{part.Trim()}' is not a target:weight pair (for example joy:1,fear:-0.5)");
                if (!targets.Contains(name, StringComparer.Ordinal))
                    throw new InputDataException(null, $"configuration Feedback:Weights: '{name}' is not a target of the model; {have}");
            }
        }
        else if (!string.IsNullOrWhiteSpace(Target) && !targets.Contains(Target, StringComparer.Ordinal))
        {
            throw new InputDataException(null, $"configuration Feedback:Target: '{Target}' is not a target of the model; {have}");
        }
    }
}

/// <summary>
/// The web side of a session: Kestrel serving the dashboard at <c>/</c>, the feedback display at
/// <c>/feedback</c> and the hub at <see cref="DecoderHub.Path"/>. Loopback by default; serving beyond
/// the machine requires the access token (generated when none is configured).
/// </summary>
internal sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardServer(WebApplication app, DashboardBroadcaster broadcaster, string? token)
    {
        _app = app;
        Broadcaster = broadcaster;
        AccessToken = token;
        DisplayTimes = app.Services.GetRequiredService<FeedbackDisplayTimes>();
    }

    public DashboardBroadcaster Broadcaster { get; }

    /// <summary>Display times acknowledged by participant pages (hub method <c>FeedbackDrawn</c>), on the session's clock.</summary>
    public FeedbackDisplayTimes DisplayTimes { get; }

    /// <summary>Every session this host serves (its own and, with Redis, those published there).</summary>
    public SessionDirectory Sessions { get; private init; } = null!;

    /// <summary>The token remote clients must present (null when serving loopback only).</summary>
    public string? AccessToken { get; }

    /// <summary>The addresses Kestrel listens on (after <see cref="StartAsync"/>).</summary>
    public IReadOnlyList<string> Addresses =>
        _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];

    /// <summary>Builds the server; <paramref name="configure"/> lets tests add middleware before the gate;
    /// <paramref name="time"/> is the session's clock (for display times).</summary>
    /// <param name="redis">The Redis that joins hosts (see <see cref="RedisBackplane"/>), or null for this host alone.</param>
    /// <param name="sessionId">The id of the session this host decodes, or null for a host that decodes none (<c>serve</c>).</param>
    public static DashboardServer Create(DashboardOptions options, FeedbackOptions? feedback = null, Action<WebApplication>? configure = null,
        TimeProvider? time = null, Redis.RedisConnection? redis = null, string? sessionId = null)
    {
        var fb = feedback ?? new FeedbackOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.Logging.ClearProviders();
        // Ctrl-C and SIGTERM belong to the command (a session drains its pipeline first): the web host must not stop
        // on them by itself, or the pages lose the session's last estimates and its final status.
        builder.Services.AddSingleton<IHostLifetime, OwnerLifetime>();
        builder.Services.AddSerilog(Log.Logger, dispose: false);
        builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        // Estimates and ROI values may be NaN: sent as "NaN" rather than failing the message.
        var signalR = builder.Services.AddSignalR(o =>
            {
                o.EnableDetailedErrors = false;
                o.MaximumReceiveMessageSize = options.MaxMessageBytes;
                o.AddFilter(new InvocationRateFilter(options, TimeProvider.System));
            })
            .AddJsonProtocol(o => o.PayloadSerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals);
        RedisBackplane.Add(signalR, builder.Services, redis);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(sp => new DashboardBroadcaster(sp.GetRequiredService<Microsoft.AspNetCore.SignalR.IHubContext<DecoderHub, IDecoderClient>>(), options) { SessionId = sessionId });
        builder.Services.AddSingleton<SessionDirectory>();
        builder.Services.AddSingleton(new FeedbackDisplayTimes(time ?? TimeProvider.System, TimeSpan.FromMilliseconds(fb.AckWaitMs)));
        var app = builder.Build();

        bool remote = options.Urls.Split(';').Any(u => !IsLoopbackUrl(u));
        string? token = options.AccessToken ?? (remote ? AccessTokenMiddleware.NewToken() : null);
        configure?.Invoke(app);
        app.Use(next => new PlainTextResponses(next).InvokeAsync);
        var allowed = RequestOriginMiddleware.AllowedHosts(DashboardUrls.Parse(options.Urls, "Dashboard:Urls"), options.AllowedHosts);
        app.Use(next => new RequestOriginMiddleware(next, allowed).InvokeAsync);
        app.Use(next => new AccessTokenMiddleware(next, token).InvokeAsync);
        var sessions = app.Services.GetRequiredService<SessionDirectory>();
        app.Use(next => new ConnectionLimitMiddleware(next, sessions, options).InvokeAsync);
        app.Use(next => new SessionRouteMiddleware(next, sessions).InvokeAsync);
        app.UseDefaultFiles();
        var files = new PhysicalFileProvider(app.Environment.WebRootPath);
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        app.MapGet("/feedback", () => Results.File(Path.Combine(app.Environment.WebRootPath, "feedback.html"), "text/html"));
        app.MapGet("/api/feedback", () => Results.Json(new Dictionary<string, object?>
        {
            ["target"] = fb.Target, ["weights"] = fb.Weights, ["smooth"] = fb.Smooth, ["min"] = fb.Min,
            ["max"] = fb.Max, ["zone"] = fb.Zone, ["label"] = fb.Label, ["keepStill"] = fb.KeepStill,
        }.Where(kv => kv.Value is not null).ToDictionary()));
        app.MapGet("/api/session", async (HttpContext c) =>
        {
            var feed = (DashboardBroadcaster)c.Items[typeof(DashboardBroadcaster)]!;
            await sessions.WhenJoinableAsync(feed, c.RequestAborted);
            return Results.Json(feed.Status);
        });
        app.MapGet("/api/sessions", async () => Results.Json(await sessions.ListAsync()));
        app.MapHub<DecoderHub>(DecoderHub.Path);
        return new DashboardServer(app, app.Services.GetRequiredService<DashboardBroadcaster>(), token) { Sessions = sessions };
    }

    public Task StartAsync(CancellationToken ct = default) => _app.StartAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await Broadcaster.DisposeAsync();
        await Sessions.DisposeAsync();
        try { await _app.StopAsync(TimeSpan.FromSeconds(2)); }
        catch (InvalidOperationException) { } // never started (its address could not be bound)
        await _app.DisposeAsync();
    }

    internal static bool IsLoopbackUrl(string url)
    {
        if (!Uri.TryCreate(url.Trim().Replace("*", "0.0.0.0").Replace("+", "0.0.0.0"), UriKind.Absolute, out var u)) return false;
        if (u.Host == "localhost") return true;
        return IPAddress.TryParse(u.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }
}

/// <summary>A host lifetime that leaves the process's signals to the command that owns the server, which stops it.</summary>
internal sealed class OwnerLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
