using System.Globalization;
using RealtimeDecode.Engine.Feedback;

namespace RealtimeDecode.Browser.Tests.Support;

/// <summary>A recording's <c>feedback.tsv</c>, read by column name, and what the participant display should show from it.</summary>
public sealed class FeedbackTsv
{
    private FeedbackTsv(IReadOnlyList<Row> rows) => Rows = rows;

    public IReadOnlyList<Row> Rows { get; }

    public sealed record Row(int Volume, string Condition, int Block, double Feedback, bool Shown, double PublishedMs, double DisplayedMs, int ScoreBlock, double BlockScore);

    public static FeedbackTsv Read(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split('\t');
        int Col(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new InvalidDataException($"{path} has no column {name}");
        static double Num(string s) => s == "n/a" ? double.NaN : double.Parse(s, CultureInfo.InvariantCulture);
        static int Int(string s) => s == "n/a" ? 0 : int.Parse(s, CultureInfo.InvariantCulture);
        var rows = lines.Skip(1).Select(l => l.Split('\t')).Select(f => new Row(
            Int(f[Col("volume")]), f[Col("condition")], Int(f[Col("block")]), Num(f[Col("feedback")]), f[Col("shown")] == "1",
            Num(f[Col("published_ms")]), Num(f[Col("displayed_ms")]), Int(f[Col("score_block")]), Num(f[Col("block_score")]))).ToList();
        return new FeedbackTsv(rows);
    }

    /// <summary>
    /// The value the display should put on the thermometer at each volume 0..<paramref name="lastVolume"/> (null: no
    /// thermometer), by the display rule: the row's feedback when shown in a continuous block (not withheld); else the
    /// latest released score for ScoreSeconds from its release volume's acquisition; else, in a display block, the latest score.
    /// </summary>
    public double?[] ExpectedThermometer(FeedbackProtocol protocol, double tr, int lastVolume, Func<int, bool>? withheld = null)
    {
        var byVolume = Rows.ToDictionary(r => r.Volume);
        var expected = new double?[lastVolume + 1];
        (double Value, int Release, double Seconds)? score = null;
        for (int v = 0; v <= lastVolume; v++)
        {
            double now = v * tr;
            byVolume.TryGetValue(v, out var row);
            if (row is { Shown: true, ScoreBlock: > 0 })
                score = (row.BlockScore, v, protocol.Blocks[row.ScoreBlock - 1].Condition.ScoreSeconds);
            var own = row is { Shown: true, Block: > 0 } ? protocol.Blocks[row.Block - 1].Condition : null;
            if (own is { Feedback: FeedbackMode.Continuous } && double.IsFinite(row!.Feedback) && !(withheld?.Invoke(v) ?? false))
                expected[v] = own.Thermometer ? row.Feedback : null;
            else if (score is { } s && now < s.Release * tr + s.Seconds - 1e-9)
                expected[v] = s.Value;
            else if (protocol.BlockAt(now + 1e-9) is var k and >= 0 && protocol.Blocks[k].Condition is { Role: ConditionRole.Display, Thermometer: true } && score is { } last)
                expected[v] = last.Value;
        }
        return expected;
    }
}
