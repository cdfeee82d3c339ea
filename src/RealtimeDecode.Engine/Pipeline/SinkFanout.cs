using System.Threading.Channels;
using Serilog;
using Serilog.Core;

namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// Publishes the pipeline's frames to several sinks, each isolated from the others (as Serilog's
/// SafeAggregateSink): every sink has its own channel and its own consumer task, so
/// <see cref="OnNext"/> never blocks the pipeline (it only writes to the channels).
/// <para>Failure policy: a sink that throws is logged and counted (<see cref="SinkStatistics.Failures"/>)
/// and KEEPS receiving frames; a dashboard that lost its connection for a moment recovers by itself,
/// and a sink that always fails only costs one log line per TR. It never affects the other sinks or
/// the pipeline. A failure in <see cref="IFrameSink.OnCompletedAsync"/> is logged and counted too.</para>
/// <para>Hand-offs: a sink that hands a frame to its transport marks it (<see cref="FrameTiming.MarkHandedOff"/>);
/// after the sink's <see cref="IFrameSink.OnFrameAsync"/> returns, the fan-out reports that sink's mark, if any, to the
/// hand-off callback (e.g. <see cref="Recording.HandOffTable.Record"/>), from the sink's own consumer task.</para>
/// <para>Buffering: see <see cref="SinkRegistration"/> (bounded = drop oldest and count; unbounded = never drop).</para>
/// <para>Recycling: when every registration has <see cref="SinkRegistration.ReleasesArrays"/>, each
/// frame's edge array goes back to <see cref="FrameBufferPool.Shared"/> once every sink has handled it,
/// dropped it, or failed on it (a count per frame, decremented by each sink's consumer). The fan-out must
/// then be the frames' only receiver. Frames still buffered when the fan-out is disposed are not recycled.</para>
/// </summary>
public sealed class SinkFanout : IObserver<PipelineFrame>, IDisposable
{
    private readonly Runner[] _runners;
    private readonly CancellationTokenSource _cancel = new();
    private readonly ILogger _log;
    private readonly bool _recycle;
    private int _completed;

    /// <summary>Starts one consumer task per sink.</summary>
    /// <param name="sinks">The sinks and their buffers.</param>
    /// <param name="log">Where sink failures and drops are logged.</param>
    /// <param name="onHandOff">Called with each sink's hand-off of a frame, after the sink handled it; thread-safe (several sinks call it).</param>
    public SinkFanout(IEnumerable<SinkRegistration> sinks, ILogger? log = null, Action<PipelineFrame, SinkHandOff>? onHandOff = null)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        _log = (log ?? Logger.None).ForContext<SinkFanout>();
        var registrations = sinks.ToArray();
        _recycle = registrations.Length > 0 && registrations.All(s => s.ReleasesArrays);
        _runners = registrations.Select(s => new Runner(s, _log, onHandOff, _cancel.Token)).ToArray();
        Completion = Task.WhenAll(_runners.Select(r => r.Completion));
    }

    /// <summary>Completes when every sink has drained its buffer and been told the end (after <see cref="OnCompleted"/> or <see cref="OnError"/>).</summary>
    public Task Completion { get; }

    /// <summary>A snapshot of each sink's counters, in registration order.</summary>
    public IReadOnlyList<SinkStatistics> Statistics => _runners.Select(r => r.Snapshot()).ToArray();

    /// <summary>Queues the frame for every sink; never blocks.</summary>
    public void OnNext(PipelineFrame value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var lease = _recycle && value is EstimateFrame { Connectivity: { } c } ? new Lease(c.Edges, _runners.Length) : null;
        foreach (var r in _runners) r.Post(new Item(value, lease));
    }

    /// <summary>The pipeline's error when it ended by <see cref="OnError"/>; null while running or after a normal end.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Ends every sink after its buffered frames, passing the pipeline's error.</summary>
    public void OnError(Exception error) => Complete(error);

    /// <summary>Ends every sink after its buffered frames.</summary>
    public void OnCompleted() => Complete(null);

    private void Complete(Exception? error)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0) return;
        Error = error;
        if (error is not null) _log.Error(error, "Pipeline failed; completing the sinks");
        foreach (var r in _runners) r.Complete(error);
    }

    /// <summary>
    /// Stops the consumers without waiting for their buffers: frames still buffered are not delivered
    /// and sinks are not told the end. For an orderly end, complete the pipeline and await
    /// <see cref="Completion"/> first.
    /// </summary>
    public void Dispose()
    {
        Complete(null);
        // The source is not disposed: a consumer may still be observing its token while it winds down.
        _cancel.Cancel();
    }

    private readonly record struct Item(PipelineFrame Frame, Lease? Lease);

    /// <summary>Sinks yet to finish with a frame; the last one gives its edge array back to the pool.</summary>
    private sealed class Lease(double[] array, int holders)
    {
        private int _holders = holders;

        public void Release()
        {
            if (Interlocked.Decrement(ref _holders) == 0) FrameBufferPool.Shared.Return(array);
        }
    }

    private sealed class Runner
    {
        private readonly IFrameSink _sink;
        private readonly Channel<Item> _channel;
        private readonly ILogger _log;
        private readonly Action<PipelineFrame, SinkHandOff>? _onHandOff;
        private readonly CancellationToken _cancel;
        private Exception? _error;
        private long _delivered, _dropped, _failures;

        public Runner(SinkRegistration registration, ILogger log, Action<PipelineFrame, SinkHandOff>? onHandOff, CancellationToken cancel)
        {
            _sink = registration.Sink;
            _log = log;
            _onHandOff = onHandOff;
            _cancel = cancel;
            _channel = registration.Capacity is int capacity
                ? Channel.CreateBounded<Item>(new BoundedChannelOptions(capacity)
                {
                    FullMode = BoundedChannelFullMode.DropOldest,
                    SingleReader = true,
                }, OnDropped)
                // Not SingleWriter: Dispose may complete the channel from another thread than the pipeline's.
                : Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
            Completion = Task.Run(ConsumeAsync, CancellationToken.None);
        }

        public Task Completion { get; }

        public SinkStatistics Snapshot() => new(_sink.Name, Interlocked.Read(ref _delivered), Interlocked.Read(ref _dropped), Interlocked.Read(ref _failures));

        public void Post(Item item)
        {
            // A completed channel refuses the frame: this sink is done with it at once.
            if (!_channel.Writer.TryWrite(item)) item.Lease?.Release();
        }

        public void Complete(Exception? error)
        {
            _error = error;
            _channel.Writer.TryComplete();
        }

        private void OnDropped(Item item)
        {
            var frame = item.Frame;
            item.Lease?.Release();
            long n = Interlocked.Increment(ref _dropped);
            // The first drop and then every hundredth: a stuck client must not flood the log.
            if (n == 1 || n % 100 == 0)
                _log.Warning("Sink {Sink} is behind: dropped volume {Index} ({Dropped} dropped so far)", _sink.Name, frame.Volume, n);
        }

        private async Task ConsumeAsync()
        {
            try
            {
                await foreach (var (frame, lease) in _channel.Reader.ReadAllAsync(_cancel).ConfigureAwait(false))
                {
                    try
                    {
                        await _sink.OnFrameAsync(frame, _cancel).ConfigureAwait(false);
                        Interlocked.Increment(ref _delivered);
                        if (_onHandOff is not null && frame.Timing.HandOffOf(_sink.Name) is long handedOff)
                            _onHandOff(frame, new SinkHandOff(_sink.Name, handedOff));
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !_cancel.IsCancellationRequested)
                    {
                        long n = Interlocked.Increment(ref _failures);
                        _log.Error(e, "Sink {Sink} failed on volume {Index} ({Failures} failures so far)", _sink.Name, frame.Volume, n);
                    }
                    finally
                    {
                        lease?.Release();
                    }
                }
                await _sink.OnCompletedAsync(_error, _cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
            {
                // Disposed: stop quietly.
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref _failures);
                _log.Error(e, "Sink {Sink} failed to complete", _sink.Name);
            }
        }
    }
}
