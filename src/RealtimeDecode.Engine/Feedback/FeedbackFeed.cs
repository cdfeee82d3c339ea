using RealtimeDecode.Engine.Pipeline;

namespace RealtimeDecode.Engine.Feedback;

/// <summary>
/// The session's frames as the feedback rule takes them: the one feed that the participant display and
/// <c>feedback.tsv</c> both consume, so they show and record the same rows.
/// </summary>
/// <remarks>
/// <para>Runs: a frame of a new series (<see cref="PipelineFrame.Series"/>) starts a new run of the protocol with a
/// fresh <see cref="FeedbackKernel"/>: its clock, blocks and baselines start again from its first volume.</para>
/// <para>Rows: nothing is pushed before the run's first estimate (warm-up). From then on every frame that takes a
/// TR slot pushes the volumes up to its own: volumes skipped since the last push (a gap the pipeline did not fill)
/// and the frame's own volume as missing (all NaN), unless the frame has estimates; an estimate that is
/// <see cref="EstimateFrame.Withheld"/> is pushed as missing too. Reports of extra files (late, duplicate, stray)
/// push nothing. So every volume of a run from its first estimate on gets exactly one row, in volume order, the
/// row <see cref="FeedbackTable.FromEstimates"/> gives it offline; rows after the run's last estimate are
/// <see cref="FeedbackStep.Provisional"/> until an estimate follows them (the offline table has none).</para>
/// Not thread-safe: one feed per sink, fed in publication order.
/// </remarks>
public sealed class FeedbackFeed
{
    private readonly Func<FeedbackKernel> _newKernel;
    private readonly double[] _missing;
    private readonly RunBoundary _runs = new();
    private FeedbackKernel _kernel;
    private int _next = -1;

    /// <summary>Creates the feed and the first run's kernel (so a protocol the kernel refuses is refused now).</summary>
    /// <param name="newKernel">A fresh kernel for each run.</param>
    /// <param name="targets">Number of values per estimate.</param>
    public FeedbackFeed(Func<FeedbackKernel> newKernel, int targets)
    {
        ArgumentNullException.ThrowIfNull(newKernel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targets);
        _newKernel = newKernel;
        _missing = new double[targets];
        Array.Fill(_missing, double.NaN);
        _kernel = newKernel();
    }

    /// <summary>Runs begun so far (1 from the first frame on, 0 before it).</summary>
    public int Run { get; private set; }

    /// <summary>The series of the current run, or null before the first frame.</summary>
    public int? Series => _runs.Series;

    /// <summary>Takes one frame; returns the rows it released, in volume order.</summary>
    public FeedbackStep Push(PipelineFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!frame.Status.OccupiesSlot()) return new FeedbackStep(false, Run, [], false);
        bool later = _runs.Starts(frame);
        bool newRun = later || Run == 0;
        if (newRun) Run++;
        if (later)
        {
            _kernel = _newKernel();
            _next = -1;
        }
        var estimate = frame as EstimateFrame;
        bool hasEstimate = estimate is { Estimates: not null };
        if ((_next < 0 && !hasEstimate) || (_next >= 0 && frame.Volume < _next))
            return new FeedbackStep(newRun, Run, [], false);
        var samples = new List<FeedbackSample>(1);
        if (_next >= 0)
            for (int v = _next; v < frame.Volume; v++) samples.Add(_kernel.Push(v, _missing));
        samples.Add(_kernel.Push(frame.Volume, estimate is { Estimates: { } values, Withheld: false } ? values : _missing));
        _next = frame.Volume + 1;
        return new FeedbackStep(newRun, Run, samples, !hasEstimate);
    }
}

/// <summary>The rows one frame released from a <see cref="FeedbackFeed"/>.</summary>
/// <param name="NewRun">The frame began a new run (a fresh kernel); the previous run, if any, has ended.</param>
/// <param name="Run">The run's number, from 1.</param>
/// <param name="Samples">The rows, in volume order; the last is the frame's own volume when there are any.</param>
/// <param name="Provisional">The frame had no estimate: its rows stand only if a later estimate of the run follows.</param>
public sealed record FeedbackStep(bool NewRun, int Run, IReadOnlyList<FeedbackSample> Samples, bool Provisional);
