using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Recording;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Tests.Dashboard.Support;

namespace RealtimeDecode.Browser.Tests.Support;

/// <summary>
/// A dashboard server on a free loopback port with a <see cref="DashboardSink"/> fed by a <see cref="FakeSession"/>;
/// with a protocol, also the participant display's <see cref="FeedbackDisplaySink"/> and, given a folder, the
/// <see cref="FeedbackRecordingSink"/> that writes <c>feedback.tsv</c> there with the display's acknowledgements.
/// </summary>
internal sealed class DashboardHarness : IAsyncDisposable
{
    private readonly List<IFrameSink> _sinks;

    private DashboardHarness(DashboardServer server, FakeSession session, DashboardSink sink, string baseUrl, List<IFrameSink> sinks)
    {
        Server = server;
        Session = session;
        Sink = sink;
        BaseUrl = baseUrl;
        _sinks = sinks;
    }

    public DashboardServer Server { get; }
    public FakeSession Session { get; }
    public DashboardSink Sink { get; }
    public string BaseUrl { get; }

    public static async Task<DashboardHarness> StartAsync(FakeSession session, DashboardOptions? options = null, FeedbackOptions? feedback = null,
        FeedbackProtocol? protocol = null, string? recording = null, double? fdThresholdMm = null)
    {
        options ??= new DashboardOptions();
        options.Urls = "http://127.0.0.1:0";
        feedback ??= new FeedbackOptions();
        var server = DashboardServer.Create(options, feedback);
        await server.StartAsync();
        var sink = new DashboardSink(server.Broadcaster, session.Context, options, fdThresholdMm: fdThresholdMm);
        var sinks = new List<IFrameSink> { sink };
        var c = session.Context;
        if (protocol is not null)
        {
            sinks.Add(new FeedbackDisplaySink(server.Broadcaster, server.DisplayTimes, protocol, c.Targets, c.Tr, c.Window, feedback.KeepStill));
            if (recording is not null)
                sinks.Add(new FeedbackRecordingSink(recording, () => new FeedbackKernel(protocol, c.Targets, c.Tr, c.Window), c.Targets.Count,
                    TimeProvider.System.GetTimestamp(), display: server.DisplayTimes));
        }
        return new DashboardHarness(server, session, sink, server.Addresses[0].TrimEnd('/'), sinks);
    }

    /// <summary>
    /// Pushes volumes [from, to) through the sinks, one every <paramref name="interval"/> of wall time;
    /// <paramref name="change"/> may alter each frame first (motion, censoring).
    /// </summary>
    public async Task PlayAsync(int from, int to, TimeSpan interval, Func<PipelineFrame, PipelineFrame>? change = null, CancellationToken ct = default)
    {
        using var timer = new PeriodicTimer(interval);
        for (int v = from; v < to; v++)
        {
            var frame = Session.Frame(v);
            if (change is not null) frame = change(frame);
            foreach (var s in _sinks) await s.OnFrameAsync(frame, ct);
            if (v + 1 < to) await timer.WaitForNextTickAsync(ct);
        }
    }

    public async ValueTask EndAsync()
    {
        foreach (var s in _sinks) await s.OnCompletedAsync(null, CancellationToken.None);
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
