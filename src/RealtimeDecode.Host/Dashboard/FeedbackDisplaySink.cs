using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Pipeline;

namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// The participant display under a protocol: one <see cref="FeedbackDisplayMessage"/> per volume that
/// takes a TR slot, computed from its own <see cref="FeedbackFeed"/>, the feed <c>feedback.tsv</c> is written from
/// (<see cref="Engine.Recording.FeedbackRecordingSink"/>), so the display shows what the recording records.
/// </summary>
/// <remarks>
/// <para>Screen: the instruction of the block holding the volume's acquisition time v·TR (1 ns tolerance, as
/// the condition markers), so a block's screen appears with the first volume acquired at or after its onset:
/// within one TR of the protocol's time.</para>
/// <para>Thermometer (up exactly when the message has a value): (1) the volume's own feedback when its row is
/// <c>shown</c> in a continuous block, unless the estimate is <see cref="EstimateFrame.Withheld"/>; else (2) the
/// most recent intermittent score from the volume that released it while v·TR &lt; release·TR + the block's
/// ScoreSeconds; else (3) in a <c>display</c> block, the most recent score of the run, if any. A condition with
/// <c>Thermometer</c> false shows no value in case (1) and (3).</para>
/// <para>Keep still: the volume's estimate is <see cref="EstimateFrame.Censored"/> and the cue is on.</para>
/// <para>Learning curve: when the kernel's rows leave a regulation block, the mean of its finite feedback values
/// is sent with that frame (<see cref="FeedbackDisplayMessage.Completed"/>). A new scanner series in <c>live</c>
/// (<see cref="PipelineFrame.Series"/>) starts a new run: a fresh kernel, the curve continues.</para>
/// </remarks>
internal sealed class FeedbackDisplaySink : IFrameSink
{
    private readonly DashboardBroadcaster _broadcaster;
    private readonly FeedbackDisplayTimes? _times;
    private readonly FeedbackProtocol _protocol;
    private readonly double _tr;
    private readonly bool _keepStill;
    private readonly FeedbackFeed _feed;
    private int _block;
    private double _sum;
    private int _count;
    private (double Value, int Block, int Volume, double Seconds)? _score;

    /// <summary>Creates the display of <paramref name="protocol"/> and announces the protocol to the hub.</summary>
    public FeedbackDisplaySink(DashboardBroadcaster broadcaster, FeedbackDisplayTimes? times, FeedbackProtocol protocol,
        IReadOnlyList<string> targets, double tr, int window, bool keepStill)
    {
        ArgumentNullException.ThrowIfNull(broadcaster);
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(targets);
        _broadcaster = broadcaster;
        _times = times;
        _protocol = protocol;
        _tr = tr;
        _keepStill = keepStill;
        _feed = new FeedbackFeed(() => new FeedbackKernel(protocol, targets, tr, window), targets.Count);
        broadcaster.SetProtocol(ProtocolInfo.From(protocol, tr, window, keepStill));
    }

    /// <inheritdoc />
    public string Name => "feedback-display";

    /// <inheritdoc />
    public bool ReleasesArrays => true;

    /// <inheritdoc />
    public ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!frame.Status.OccupiesSlot()) return ValueTask.CompletedTask;
        var step = _feed.Push(frame);
        BlockFeedback? completed = null;
        if (step.NewRun && step.Run > 1)
        {
            completed = Finish(step.Run - 1);
            _score = null;
            _times?.StartRun(step.Run);
        }

        var estimate = frame as EstimateFrame;
        FeedbackSample? sample = null;
        foreach (var row in step.Samples)
        {
            completed = Take(row, step.Run) ?? completed;
            sample = row;
        }

        double now = frame.Volume * _tr;
        int k = _protocol.BlockAt(now + 1e-9);
        var screen = k >= 0 ? _protocol.Blocks[k] : null;
        double? value = null;
        bool isScore = false;
        int scoreBlock = 0;
        if (sample is { Shown: true, Block: > 0 } s && _protocol.Blocks[s.Block - 1].Condition is { Feedback: FeedbackMode.Continuous } c
            && double.IsFinite(s.Feedback) && estimate is not { Withheld: true })
        {
            if (c.Thermometer) value = s.Feedback;
        }
        else if (_score is { } sc && now < sc.Volume * _tr + sc.Seconds - 1e-9)
        {
            (value, isScore, scoreBlock) = (sc.Value, true, sc.Block);
        }
        else if (screen is { Condition: { Role: ConditionRole.Display, Thermometer: true } } && _score is { } last)
        {
            (value, isScore, scoreBlock) = (last.Value, true, last.Block);
        }

        bool keepStill = _keepStill && estimate is { Censored: true };
        _times?.Register(frame.Volume, frame.Timing.DetectedTimestamp);
        _broadcaster.Publish(new FeedbackDisplayMessage(step.Run, frame.Volume, now, screen?.Number ?? 0, screen?.Condition.Name,
            screen?.Condition.Instruction, screen?.Condition.Colour, value, isScore, scoreBlock, keepStill, completed));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken)
    {
        if (Finish(_feed.Run) is { } completed && _broadcaster.FeedbackSnapshot().Current is { } current)
            _broadcaster.Publish(current with { Completed = completed });
        return ValueTask.CompletedTask;
    }

    /// <summary>Follows one row of the kernel: the score it releases, the learning-curve block it closes.</summary>
    private BlockFeedback? Take(FeedbackSample s, int run)
    {
        if (s.ScoreBlock > 0 && s.Shown)
            _score = (s.BlockScore, s.ScoreBlock, s.Volume, _protocol.Blocks[s.ScoreBlock - 1].Condition.ScoreSeconds);
        BlockFeedback? completed = null;
        if (s.Block != _block)
        {
            completed = Finish(run);
            _block = s.Block;
        }
        if (double.IsFinite(s.Feedback)) { _sum += s.Feedback; _count++; }
        return completed;
    }

    /// <summary>Closes the current block: its learning-curve point when it is a regulation block.</summary>
    private BlockFeedback? Finish(int run)
    {
        BlockFeedback? point = null;
        if (_block > 0 && _protocol.Blocks[_block - 1].Condition.Role == ConditionRole.Regulate)
            point = new BlockFeedback(run, _block, _protocol.Blocks[_block - 1].Condition.Name, _count > 0 ? _sum / _count : double.NaN, _count);
        _block = 0;
        _sum = 0;
        _count = 0;
        return point;
    }
}
