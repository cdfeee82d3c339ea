using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Host.Lsl;
using RealtimeDecode.Host.Session;
using RealtimeDecode.Lsl;

namespace RealtimeDecode.Benchmarks.Lsl;

/// <summary>
/// The LSL sink's cost per estimate frame (8 targets) with one consumer draining the estimates outlet on
/// loopback: conversion to float32, timestamp and push. The allocation column must read 0 B.
/// Run: <c>dotnet run -c Release --project tests/RealtimeDecode.Benchmarks -- --filter *LslEstimateSinkBenchmarks* --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class LslEstimateSinkBenchmarks
{
    private const int Targets = 8;
    private LslEstimateSink _sink = null!;
    private EstimateFrame _frame = null!;
    private Socket _consumer = null!;
    private CancellationTokenSource _drainCts = null!;
    private Task _drain = null!;

    [Params(LslTimestampMode.Push, LslTimestampMode.Detection)]
    public LslTimestampMode Timestamp { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var config = new LslConfig
        {
            SessionId = "rtd-bench-" + Guid.NewGuid().ToString("N"),
            ListenAddress = IPAddress.Loopback,
            AddressesOverride = [IPAddress.Loopback],
            TtlOverride = 0,
        };
        var targets = Enumerable.Range(0, Targets).Select(k => "target" + k).ToArray();
        var session = new SessionContext("bench-run", "bench-model", "0123456789abcdef", "atlas.nii.gz", targets, 2.0, 30, ["a", "b"], null, null);
        _sink = new LslEstimateSink(new LslOptions { Name = "bench-estimates", MarkersName = "bench-markers", Timestamp = Timestamp }, session, config);

        var t = Stopwatch.GetTimestamp();
        var timing = new FrameTiming(t, t, t, Stopwatch.Frequency);
        _frame = new EstimateFrame(40, 80, null, timing, new RoiFrame(40, 80, [1, 2], timing), null,
            Enumerable.Range(0, Targets).Select(k => Math.Sin(k) * 0.5).ToArray());

        _consumer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _consumer.Connect(new IPEndPoint(IPAddress.Loopback, _sink.EstimatesInfo.V4DataPort));
        _consumer.Send(Encoding.ASCII.GetBytes(
            $"LSL:streamfeed/110 {_sink.EstimatesInfo.Uid}\r\nValue-Size: 4\r\nMax-Buffer-Length: 360\r\n\r\n"));
        if (!_sink.EstimatesOutlet.WaitForConsumersAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult())
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
        // The first estimate also pushes the warmup-done marker; measure the steady state only.
        _sink.OnFrameAsync(_frame, CancellationToken.None).GetAwaiter().GetResult();
    }

    [Benchmark]
    public void OnFrame() => _sink.OnFrameAsync(_frame, CancellationToken.None).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _drainCts.Cancel();
        _consumer.Dispose();
        _drain.Wait(TimeSpan.FromSeconds(2));
        _sink.Dispose();
    }
}
