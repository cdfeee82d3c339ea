using System.Diagnostics;
using System.Numerics.Tensors;

namespace RealtimeDecode.Benchmarks.Pipeline;

/// <summary>
/// The soak's control: the same fixed work once per volume interval, on a thread of its own, half an interval after
/// each volume, timed from start to end. The work is like the decoder's (a multiply-add pass over arrays of an edge
/// vector's length, 79,800 doubles, eight times), so what slows the machine down for the pipeline slows it down for
/// the control too, while nothing the session accumulates can: a change in the control's p99 between two windows
/// is the machine's pace, and the pipeline's latency can be read against it. Those arrays (1.3 MB) stay in the
/// core's own caches; each round then times a second workload that does not: the decoder's stream, a dot product
/// of an edge vector with every row of an 8 × 79,800 matrix of doubles (5.1 MB, the published model's W, read as
/// <see cref="RealtimeDecode.Engine.Decoding.LinearRegressor"/> reads it), which depends on the shared last-level
/// cache and the memory bandwidth that other tenants of the host take their share of.
/// </summary>
internal sealed class PaceControl : IDisposable
{
    private const int Length = 79_800;
    private const int Passes = 8;
    private const int Targets = 8;
    private const int BlockSize = 4096; // the regressor's block of features

    private readonly double[] _a = new double[Length];
    private readonly double[] _b = new double[Length];
    private readonly double[] _w = new double[Targets * Length];
    private readonly double[] _y = new double[Targets];
    private readonly TimeSpan _interval;
    private readonly List<double> _ms = [];
    private readonly List<double> _streamMs = [];
    private readonly Thread _thread;
    // No spinning before it blocks: between rounds the control sleeps, and spinning would yield the processor in
    // the session's way.
    private readonly ManualResetEventSlim _stop = new(false, spinCount: 0);
    private long _start;
    private double _sink; // the rounds' results summed, so that none of the work can be left out

    public PaceControl(TimeSpan interval)
    {
        _interval = interval;
        for (int i = 0; i < Length; i++) { _a[i] = 1 + i % 7; _b[i] = 1 + i % 5; }
        for (int i = 0; i < _w.Length; i++) _w[i] = 1.0 / (1 + i % 11);
        for (int i = 0; i < 500; i++) { Work(); Stream(); } // past the JIT's tiers before the first timed round
        _thread = new Thread(Loop) { Name = "soak-control", IsBackground = true };
    }

    /// <summary>Starts the rounds: round k runs at (k + ½) intervals after now, as volume k is half an interval old.</summary>
    public void Start()
    {
        _start = Stopwatch.GetTimestamp();
        _thread.Start();
    }

    /// <summary>
    /// Stops the rounds. Returns the duration of each round's in-cache work and of its stream, in ms; round k belongs
    /// to volume k of the run.
    /// </summary>
    public (double[] ComputeMs, double[] StreamMs) Stop()
    {
        _stop.Set();
        _thread.Join();
        lock (_ms) return (_ms.ToArray(), _streamMs.ToArray());
    }

    private void Loop()
    {
        for (int k = 0; ; k++)
        {
            var due = _interval * (k + 0.5) - Stopwatch.GetElapsedTime(_start);
            if (_stop.Wait(due > TimeSpan.Zero ? due : TimeSpan.Zero)) return;
            long t0 = Stopwatch.GetTimestamp();
            _sink += Work();
            double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            long t1 = Stopwatch.GetTimestamp();
            _sink += Stream();
            double streamMs = Stopwatch.GetElapsedTime(t1).TotalMilliseconds;
            lock (_ms) { _ms.Add(ms); _streamMs.Add(streamMs); }
        }
    }

    private double Work()
    {
        double acc = 0;
        var a = _a;
        var b = _b;
        for (int p = 0; p < Passes; p++)
            for (int i = 0; i < a.Length; i++)
            {
                acc += a[i] * b[i];
                a[i] = a[i] * 0.999 + b[i] * 0.001;
            }
        return acc;
    }

    // y = W a, one block of a at a time over every row of W: one pass over W's 5.1 MB.
    private double Stream()
    {
        ReadOnlySpan<double> w = _w;
        ReadOnlySpan<double> x = _a;
        var y = _y;
        Array.Clear(y);
        for (int c = 0; c < Length; c += BlockSize)
        {
            int len = Math.Min(BlockSize, Length - c);
            var xb = x.Slice(c, len);
            for (int t = 0; t < Targets; t++) y[t] += TensorPrimitives.Dot(w.Slice((t * Length) + c, len), xb);
        }
        return y[0] + y[Targets - 1];
    }

    public void Dispose() => _stop.Dispose();
}
