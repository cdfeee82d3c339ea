using System.Reactive.Concurrency;
using System.Reactive.Linq;
using RealtimeDecode.Engine.Ingest;
using Serilog;
using Serilog.Core;

namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// The real-time path: arrivals → read → roi → clean → dfc → decode → frames, on ONE scheduler so
/// volumes are processed one at a time, in arrival order, and never dropped (the scheduler queues
/// them while a volume is in progress). <see cref="Process"/> is cold: each subscription, and within it each
/// new series (run), asks the stages factory for fresh stages, so one pipeline object can process
/// several runs one after another. Frames are published in order; hand them to a
/// <see cref="SinkFanout"/> so a slow or failing output never holds the pipeline.
/// </summary>
public sealed class RealtimePipeline
{
    private readonly PipelineOptions _options;
    private readonly Func<PipelineStages> _stagesFactory;
    private readonly IScheduler _scheduler;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    /// <summary>Creates the pipeline.</summary>
    /// <param name="options">TR and gap policy.</param>
    /// <param name="stagesFactory">Called at the first volume of each run (series) to build that run's stages (kernels with fresh state).</param>
    /// <param name="scheduler">The one scheduler all stages run on: <see cref="CreateLiveScheduler"/> live, a
    /// <see cref="HistoricalScheduler"/> in tests.</param>
    /// <param name="time">Monotonic clock of the frame timing (same clock as the arrivals' detection timestamps).</param>
    /// <param name="log">Structured log; defaults to none.</param>
    public RealtimePipeline(PipelineOptions options, Func<PipelineStages> stagesFactory, IScheduler scheduler, TimeProvider time, ILogger? log = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _stagesFactory = stagesFactory ?? throw new ArgumentNullException(nameof(stagesFactory));
        _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _log = (log ?? Logger.None).ForContext<RealtimePipeline>();
    }

    /// <summary>
    /// A dedicated event-loop thread for live sessions: one thread, FIFO, never drops.
    /// Dispose it at the end of the session.
    /// </summary>
    public static DedicatedThreadScheduler CreateLiveScheduler() => new("realtime-decode pipeline");

    /// <summary>
    /// Frames for the arrivals of a session, in order (one per arrival, plus Missing frames for index
    /// gaps when <see cref="PipelineOptions.FillGaps"/>), each carrying its arrival's
    /// <see cref="PipelineFrame.Series"/>. Runs follow one another in the arrivals (e.g.
    /// <see cref="ExportFolderWatcher.ArrivalsUntil"/>, series after series): the first arrival of a new series
    /// gets stages fresh from the factory and its indices count from 0, so live and replay take this one path. Bad data (an <see cref="Imaging.InputDataException"/>
    /// or <see cref="IOException"/> from a stage) becomes a Corrupt <see cref="SkippedFrame"/>; any other
    /// exception is a bug and ends the sequence with OnError. With <see cref="PipelineOptions.CollectWhenIdle"/>, gen 0 is
    /// collected on the scheduler between volumes (<see cref="IdleCollector"/>).
    /// </summary>
    public IObservable<PipelineFrame> Process(IObservable<VolumeArrival> arrivals)
    {
        ArgumentNullException.ThrowIfNull(arrivals);
        return Observable.Defer(() =>
        {
            var processor = new FrameProcessor(_stagesFactory, _options, _time, _log);
            var frames = arrivals.ObserveOn(_scheduler).SelectMany(processor.Process);
            if (!_options.CollectWhenIdle) return frames;
            var collector = new IdleCollector(_scheduler);
            return frames.Do(_ => collector.FrameDone());
        });
    }
}
