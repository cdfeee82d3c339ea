using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Datasets;

namespace RealtimeDecode.Training.Tests.Datasets;

public sealed class TargetPairingTests
{
    /// <summary>Targets "a" = volume, "b" = 10 · volume for volumes 0–9; one feature (= volume) per row for volumes 2–9.</summary>
    private static (NumericTable Features, NumericTable Targets) Tables(Action<int[], double[]>? editTargets = null)
    {
        var fv = Enumerable.Range(2, 8).ToArray();
        var features = new NumericTable(["f"], fv, fv.Select(v => (double)v).ToArray());
        var tv = Enumerable.Range(0, 10).ToArray();
        var ty = tv.SelectMany(v => new[] { (double)v, 10.0 * v }).ToArray();
        editTargets?.Invoke(tv, ty);
        return (features, new NumericTable(["a", "b"], tv, ty));
    }

    [Fact]
    public void Pair_Window_AveragesTheWindowsTargetsInTheRequestedOrder()
    {
        var (features, targets) = Tables();

        var p = TargetPairing.Pair(features, "f.tsv", targets, "t.tsv", ["b", "a"], span: 3, TargetAlignment.Window);

        Assert.Equal(Enumerable.Range(2, 8), p.Volumes);
        for (int i = 0; i < p.Rows; i++)
        {
            double meanVolume = p.Volumes[i] - 1; // mean of v−2, v−1, v
            Assert.Equal(10 * meanVolume, p.Y[i * 2], 12);
            Assert.Equal(meanVolume, p.Y[i * 2 + 1], 12);
            Assert.Equal(p.Volumes[i], p.X[i]);
        }
    }

    [Fact]
    public void Pair_DuplicateTargetVolume_RefusedNamingFileAndBothRows()
    {
        var (features, targets) = Tables((tv, _) => tv[6] = 5);

        var ex = Assert.Throws<InputDataException>(() => TargetPairing.Pair(features, "f.tsv", targets, "t.tsv", ["a", "b"], 1, TargetAlignment.Last));

        Assert.Equal("t.tsv: row 7: volume 5 is listed twice (also row 6)", ex.Message);
    }

    [Fact]
    public void Pair_DuplicateFeatureVolume_Refused()
    {
        var (_, targets) = Tables();
        var features = new NumericTable(["f"], [3, 4, 4], [1, 2, 3]);

        var ex = Assert.Throws<InputDataException>(() => TargetPairing.Pair(features, "f.tsv", targets, "t.tsv", ["a"], 1, TargetAlignment.Last));

        Assert.Equal("f.tsv: row 3: volume 4 is listed twice (also row 2)", ex.Message);
    }

    [Fact]
    public void Pair_NaNTargetInAWindow_RefusedNamingRowVolumeAndColumn()
    {
        // Volume 1 is needed by the windows ending at 2 and 3 (span 3).
        var (features, targets) = Tables((_, ty) => ty[1 * 2 + 1] = double.NaN);

        var ex = Assert.Throws<InputDataException>(() => TargetPairing.Pair(features, "f.tsv", targets, "t.tsv", ["a", "b"], 3, TargetAlignment.Window));

        Assert.StartsWith("t.tsv: row 2 (volume 1), column 'b': no target value (NaN)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pair_NaNTargetNoRowNeeds_IsAllowed()
    {
        // With Last alignment the rows need volumes 2–9 only; volume 0 may be n/a.
        var (features, targets) = Tables((_, ty) => ty[0] = double.NaN);

        var p = TargetPairing.Pair(features, "f.tsv", targets, "t.tsv", ["a", "b"], 3, TargetAlignment.Last);

        Assert.Equal(8, p.Rows);
    }

    [Fact]
    public void Pair_WindowReachingBeforeTheTargets_RefusedAsMissing()
    {
        var (features, targets) = Tables();

        var ex = Assert.Throws<InputDataException>(() => TargetPairing.Pair(features, "f.tsv", targets, "t.tsv", ["a"], 4, TargetAlignment.Window));

        Assert.StartsWith("t.tsv: no row for volume -1, which the feature row of volume 2 (f.tsv row 1) needs", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pair_NonFiniteFeature_RefusedNamingRow()
    {
        var (_, targets) = Tables();
        var features = new NumericTable(["f"], [3, 4], [1, double.NaN]);

        var ex = Assert.Throws<InputDataException>(() => TargetPairing.Pair(features, "f.tsv", targets, "t.tsv", ["a"], 1, TargetAlignment.Last));

        Assert.Equal("f.tsv: row 2 (volume 4), column 'f': a feature that is not a number", ex.Message);
    }
}
