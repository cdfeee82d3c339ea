using BenchmarkDotNet.Attributes;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Tests.Dashboard.Support;

namespace RealtimeDecode.Benchmarks.Dashboard;

/// <summary>
/// Cost of one volume through <see cref="DashboardSink.OnFrameAsync"/> at 400 ROIs × 8 targets
/// (qc, estimate, connectivity quantised with network-pair contributions) with 0 or 10 clients
/// (in-memory hub context: measures the offer path, not the network). The encoder alone is measured too.
/// </summary>
[MemoryDiagnoser]
public class DashboardSinkBenchmarks
{
    private DashboardBroadcaster _broadcaster = null!;
    private DashboardSink _sink = null!;
    private EstimateFrame _frame = null!;
    private ConnectivityEncoder _encoder = null!;
    private FakeSession _session = null!;

    [Params(0, 10)]
    public int Clients { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _session = new FakeSession(rois: 400, targets: 8, networks: 8);
        var options = new DashboardOptions { ClientQueue = 512 };
        _broadcaster = new DashboardBroadcaster(new FakeHubContext(), options);
        for (int c = 0; c < Clients; c++) _broadcaster.AddClient($"client{c}");
        _sink = new DashboardSink(_broadcaster, _session.Context, options);
        _frame = (EstimateFrame)_session.Frame(20);
        var info = DashboardSink.CreateInfo(_session.Context);
        _encoder = new ConnectivityEncoder(400, info.RoiOrder, _session.Context.Networks, _session.Context.LinearModel, 400);
    }

    private int _calls;

    [Benchmark]
    public ValueTask OnFrame()
    {
        // The backlog keeps every volume of a run; clear it now and then so a long benchmark stays a session's size.
        if (++_calls % 1000 == 0) _broadcaster.Reset();
        return _sink.OnFrameAsync(_frame, CancellationToken.None);
    }

    [Benchmark]
    public ConnectivityMessage EncodeConnectivity()
    {
        // Handed on and let go at once, as the sink does with no client: the next window reuses the bytes.
        var m = _encoder.Encode(20, _frame.Connectivity!.Edges);
        m.Lease?.Release();
        return m;
    }

    [GlobalCleanup]
    public void Cleanup() => _broadcaster.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
