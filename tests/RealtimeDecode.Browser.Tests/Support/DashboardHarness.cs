using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Tests.Dashboard.Support;

namespace RealtimeDecode.Browser.Tests.Support;

/// <summary>A dashboard server on a free loopback port with a <see cref="DashboardSink"/> fed by a <see cref="FakeSession"/>.</summary>
public sealed class DashboardHarness : IAsyncDisposable
{
    private DashboardHarness(DashboardServer server, FakeSession session, DashboardSink sink, string baseUrl)
    {
        Server = server;
        Session = session;
        Sink = sink;
        BaseUrl = baseUrl;
    }

    public DashboardServer Server { get; }
    public FakeSession Session { get; }
    public DashboardSink Sink { get; }
    public string BaseUrl { get; }

    public static async Task<DashboardHarness> StartAsync(FakeSession session, DashboardOptions? options = null, FeedbackOptions? feedback = null)
    {
        options ??= new DashboardOptions();
        options.Urls = "http://127.0.0.1:0";
        var server = DashboardServer.Create(options, feedback);
        await server.StartAsync();
        var sink = new DashboardSink(server.Broadcaster, session.Context, options);
        return new DashboardHarness(server, session, sink, server.Addresses[0].TrimEnd('/'));
    }

    /// <summary>Pushes volumes [from, to) through the sink, one every <paramref name="interval"/> of wall time.</summary>
    public async Task PlayAsync(int from, int to, TimeSpan interval, CancellationToken ct = default)
    {
        using var timer = new PeriodicTimer(interval);
        for (int v = from; v < to; v++)
        {
            await Sink.OnFrameAsync(Session.Frame(v), ct);
            if (v + 1 < to) await timer.WaitForNextTickAsync(ct);
        }
    }

    public ValueTask EndAsync() => Sink.OnCompletedAsync(null, CancellationToken.None);

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
