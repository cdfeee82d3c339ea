using System.Globalization;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Feedback;

/// <summary>
/// Reads a Turbo-BrainVoyager / BrainVoyager protocol (<c>.prt</c>): <c>ResolutionOfTime</c> (<c>Volumes</c> or
/// <c>msec</c>), <c>NrOfConditions</c>, then per condition its name, <c>NrOfIntervals</c>, one
/// <c>start end</c> line per interval and a <c>Color: r g b</c> line.
/// </summary>
/// <remarks>
/// Volumes are 1-based and inclusive: interval [a, b] is onset (a − 1)·TR, duration (b − a + 1)·TR.
/// Milliseconds are from the first volume: onset a/1000, duration (b − a)/1000 s.
/// </remarks>
public static class PrtFile
{
    /// <summary>One interval of a condition.</summary>
    public sealed record Interval(double Onset, double Duration, string Condition);

    /// <summary>What a .prt holds: condition names (file order), their colours (#rrggbb or null) and the intervals in onset order.</summary>
    public sealed record Content(IReadOnlyList<string> Conditions, IReadOnlyList<string?> Colours, IReadOnlyList<Interval> Intervals);

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
            if (at >= lines.Count || !lines[at].Text.StartsWith("NrOfIntervals:", StringComparison.OrdinalIgnoreCase))
                throw new InputDataException(path, $"line {(at < lines.Count ? lines[at].Line : name.Line + 1)}: NrOfIntervals expected after condition '{name.Text}'");
            int n = Int(path, lines[at].Text["NrOfIntervals:".Length..], lines[at].Line, "NrOfIntervals");
            at++;
            for (int i = 0; i < n; i++)
            {
                if (at >= lines.Count) throw new InputDataException(path, $"condition '{name.Text}' ends after {i} of {n} intervals");
                var f = lines[at].Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (f.Length != 2 || !double.TryParse(f[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double a)
                    || !double.TryParse(f[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double b))
                    throw new InputDataException(path, $"line {lines[at].Line}: interval '{lines[at].Text}' is not two numbers (start end)");
                if (volumes && (a < 1 || b < a || a != Math.Floor(a) || b != Math.Floor(b)))
                    throw new InputDataException(path, $"line {lines[at].Line}: interval {lines[at].Text} is not 1 ≤ start ≤ end in whole volumes");
                if (!volumes && (a < 0 || b <= a))
                    throw new InputDataException(path, $"line {lines[at].Line}: interval {lines[at].Text} is not 0 ≤ start < end in ms");
                intervals.Add(volumes ? new Interval((a - 1) * tr, (b - a + 1) * tr, name.Text) : new Interval(a / 1000, (b - a) / 1000, name.Text));
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
        return new Content(names, colours, intervals.OrderBy(i => i.Onset).ToList());
    }

    private static int Int(string path, string text, int line, string key)
    {
        if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < 0)
            throw new InputDataException(path, $"line {line}: {key} '{text.Trim()}' is not a whole number ≥ 0");
        return n;
    }
}
