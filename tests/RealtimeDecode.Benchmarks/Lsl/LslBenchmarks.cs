using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using RealtimeDecode.Lsl;

namespace RealtimeDecode.Benchmarks.Lsl;

/// <summary>
/// LSL outlet costs on loopback: <see cref="PushSample"/> measures the push alone (one consumer draining
/// the socket; the allocation column must read 0 B), <see cref="PushToReceive"/> the latency from
/// <c>PushSample</c> to <c>PullSampleAsync</c> returning in our inlet. Per-sample p50/p99 of the latter are
/// printed in the benchmark log at cleanup ("LSL push-to-receive latency").
/// Run: <c>dotnet run -c Release --project tests/RealtimeDecode.Benchmarks -- --filter *LslBenchmarks* --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class LslBenchmarks
{
    private const int Channels = 8;
    private readonly float[] _values = new float[Channels];
    private readonly float[] _received = new float[Channels];
    private readonly long[] _latencies = new long[1 << 20];
    private int _latencyCount;
    private StreamOutlet _outlet = null!;
    private StreamOutlet _latencyOutlet = null!;
    private StreamInlet _inlet = null!;
    private Socket _consumer = null!;
    private CancellationTokenSource _drainCts = null!;
    private Task _drain = null!;

    private static LslConfig LoopbackConfig() => new()
    {
        SessionId = "rtd-bench-" + Guid.NewGuid().ToString("N"),
        ListenAddress = IPAddress.Loopback,
        AddressesOverride = [IPAddress.Loopback],
        TtlOverride = 0,
    };

    [GlobalSetup]
    public void Setup()
    {
        var cfg = LoopbackConfig();
        _outlet = new StreamOutlet(StreamInfo.Create("bench-push", "EEG", Channels, 1000, ChannelFormat.Float32, "bench-push"), cfg);
        _consumer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _consumer.Connect(new IPEndPoint(IPAddress.Loopback, _outlet.Info.V4DataPort));
        _consumer.Send(Encoding.ASCII.GetBytes(
            $"LSL:streamfeed/110 {_outlet.Info.Uid}\r\nValue-Size: 4\r\nMax-Buffer-Length: 360\r\n\r\n"));
        if (!_outlet.WaitForConsumersAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult())
            throw new InvalidOperationException("The benchmark consumer did not connect.");
        _drainCts = new CancellationTokenSource();
        _drain = Task.Run(async () =>
        {
            var buffer = new byte[1 << 16];
            try
            {
                while (await _consumer.ReceiveAsync(buffer, SocketFlags.None, _drainCts.Token) > 0)
                {
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        _latencyOutlet = new StreamOutlet(StreamInfo.Create("bench-latency", "EEG", Channels, 1000, ChannelFormat.Float32, "bench-latency"), cfg);
        _inlet = new StreamInlet(FromOutlet(_latencyOutlet), cfg);
        _inlet.OpenAsync().GetAwaiter().GetResult();
        if (!_latencyOutlet.WaitForConsumersAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult())
            throw new InvalidOperationException("The benchmark inlet did not connect.");
    }

    private static StreamInfo FromOutlet(StreamOutlet outlet)
    {
        var resolved = StreamResolver.ResolveAsync($"source_id='{outlet.Info.SourceId}'", 1, TimeSpan.FromSeconds(10),
            new LslConfig { SessionId = outlet.Info.SessionId, ListenAddress = IPAddress.Loopback, AddressesOverride = [IPAddress.Loopback], KnownPeers = ["127.0.0.1"] })
            .GetAwaiter().GetResult();
        return resolved.Count == 1 ? resolved[0] : throw new InvalidOperationException("The benchmark outlet was not resolved.");
    }

    [Benchmark]
    public void PushSample()
    {
        _values[0]++;
        _outlet.PushSample<float>(_values, 1.0);
    }

    [Benchmark]
    public async Task<double> PushToReceive()
    {
        var start = Stopwatch.GetTimestamp();
        _latencyOutlet.PushSample<float>(_values, 1.0);
        var ts = await _inlet.PullSampleAsync(_received);
        var elapsed = Stopwatch.GetTimestamp() - start;
        if (_latencyCount < _latencies.Length) _latencies[_latencyCount++] = elapsed;
        return ts;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_latencyCount > 0)
        {
            var sorted = _latencies.AsSpan(0, _latencyCount).ToArray();
            Array.Sort(sorted);
            double Us(double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))] * 1e6 / Stopwatch.Frequency;
            Console.WriteLine($"LSL push-to-receive latency over {sorted.Length} samples: p50 = {Us(0.50):F1} µs, p99 = {Us(0.99):F1} µs, max = {Us(1.0):F1} µs");
        }
        _drainCts.Cancel();
        _consumer.Dispose();
        _drain.Wait(TimeSpan.FromSeconds(2));
        _inlet.Dispose();
        _latencyOutlet.Dispose();
        _outlet.Dispose();
    }
}
