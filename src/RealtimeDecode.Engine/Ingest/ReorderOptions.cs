namespace RealtimeDecode.Engine.Ingest;

/// <summary>Options of <see cref="ReorderBuffer"/>.</summary>
public sealed record ReorderOptions
{
    /// <summary>Creates options.</summary>
    /// <param name="missingAfter">How long a gap may stay open after a later volume arrived before it is declared
    /// missing (typically a number of TRs: <c>tr * n</c>); positive.</param>
    /// <param name="capacity">Most volumes waiting behind a gap; one more forces the gap to be declared missing. At least 1.</param>
    /// <param name="firstIndex">Index of the first volume of the run (0 unless the run starts later).</param>
    public ReorderOptions(TimeSpan missingAfter, int capacity = 32, int firstIndex = 0)
    {
        if (missingAfter <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(missingAfter), $"The missing timeout must be positive, got {missingAfter.TotalSeconds} s.");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegative(firstIndex);
        MissingAfter = missingAfter;
        Capacity = capacity;
        FirstIndex = firstIndex;
    }

    /// <summary>Time a gap may stay open after a later volume arrived.</summary>
    public TimeSpan MissingAfter { get; }

    /// <summary>Most volumes waiting behind a gap.</summary>
    public int Capacity { get; }

    /// <summary>Index of the first volume.</summary>
    public int FirstIndex { get; }

    /// <summary>A timeout of <paramref name="trs"/> repetition times.</summary>
    public static ReorderOptions ForTrs(TimeSpan repetitionTime, double trs, int capacity = 32) => new(repetitionTime * trs, capacity);
}
