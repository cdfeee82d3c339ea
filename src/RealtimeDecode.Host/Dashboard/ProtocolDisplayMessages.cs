using RealtimeDecode.Engine.Feedback;

namespace RealtimeDecode.Host.Dashboard;

/// <summary>A session's protocol as the pages need it: the timeline and each condition's screen.</summary>
/// <param name="Tr">Repetition time (s): volume v is acquired at v·TR on the protocol clock.</param>
/// <param name="Window">Window length (volumes) of the estimates.</param>
/// <param name="HaemodynamicDelay">Seconds between a brain state and the estimate describing it.</param>
/// <param name="RangeMin">Lower end of the thermometer (the protocol's range).</param>
/// <param name="RangeMax">Upper end.</param>
/// <param name="Conditions">The sidecar's conditions.</param>
/// <param name="Blocks">The events table's rows, block k at index k − 1.</param>
/// <param name="KeepStill">Whether the display shows "keep still" when the current window is censored.</param>
public sealed record ProtocolInfo(double Tr, int Window, double HaemodynamicDelay, double RangeMin, double RangeMax,
    ProtocolConditionInfo[] Conditions, ProtocolBlockInfo[] Blocks, bool KeepStill)
{
    /// <summary>The page's view of <paramref name="protocol"/>.</summary>
    public static ProtocolInfo From(FeedbackProtocol protocol, double tr, int window, bool keepStill)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        return new ProtocolInfo(tr, window, protocol.HaemodynamicDelaySeconds, protocol.RangeMin, protocol.RangeMax,
            [.. protocol.Conditions.Select(c => new ProtocolConditionInfo(c.Name, Role(c.Role), Mode(c.Feedback), c.Instruction, c.Colour, c.Thermometer, c.ScoreSeconds))],
            [.. protocol.Blocks.Select(b => new ProtocolBlockInfo(b.Number, b.Onset, b.Duration, b.Condition.Name))],
            keepStill);
    }

    /// <summary>The sidecar's name of a role.</summary>
    public static string Role(ConditionRole role) => role switch
    {
        ConditionRole.Baseline => "baseline",
        ConditionRole.Regulate => "regulate",
        ConditionRole.Display => "display",
        _ => "rest",
    };

    private static string Mode(FeedbackMode mode) => mode switch
    {
        FeedbackMode.Continuous => "continuous",
        FeedbackMode.Intermittent => "intermittent",
        _ => "none",
    };
}

/// <summary>One condition: its role, feedback rule and screen (text shown as text, colour a CSS colour).</summary>
public sealed record ProtocolConditionInfo(string Name, string Role, string Feedback, string Instruction, string Colour, bool Thermometer, double ScoreSeconds);

/// <summary>One block: number (row of the events table, from 1), onset and duration (s), condition name.</summary>
public sealed record ProtocolBlockInfo(int Number, double Onset, double Duration, string Condition);

/// <summary>
/// One frame of the participant display, sent for every volume that takes a TR slot (read or not).
/// The screen is that of the block holding the volume's acquisition time v·TR; the thermometer is up
/// exactly when <see cref="Value"/> is not null (see <see cref="FeedbackDisplaySink"/> for the rule).
/// </summary>
/// <param name="Run">Run of the session (from 1; a new scanner series in <c>live</c> is a new run).</param>
/// <param name="Volume">The volume whose arrival this frame shows.</param>
/// <param name="TimeS">Protocol time of the frame: v·TR (s).</param>
/// <param name="Block">The block holding v·TR (number from 1), or 0 between blocks.</param>
/// <param name="Condition">Its condition's name, or null.</param>
/// <param name="Instruction">The screen's instruction text, or null between blocks.</param>
/// <param name="Colour">Its CSS colour, or null.</param>
/// <param name="Value">The value on the thermometer, or null when none is shown.</param>
/// <param name="Score">True when <see cref="Value"/> is an intermittent block's score.</param>
/// <param name="ScoreBlock">The block whose score is shown, or 0.</param>
/// <param name="KeepStill">Show the "keep still" cue: the current window is censored for motion (and the cue is on).</param>
/// <param name="Completed">The learning-curve point of a regulation block that ended with this frame, or null.</param>
public sealed record FeedbackDisplayMessage(int Run, int Volume, double TimeS, int Block, string? Condition, string? Instruction, string? Colour,
    double? Value, bool Score, int ScoreBlock, bool KeepStill, BlockFeedback? Completed = null);

/// <summary>A regulation block's point of the learning curve: the mean of its finite feedback values (feedback.tsv's <c>feedback</c>).</summary>
/// <param name="Run">Run of the session (from 1).</param>
/// <param name="Block">Block number in the run's protocol.</param>
/// <param name="Condition">Its condition.</param>
/// <param name="Mean">Mean feedback (NaN when the block had no finite value).</param>
/// <param name="Count">Number of finite feedback values in the mean.</param>
public sealed record BlockFeedback(int Run, int Block, string Condition, double Mean, int Count);

/// <summary>What a display or dashboard that connects needs: the protocol (null without one), the current frame and the learning curve so far.</summary>
public sealed record FeedbackState(ProtocolInfo? Protocol, FeedbackDisplayMessage? Current, BlockFeedback[] LearningCurve);
