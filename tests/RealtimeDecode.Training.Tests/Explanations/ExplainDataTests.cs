using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Training.Datasets;
using RealtimeDecode.Training.Explanations;

namespace RealtimeDecode.Training.Tests.Explanations;

public sealed class ExplainDataTests
{
    /// <summary>Targets "a" = volume and "b" = −volume for volumes 0–20; two features per row for volumes 12–20.</summary>
    private static (NumericTable Features, NumericTable Targets) Tables()
    {
        var fv = Enumerable.Range(12, 9).ToArray();
        var features = new NumericTable(["f0", "f1"], fv, fv.SelectMany(v => new[] { v * 0.5, 1.0 }).ToArray());
        var tv = Enumerable.Range(0, 21).ToArray();
        var targets = new NumericTable(["b", "a"], tv, tv.SelectMany(v => new[] { -(double)v, v }).ToArray());
        return (features, targets);
    }

    [Fact]
    public void Match_WindowAlignment_AveragesTheTargetsOverEachRowsWindowInModelOrder()
    {
        var (features, targets) = Tables();

        var data = ExplainData.Match(features, "f.tsv", targets, "t.tsv", 2, ["a", "b"], span: 13, alignment: TargetAlignment.Window);

        Assert.Equal([12, 13, 14, 15, 16, 17, 18, 19, 20], data.Volumes);
        for (int i = 0; i < data.Rows; i++)
        {
            Assert.Equal(data.Volumes[i] - 6.0, data.Y[i * 2], 12);
            Assert.Equal(-(data.Volumes[i] - 6.0), data.Y[i * 2 + 1], 12);
            Assert.Equal(data.Volumes[i] * 0.5, data.X[i * 2]);
        }
        Assert.Contains("13 volumes", data.Pairing, StringComparison.Ordinal);
    }

    [Fact]
    public void Match_LastAlignment_TakesEachRowsOwnVolume()
    {
        var (features, targets) = Tables();

        var data = ExplainData.Match(features, "f.tsv", targets, "t.tsv", 2, ["a", "b"], span: 13, alignment: TargetAlignment.Last);

        Assert.Equal(Enumerable.Range(12, 9), data.Volumes);
        for (int i = 0; i < data.Rows; i++) Assert.Equal(data.Volumes[i], data.Y[i * 2]);
    }
}
