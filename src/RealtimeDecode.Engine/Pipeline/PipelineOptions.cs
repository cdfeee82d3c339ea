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

    /// <summary>
    /// Largest displacement (mm) of the grid's corners from the run's first volume still decoded as the
    /// same position (default 1 mm); beyond it a volume is <see cref="VolumeStatus.AffineChanged"/>, and a
    /// different grid is <see cref="VolumeStatus.GridChanged"/>, neither decoded. Positive.
    /// </summary>
    public double AffineToleranceMm
    {
        get => _affineToleranceMm;
        init => _affineToleranceMm = value > 0 && double.IsFinite(value) ? value
            : throw new ArgumentOutOfRangeException(nameof(AffineToleranceMm), $"The affine tolerance must be a positive number of mm, got {value}.");
    }

    /// <summary>
    /// Collect the garbage collector's youngest generation between volumes (<see cref="IdleCollector"/>), so that a
    /// volume rarely carries a collection's pause; for live sessions (default false).
    /// </summary>
    public bool CollectWhenIdle { get; init; }

    private readonly double _affineToleranceMm = 1.0;
}
