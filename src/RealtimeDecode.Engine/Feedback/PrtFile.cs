using System.Globalization;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Feedback;

/// <summary>
/// Reads a Turbo-BrainVoyager / BrainVoyager protocol (<c>.prt</c>, FileVersion 2 or 3): <c>ResolutionOfTime</c>
/// (<c>Volumes</c> or <c>msec</c>), <c>ParametricWeights</c> (P, default 0), <c>NrOfConditions</c>, then per condition
/// its name, the number of its intervals (a bare whole number, as BrainVoyager and NeuroElf write it, or
/// <c>NrOfIntervals: N</c>), one <c>start end</c> line per interval (then P weights) and a <c>Color: r g b</c> line.
/// </summary>
/// <remarks>
/// Volumes are 1-based and inclusive: interval [a, b] is onset (a − 1)·TR, duration (b − a + 1)·TR.
/// Milliseconds are from the first volume: onset a/1000, duration (b − a)/1000 s. Blank lines are ignored.
/// </remarks>
public static class PrtFile
{
    /// <summary>One interval of a condition: onset and duration in seconds.</summary>
    public sealed record Interval(double Onset, double Duration, string Condition)
    {
        /// <summary>The interval's parametric weights (<c>ParametricWeights</c> values; none without).</summary>
        public IReadOnlyList<double> Weights { get; init; } = [];
    }

    /// <summary>What a .prt holds: condition names (file order), their colours (#rrggbb or null), the intervals in onset
    /// order and the number of parametric weights per interval (<c>ParametricWeights</c>, 0 without).</summary>
    public sealed record Content(IReadOnlyList<string> Conditions, IReadOnlyList<string?> Colours, IReadOnlyList<Interval> Intervals, int ParametricWeights);

    /// <summary>Reads <paramref name="path"/> with repetition time <paramref name="tr"/> (s, used for volume resolution).</summary>
    /// <exception cref="InputDataException">The file is missing or malformed: one line naming the file and line.</exception>
    public static Content Read(string path, double tr)
    {
        if (!File.Exists(path)) throw new InputDataException(path, "file not found");
        var lines = File.ReadAllLines(path).Select((l, i) => (Text: l.Trim(), Line: i + 1)).Where(l => l.Text.Length > 0).ToList();
        int at = 0;
        string? Key(string key)
        {
            var l = lines.FirstOrDefault(x => x.Text.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase));
            return l.Text?[(key.Length + 1)..].Trim();
        }
        string resolution = Key("ResolutionOfTime") ?? "Volumes";
        bool volumes = resolution.Equals("Volumes", StringComparison.OrdinalIgnoreCase);
        if (!volumes && !resolution.Equals("msec", StringComparison.OrdinalIgnoreCase))
            throw new InputDataException(path, $"ResolutionOfTime '{resolution}' is not Volumes or msec");
        var weightsLine = lines.FirstOrDefault(x => x.Text.StartsWith("ParametricWeights:", StringComparison.OrdinalIgnoreCase));
        int nWeights = weightsLine.Text is null ? 0 : Int(path, weightsLine.Text["ParametricWeights:".Length..], weightsLine.Line, "ParametricWeights");
        string shape = nWeights == 0 ? "two numbers (start end)"
            : nWeights == 1 ? "three numbers (start end weight; ParametricWeights: 1)"
            : $"{nWeights + 2} numbers (start end and {nWeights} weights; ParametricWeights: {nWeights})";
        int start = lines.FindIndex(l => l.Text.StartsWith("NrOfConditions:", StringComparison.OrdinalIgnoreCase));
        if (start < 0) throw new InputDataException(path, "no NrOfConditions line: not a .prt protocol");
        int nConditions = Int(path, lines[start].Text["NrOfConditions:".Length..], lines[start].Line, "NrOfConditions");
        at = start + 1;
        var names = new List<string>();
        var colours = new List<string?>();
        var intervals = new List<Interval>();
        for (int c = 0; c < nConditions; c++)
        {
            if (at >= lines.Count) throw new InputDataException(path, $"ends after {c} of {nConditions} conditions");
            var name = lines[at++];
            if (name.Text.Contains(':')) throw new InputDataException(path, $"line {name.Line}: a condition name was expected, found '{name.Text}'");
            // BrainVoyager and NeuroElf write the count bare on its own line; NrOfIntervals: N (our first fixtures) is read too.
            if (at >= lines.Count) throw new InputDataException(path, $"line {name.Line + 1}: the number of intervals expected after condition '{name.Text}'");
            var count = lines[at];
            bool keyed = count.Text.StartsWith("NrOfIntervals:", StringComparison.OrdinalIgnoreCase);
            if (!keyed && !count.Text.All(char.IsAsciiDigit))
                throw new InputDataException(path, $"line {count.Line}: the number of intervals (a whole number) expected after condition '{name.Text}', found '{count.Text}'");
            int n = Int(path, keyed ? count.Text["NrOfIntervals:".Length..] : count.Text, count.Line, keyed ? "NrOfIntervals" : "the number of intervals");
            at++;
            for (int i = 0; i < n; i++)
            {
                if (at >= lines.Count) throw new InputDataException(path, $"condition '{name.Text}' ends after {i} of {n} intervals");
                var f = lines[at].Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                var x = new double[f.Length];
                bool numbers = f.Length == nWeights + 2;
                for (int j = 0; numbers && j < f.Length; j++)
                    numbers = double.TryParse(f[j], NumberStyles.Float, CultureInfo.InvariantCulture, out x[j]) && double.IsFinite(x[j]);
                if (!numbers)
                    throw new InputDataException(path, $"line {lines[at].Line}: interval '{lines[at].Text}' is not {shape}");
                double a = x[0], b = x[1];
                if (volumes && (a < 1 || b < a || a != Math.Floor(a) || b != Math.Floor(b)))
                    throw new InputDataException(path, $"line {lines[at].Line}: interval {lines[at].Text} is not 1 ≤ start ≤ end in whole volumes");
                if (!volumes && (a < 0 || b <= a))
                    throw new InputDataException(path, $"line {lines[at].Line}: interval {lines[at].Text} is not 0 ≤ start < end in ms");
                double[] weights = x[2..];
                intervals.Add((volumes ? new Interval((a - 1) * tr, (b - a + 1) * tr, name.Text) : new Interval(a / 1000, (b - a) / 1000, name.Text)) with { Weights = weights });
                at++;
            }
            string? colour = null;
            if (at < lines.Count && lines[at].Text.StartsWith("Color:", StringComparison.OrdinalIgnoreCase))
            {
                var rgb = lines[at].Text["Color:".Length..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (rgb.Length != 3 || !rgb.All(x => int.TryParse(x, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v is >= 0 and <= 255))
                    throw new InputDataException(path, $"line {lines[at].Line}: Color is not three values 0–255");
                colour = "#" + string.Concat(rgb.Select(x => int.Parse(x, CultureInfo.InvariantCulture).ToString("x2", CultureInfo.InvariantCulture)));
                at++;
            }
            if (names.Contains(name.Text, StringComparer.Ordinal)) throw new InputDataException(path, $"condition '{name.Text}' appears twice");
            names.Add(name.Text);
            colours.Add(colour);
        }
        if (intervals.Count == 0) throw new InputDataException(path, "no intervals");
        return new Content(names, colours, intervals.OrderBy(i => i.Onset).ToList(), nWeights);
    }

    private static int Int(string path, string text, int line, string key)
    {
        if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < 0)
            throw new InputDataException(path, $"line {line}: {key} '{text.Trim()}' is not a whole number ≥ 0");
        return n;
    }
}
