using System.Reactive.Concurrency;
using System.Reactive.Linq;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Ingest;

/// <summary>
/// Replays a recorded run as the scanner would deliver it: volume i is emitted when its acquisition
/// would end, at start + (i + 1) · TR / speed on the scheduler's clock (absolute times from the
/// subscription, so pacing does not drift). At <see cref="ReplaySpeed.Max"/> the volumes are emitted
/// back to back on the scheduler, one scheduled item each, so other work can interleave.
/// Each arrival carries the in-memory provider (read lazily by the pipeline's read stage) and its
/// detection timestamp from <see cref="TimeProvider.GetTimestamp"/> taken at emission.
/// </summary>
public sealed class RunReplayer
{
    private readonly IReadOnlyList<Func<Volume>> _volumes;
    private readonly Func<int, string?> _fileName;
    private readonly TimeSpan _repetitionTime;
    private readonly ReplaySpeed _speed;
    private readonly IScheduler _scheduler;
    private readonly TimeProvider _time;

    /// <summary>Creates a replayer.</summary>
    /// <param name="volumes">One provider per volume, in run order (index = position).</param>
    /// <param name="repetitionTime">TR of the run; positive.</param>
    /// <param name="speed">Pacing.</param>
    /// <param name="scheduler">Clock and thread of the emissions.</param>
    /// <param name="time">Monotonic clock of the detection timestamps.</param>
    /// <param name="fileName">Label per index for <c>volumes.tsv</c> (e.g. "run.nii.gz#5"); null = none.</param>
    public RunReplayer(IReadOnlyList<Func<Volume>> volumes, TimeSpan repetitionTime, ReplaySpeed speed, IScheduler scheduler, TimeProvider time,
        Func<int, string?>? fileName = null)
    {
        _volumes = volumes ?? throw new ArgumentNullException(nameof(volumes));
        if (repetitionTime <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(repetitionTime), $"The repetition time must be positive, got {repetitionTime.TotalSeconds} s.");
        if (speed.Factor <= 0 || double.IsNaN(speed.Factor))
            throw new ArgumentOutOfRangeException(nameof(speed), "The replay speed must be a positive factor or max.");
        _repetitionTime = repetitionTime;
        _speed = speed;
        _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _fileName = fileName ?? (_ => null);
    }

    /// <summary>The run's series number, carried by every arrival (<see cref="VolumeArrival.Series"/>); default 0.</summary>
    public int Series { get; init; }

    /// <summary>Number of volumes in the run.</summary>
    public int Count => _volumes.Count;

    /// <summary>The paced arrivals; cold: each subscription replays the run from its start.</summary>
    public IObservable<VolumeArrival> Arrivals() => Observable.Defer(() =>
    {
        var indices = _speed.IsMax
            ? Observable.Generate(0, i => i < _volumes.Count, i => i + 1, i => i, _scheduler)
            : PacedIndices(_scheduler.Now, _speed.Interval(_repetitionTime));
        // Select runs at emission time, so the detection timestamp is the paced moment.
        return indices.Select(i => new VolumeArrival(i, _fileName(i), _time.GetTimestamp(), VolumeStatus.Ok, _volumes[i], Series));
    });

    private IObservable<int> PacedIndices(DateTimeOffset start, TimeSpan interval) =>
        Observable.Generate(0, i => i < _volumes.Count, i => i + 1, i => i, i => start + interval * (i + 1), _scheduler);
}
