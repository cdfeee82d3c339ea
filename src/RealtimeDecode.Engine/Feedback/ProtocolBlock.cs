namespace RealtimeDecode.Engine.Feedback;

/// <summary>One row of a protocol's events table.</summary>
/// <param name="Number">The block number: row k of the table (from 1).</param>
/// <param name="Onset">Onset, seconds from the first volume's acquisition.</param>
/// <param name="Duration">Duration in seconds (&gt; 0).</param>
/// <param name="Condition">The condition named by the row's <c>trial_type</c>.</param>
public sealed record ProtocolBlock(int Number, double Onset, double Duration, ProtocolCondition Condition)
{
    /// <summary>End of the block (s): <c>Onset + Duration</c>, exclusive.</summary>
    public double End => Onset + Duration;

    /// <summary>Whether <paramref name="time"/> (s) lies in [Onset, End).</summary>
    public bool Contains(double time) => time >= Onset && time < End;
}
