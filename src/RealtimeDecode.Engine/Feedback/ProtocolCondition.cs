namespace RealtimeDecode.Engine.Feedback;

/// <summary>One condition of a protocol's sidecar (<c>"Conditions": {NAME: {...}}</c>).</summary>
/// <param name="Name">The name, as in the events table's <c>trial_type</c>.</param>
/// <param name="Role">What the block asks of the participant.</param>
/// <param name="Source">Feedback source: target name → weight (empty for conditions that are not <see cref="ConditionRole.Regulate"/>).</param>
/// <param name="Direction">+1 for <c>up</c>, −1 for <c>down</c>: the feedback is multiplied by it, so a higher thermometer is always success.</param>
/// <param name="Feedback">When the feedback is shown.</param>
/// <param name="Instruction">The text on the participant's screen.</param>
/// <param name="Colour">The CSS colour of the instruction text.</param>
/// <param name="Thermometer">Whether the thermometer is on screen during the block.</param>
/// <param name="ScoreSeconds">For intermittent feedback, how long (s) the block's score stays on screen.</param>
public sealed record ProtocolCondition(
    string Name,
    ConditionRole Role,
    IReadOnlyDictionary<string, double> Source,
    int Direction,
    FeedbackMode Feedback,
    string Instruction,
    string Colour,
    bool Thermometer,
    double ScoreSeconds)
{
    /// <summary>The source's value for one estimate: Σ weight · value over the source's targets (NaN when any is NaN).</summary>
    /// <param name="targets">The model's target names, in the order of <paramref name="values"/>.</param>
    /// <param name="values">One estimate, one value per target.</param>
    public double SourceValue(IReadOnlyList<string> targets, ReadOnlySpan<double> values)
    {
        double v = 0;
        foreach (var (name, w) in Source)
        {
            int i = IndexOf(targets, name);
            if (i < 0) throw new ArgumentException($"the model has no target '{name}'", nameof(targets));
            v += w * values[i];
        }
        return v;
    }

    private static int IndexOf(IReadOnlyList<string> targets, string name)
    {
        for (int i = 0; i < targets.Count; i++) if (string.Equals(targets[i], name, StringComparison.Ordinal)) return i;
        return -1;
    }
}
