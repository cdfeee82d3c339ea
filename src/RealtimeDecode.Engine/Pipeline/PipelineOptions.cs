namespace RealtimeDecode.Engine.Pipeline;

/// <summary>Options of <see cref="RealtimePipeline"/>.</summary>
public sealed record PipelineOptions
{
    /// <summary>Creates options; <paramref name="repetitionTime"/> must be positive.</summary>
    public PipelineOptions(TimeSpan repetitionTime)
    {
        if (repetitionTime <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(repetitionTime), $"The repetition time must be positive, got {repetitionTime.TotalSeconds} s.");
        RepetitionTime = repetitionTime;
    }

    /// <summary>Repetition time (TR); frame onsets are index × TR.</summary>
    public TimeSpan RepetitionTime { get; }

    /// <summary>
    /// When an Ok arrival's index jumps past the next expected one, insert Missing frames for the gap
    /// (true, default) so that every index has one slot; a source with a <c>ReorderBuffer</c> never jumps.
    /// </summary>
    public bool FillGaps { get; init; } = true;
}
