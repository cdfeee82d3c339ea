using System.Globalization;

namespace RealtimeDecode.Engine.Ingest;

/// <summary>
/// Replay speed: a factor of real time (1 = one volume per TR, 10 = ten times faster) or
/// <see cref="Max"/> (as fast as the pipeline takes them).
/// </summary>
public readonly record struct ReplaySpeed
{
    private ReplaySpeed(double factor) => Factor = factor;

    /// <summary>Speed factor; <see cref="double.PositiveInfinity"/> for <see cref="Max"/>.</summary>
    public double Factor { get; }

    /// <summary>True for "as fast as possible".</summary>
    public bool IsMax => double.IsPositiveInfinity(Factor);

    /// <summary>As fast as possible: no pacing.</summary>
    public static ReplaySpeed Max => new(double.PositiveInfinity);

    /// <summary>Real time.</summary>
    public static ReplaySpeed RealTime => new(1);

    /// <summary>A factor of real time; must be finite and positive.</summary>
    public static ReplaySpeed Of(double factor)
    {
        if (!double.IsFinite(factor) || factor <= 0)
            throw new ArgumentOutOfRangeException(nameof(factor), $"The replay speed must be a positive factor or 'max', got {factor}.");
        return new ReplaySpeed(factor);
    }

    /// <summary>Parses "max" or a positive number (invariant culture, optional trailing 'x').</summary>
    public static bool TryParse(string? text, out ReplaySpeed speed)
    {
        speed = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text.Trim();
        if (t.Equals("max", StringComparison.OrdinalIgnoreCase)) { speed = Max; return true; }
        if (t.EndsWith('x') || t.EndsWith('X')) t = t[..^1];
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) || !double.IsFinite(f) || f <= 0) return false;
        speed = new ReplaySpeed(f);
        return true;
    }

    /// <summary>Time between two volumes at this speed; zero for <see cref="Max"/>.</summary>
    public TimeSpan Interval(TimeSpan repetitionTime) => IsMax ? TimeSpan.Zero : repetitionTime / Factor;

    /// <inheritdoc />
    public override string ToString() => IsMax ? "max" : Factor.ToString("R", CultureInfo.InvariantCulture);
}
