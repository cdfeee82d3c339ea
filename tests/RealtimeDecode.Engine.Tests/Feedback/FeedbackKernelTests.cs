using System.Globalization;
using System.Text;
using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Engine.Tests.Support;
using RealtimeDecode.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Feedback;

public sealed class FeedbackKernelTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Baseline 0–4 s, regulation 4–8 s at TR 1, no delay, skip 1 s: the baseline is volumes 1–3 (mean 2, SD 1).</summary>
    [Fact]
    public void Push_HandComputedCase_ZAgainstBaselineClippedAndMissing()
    {
        var path = ProtocolFiles.Write(_dir.Path, "hand", ProtocolFiles.Rows((0, 4, "base"), (4, 4, "up")), """
            {"Conditions": {"base": {"Role": "baseline"}, "up": {"Role": "regulate", "Target": "joy"}},
             "Normalisation": {"Method": "z", "BaselineSkip": 1}, "HaemodynamicDelay": 0, "Range": [-3, 3]}
            """);
        var k = new FeedbackKernel(ProtocolFile.Read(path), ["fear", "joy"], tr: 1, window: 1);
        double[] joy = [5, 1, 2, 3, 4, 6, double.NaN, 0];
        var s = joy.Select((j, v) => k.Push(v, [0.5, j])).ToArray();

        Assert.All(s.Take(4), x => Assert.Equal((1, "base", false), (x.Block, x.Condition, x.Shown)));
        Assert.All(s.Take(4), x => Assert.True(double.IsNaN(x.Feedback)));
        Assert.Equal(5, s[0].Estimate);
        Assert.Equal(2, s[4].BaselineMean, 12);
        Assert.Equal(1, s[4].BaselineSd, 12);
        Assert.Equal(2, s[4].Feedback, 12);
        Assert.Equal(3, s[5].Feedback, 12);        // (6 − 2)/1 = 4, clipped to the range
        Assert.True(double.IsNaN(s[6].Feedback));   // a missing volume: no feedback, not shown
        Assert.False(s[6].Shown);
        Assert.Equal(-2, s[7].Feedback, 12);
        Assert.True(s[4].Shown && s[5].Shown && s[7].Shown);
    }

    [Fact]
    public void Push_DirectionDownAndSmoothing_SignFlippedMeanOfLastK()
    {
        var path = ProtocolFiles.Write(_dir.Path, "down", ProtocolFiles.Rows((0, 3, "base"), (3, 4, "dn")), """
            {"Conditions": {"base": {"Role": "baseline"}, "dn": {"Role": "regulate", "Target": "joy", "Direction": "down"}},
             "Normalisation": {"Method": "difference", "BaselineSkip": 0}, "Smoothing": 2, "HaemodynamicDelay": 0, "Range": [-100, 100]}
            """);
        var k = new FeedbackKernel(ProtocolFile.Read(path), ["joy"], tr: 1, window: 1);
        double[] joy = [1, 2, 3, 10, 20, 5, 2];
        var s = joy.Select((j, v) => k.Push(v, [j])).ToArray();
        Assert.Equal(-(10 - 2.0), s[3].Feedback, 12);
        Assert.Equal(-((8 + 18) / 2.0), s[4].Feedback, 12);
        Assert.Equal(-((18 + 3) / 2.0), s[5].Feedback, 12);
    }

    [Fact]
    public void DescribedTime_WindowCentreLessDelay()
    {
        var path = ProtocolFiles.Write(_dir.Path, "t", ProtocolFiles.Rows((0, 10, "base")), """{"Conditions": {"base": {"Role": "baseline"}}, "HaemodynamicDelay": 5}""");
        Assert.Equal((20 - 6) * 2.0 - 5, ProtocolFile.Read(path).DescribedTime(20, 2, 13));
    }

    [Fact]
    public void Push_VolumesOutOfOrder_Throws()
    {
        var path = ProtocolFiles.Write(_dir.Path, "o", ProtocolFiles.Rows((0, 10, "base")), """{"Conditions": {"base": {"Role": "baseline"}}}""");
        var k = new FeedbackKernel(ProtocolFile.Read(path), ["joy"], 2, 1);
        k.Push(3, [1]);
        Assert.Throws<ArgumentException>(() => k.Push(3, [1]));
    }

    /// <summary>
    /// The offline path against tests/.../recompute_feedback.py, an independent numpy implementation of the
    /// README's rule: every volume, including volumes missing from estimates.tsv and NaN estimates.
    /// </summary>
    [Theory]
    [InlineData("z", 1, 1, 2.0)]
    [InlineData("z", 3, 13, 2.0)]
    [InlineData("difference", 2, 5, 1.5)]
    [InlineData("percent", 1, 13, 2.0)]
    public void FromEstimates_EqualsIndependentRecomputation(string method, int smoothing, int window, double tr)
    {
        var protocol = ProtocolFiles.Write(_dir.Path, "p", ProtocolFiles.Rows(
                (0, 8, "rest"), (8, 24, "base"), (32, 20, "up"), (52, 6, "rest"), (58, 24, "base"), (82, 20, "down"), (102, 6, "score"),
                (108, 6, "rest"), (114, 20, "up"), (134, 30, "base"), (164, 20, "down"), (184, 8, "score")),
            ProtocolFiles.StandardSidecar.Replace("METHOD", method).Replace("SMOOTH", smoothing.ToString(CultureInfo.InvariantCulture)));
        var estimates = _dir.File("estimates.tsv");
        WriteEstimates(estimates, firstVolume: window - 1, lastVolume: 119, seed: smoothing * 31 + window);

        var lines = FeedbackTable.FromEstimates(ProtocolFile.Read(protocol), NumericTable.Read(estimates), estimates, tr, window);
        var ours = _dir.File("ours.tsv");
        File.WriteAllText(ours, string.Join('\n', lines) + "\n");
        var theirs = _dir.File("theirs.tsv");
        PythonRunner.Run(PythonRunner.RepoFile("tests", "RealtimeDecode.Engine.Tests", "Feedback", "recompute_feedback.py"),
            protocol, estimates, tr.ToString("R", CultureInfo.InvariantCulture), window.ToString(CultureInfo.InvariantCulture), theirs);

        var a = File.ReadAllLines(ours);
        var b = File.ReadAllLines(theirs);
        Assert.Equal(b[0], a[0]);
        Assert.Equal(b.Length, a.Length);
        Assert.Equal(120 - (window - 1), a.Length - 1);
        int shown = 0, feedback = 0, scores = 0;
        for (int r = 1; r < a.Length; r++)
        {
            var x = a[r].Split('\t');
            var y = b[r].Split('\t');
            Assert.Equal(y.Length, x.Length);
            for (int c = 0; c < x.Length; c++)
            {
                bool numeric = double.TryParse(y[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double yv);
                if (numeric && double.TryParse(x[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double xv))
                    Assert.True(Math.Abs(xv - yv) <= 1e-9 * Math.Max(1, Math.Abs(yv)), $"line {r + 1}, {a[0].Split('\t')[c]}: {x[c]} vs {y[c]}");
                else Assert.True(x[c] == y[c], $"line {r + 1}, {a[0].Split('\t')[c]}: {x[c]} vs {y[c]}");
            }
            if (x[8] == "1") shown++;
            if (x[7] != "n/a") feedback++;
            if (x[12] != "n/a") scores++;
        }
        // The case exercises what it claims to: shown feedback, regulation values and released scores.
        Assert.True(shown > 0 && feedback > 0, $"shown {shown}, feedback {feedback}");
        if (method != "percent") Assert.True(scores > 0, $"no intermittent score released ({method})");
    }

    /// <summary>An estimates table as a recording writes it: targets, timing columns, some volumes absent and one NaN row.</summary>
    private static void WriteEstimates(string path, int firstVolume, int lastVolume, int seed)
    {
        var rng = new Random(seed);
        var s = new StringBuilder("volume\tonset_s\tjoy\tfear\tanger\tdetected_ms\tread_ms\tdecoded_ms\tpublished_ms\tlatency_ms\n");
        for (int v = firstVolume; v <= lastVolume; v++)
        {
            if (v % 17 == 5 || v == firstVolume + 30 || v == firstVolume + 31) continue;
            string joy = v % 23 == 7 ? "n/a" : (0.3 + Math.Sin(v / 5.0) + rng.NextDouble()).ToString("R", CultureInfo.InvariantCulture);
            string fear = (rng.NextDouble() - 0.2).ToString("R", CultureInfo.InvariantCulture);
            s.Append(CultureInfo.InvariantCulture, $"{v}\t{v * 2}\t{joy}\t{fear}\t{rng.NextDouble()}\t{v * 2000}\t{v * 2000 + 5}\t{v * 2000 + 9}\t{v * 2000 + 11.5}\t11.5\n");
        }
        File.WriteAllText(path, s.ToString());
    }
}
