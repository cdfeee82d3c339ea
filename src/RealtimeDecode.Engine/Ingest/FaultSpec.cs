using System.Globalization;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Ingest;

/// <summary>
/// Faults <see cref="ScannerSimulator"/> injects, as rates per volume in [0, 1] (and a jitter in ms).
/// Text form (the <c>--faults</c> option): comma-separated <c>name=value</c>, e.g.
/// <c>drop=0.05,duplicate=0.03,reorder=0.05,jitter=200,partial=0.02,corrupt=0.02</c>.
/// <list type="bullet">
/// <item><c>drop</c>: the volume's file is never written.</item>
/// <item><c>duplicate</c>: after the file, a second file with the same series and volume number is
/// written under another name (DICOM <c>002_…</c>, NIfTI <c>…_dup.nii</c>).</item>
/// <item><c>reorder</c>: the volume is written after the next one (the two swap slots).</item>
/// <item><c>jitter</c>: each file starts uniformly within ±jitter ms (scanner time, divided by the speed
/// factor like the TR) of its slot; paced runs only.</item>
/// <item><c>partial</c>: the file is cut at a random byte and left truncated forever.</item>
/// <item><c>corrupt</c>: the file is written whole but structurally broken so the readers refuse it
/// (DICOM: the "DICM" mark garbled, or the pixel data length halved; NIfTI: the magic garbled).</item>
/// </list>
/// </summary>
public sealed record FaultSpec
{
    /// <summary>No faults.</summary>
    public static FaultSpec None { get; } = new();

    /// <summary>Probability that a volume is dropped.</summary>
    public double Drop { get; init; }

    /// <summary>Probability that a volume is written twice.</summary>
    public double Duplicate { get; init; }

    /// <summary>Probability that a volume swaps places with the next one.</summary>
    public double Reorder { get; init; }

    /// <summary>Probability that a file is left truncated.</summary>
    public double Partial { get; init; }

    /// <summary>Probability that a file is corrupt.</summary>
    public double Corrupt { get; init; }

    /// <summary>Largest start-time offset (uniform ±) of a file; zero for none.</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>True when nothing is injected.</summary>
    public bool IsNone => Drop == 0 && Duplicate == 0 && Reorder == 0 && Partial == 0 && Corrupt == 0 && Jitter == TimeSpan.Zero;

    /// <summary>Parses the text form; null or blank is <see cref="None"/>.</summary>
    /// <exception cref="InputDataException">Unknown name, missing value, or a value out of range (one line).</exception>
    public static FaultSpec Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return None;
        var spec = None;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0) throw Bad(text, $"'{part}' is not name=value");
            string name = part[..eq].Trim().ToLowerInvariant();
            string value = part[(eq + 1)..].Trim();
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                throw Bad(text, $"'{value}' is not a number for {name}");
            if (name == "jitter")
            {
                if (v < 0) throw Bad(text, "jitter must be a non-negative number of milliseconds");
                spec = spec with { Jitter = TimeSpan.FromMilliseconds(v) };
                continue;
            }
            if (v is < 0 or > 1) throw Bad(text, $"{name}={value} is not a rate in [0, 1]");
            spec = name switch
            {
                "drop" => spec with { Drop = v },
                "duplicate" or "dup" => spec with { Duplicate = v },
                "reorder" => spec with { Reorder = v },
                "partial" => spec with { Partial = v },
                "corrupt" => spec with { Corrupt = v },
                _ => throw Bad(text, $"unknown fault '{name}' (drop, duplicate, reorder, jitter, partial, corrupt)"),
            };
        }
        return spec;
    }

    /// <summary>The text form (only the non-zero entries; "none" when empty).</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        void Add(string n, double v) { if (v != 0) parts.Add(n + "=" + v.ToString("R", CultureInfo.InvariantCulture)); }
        Add("drop", Drop);
        Add("duplicate", Duplicate);
        Add("reorder", Reorder);
        Add("jitter", Jitter.TotalMilliseconds);
        Add("partial", Partial);
        Add("corrupt", Corrupt);
        return parts.Count == 0 ? "none" : string.Join(',', parts);
    }

    private static InputDataException Bad(string text, string problem) => new(null, $"--faults '{text}': {problem}");
}
