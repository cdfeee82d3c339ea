using System.Globalization;
using System.Text;

namespace RealtimeDecode.Engine.Tests.Feedback;

/// <summary>Writes small protocols (events table + sidecar) for the tests.</summary>
internal static class ProtocolFiles
{
    public const string StandardSidecar = """
        {
          "Conditions": {
            "rest": {"Role": "rest", "Instruction": "Rest"},
            "base": {"Role": "baseline", "Instruction": "Count"},
            "up": {"Role": "regulate", "Target": "joy", "Direction": "up", "Feedback": "continuous", "Instruction": "Feel joy"},
            "down": {"Role": "regulate", "Target": {"fear": 1, "joy": -0.5}, "Direction": "down", "Feedback": "intermittent"},
            "score": {"Role": "display"}
          },
          "Normalisation": {"Method": "METHOD", "BaselineSkip": 3},
          "Smoothing": SMOOTH,
          "HaemodynamicDelay": 4,
          "Range": [-2.5, 2.5]
        }
        """;

    public static string Write(string dir, string name, string events, string sidecar)
    {
        string path = Path.Combine(dir, name + ".tsv");
        File.WriteAllText(path, "onset\tduration\ttrial_type\n" + events, new UTF8Encoding(false));
        File.WriteAllText(Path.ChangeExtension(path, ".json"), sidecar, new UTF8Encoding(false));
        return path;
    }

    public static string Rows(params (double Onset, double Duration, string Type)[] rows) =>
        string.Concat(rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Onset}\t{r.Duration}\t{r.Type}\n")));
}
