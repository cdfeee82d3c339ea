using System.Text.Json.Nodes;
using CsCheck;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tests.Decoding;

/// <summary>
/// Generated linear model packages with mutated feature specs, target names, array values and shapes:
/// each either loads, builds the pipeline's settings and predicts finite numbers for standardized inputs
/// within ±<see cref="ModelPackage.MaxStandardizedInput"/>, or is refused with InputDataException.
/// </summary>
public sealed class ModelPackagePropertyTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "rtd-pkgprop-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static readonly int?[] Windows = [null, -13, 0, 1, 2, 3, 13, 10_001];
    private static readonly int[] Detrends = [-7, -2, -1, 0, 2, 5, 6, 99];
    private static readonly int[] Nuisances = [-1, 0, 0, 3];
    private static readonly string?[] Tapers = [null, "rectangular", "gaussian", "exp", "bogus", ""];
    private static readonly int[] RoiCounts = [-1, 0, 1, 2, 4];
    private static readonly string[][] Names =
    [
        ["joy", "fear"], ["joy", "jo\ty"], ["joy", "a\nb"], ["joy", ""], ["joy", "joy"], ["joy", " fear"],
        ["joy", new string('x', 65)], ["joy", new string('x', 64)],
    ];
    private static readonly double[] Specials =
    [
        0.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e308, 1e151, 1e149, -1e149, 1e-320, 0, 1e-151, 1e-149,
    ];
    private static readonly string[] Arrays = ["coef.npy", "intercept.npy", "scaler_mean.npy", "scaler_scale.npy"];

    private sealed record Case(int? Window, int Detrend, int Nuisance, string? Taper, int Roi, string[] Targets,
        bool Dfc, double Special, int Array, int Index, int ShapeDelta, int Seed);

    /// <summary>An index into a list of <paramref name="count"/> choices: <paramref name="valid"/> five times in six, so that about one case in eight is entirely valid.</summary>
    private static Gen<int> Pick(int count, int valid) => Gen.Int[0, 6 * count - 1].Select(i => i < count ? i : valid);

    private static readonly Gen<Case> Cases =
        Gen.Select(
            Gen.Select(Pick(Windows.Length, 6), Pick(Detrends.Length, 2), Pick(Nuisances.Length, 1), Pick(Tapers.Length, 1), Pick(RoiCounts.Length, 4), Pick(Names.Length, 0),
                (w, d, n, t, r, names) => (w, d, n, t, r, names)),
            Gen.Select(Gen.Bool, Pick(Specials.Length, 0), Gen.Int[0, Arrays.Length - 1], Gen.Int[0, 40], Pick(3, 1).Select(i => i - 1), Gen.Int[0, 9999],
                (dfc, s, a, i, sh, seed) => (dfc, s, a, i, sh, seed)),
            (x, y) => new Case(Windows[x.w], Detrends[x.d], Nuisances[x.n], Tapers[x.t], RoiCounts[x.r], Names[x.names],
                y.dfc, Specials[y.s], y.a, y.i, y.sh, y.seed));

    private string Write(Case c)
    {
        string dir = Path.Combine(_root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        int roi = c.Roi;
        int p = c.Dfc ? roi * (roi - 1) / 2 : roi;
        int t = c.Targets.Length;
        var rng = new Random(c.Seed);
        int pw = Math.Max(p, 1);
        var arrays = new double[][]
        {
            [.. Enumerable.Range(0, t * pw).Select(_ => rng.NextDouble() * 2 - 1)],
            [.. Enumerable.Range(0, t).Select(_ => rng.NextDouble())],
            [.. Enumerable.Range(0, pw).Select(_ => rng.NextDouble() - 0.5)],
            [.. Enumerable.Range(0, pw).Select(_ => 0.1 + rng.NextDouble())],
        };
        var target = arrays[c.Array];
        target[c.Index % target.Length] = c.Special;
        int[][] shapes = [[t, pw], [t], [pw], [pw]];
        for (int a = 0; a < arrays.Length; a++)
        {
            var data = arrays[a];
            var shape = shapes[a];
            if (a == c.Array && c.ShapeDelta != 0)
            {
                // A shape one longer or shorter in the last axis.
                shape = [.. shape];
                shape[^1] = Math.Max(1, shape[^1] + c.ShapeDelta);
                int len = shape.Aggregate(1, (x, y) => x * y);
                data = [.. Enumerable.Range(0, len).Select(k => k < data.Length ? data[k] : 0.5)];
            }
            NpyArray.FromFloat64(data, shape).Write(Path.Combine(dir, Arrays[a]));
        }

        var features = new JsonObject
        {
            ["kind"] = c.Dfc ? "dfc" : "roi",
            ["roi_count"] = roi,
            ["preprocessing"] = new JsonObject { ["detrend_order"] = c.Detrend, ["zscore"] = false, ["nuisance_count"] = c.Nuisance },
        };
        if (c.Window is int w) features["window"] = w;
        if (c.Taper is string tp) features["taper"] = tp;
        if (c.Dfc) features["fisher_z"] = true;
        var json = new JsonObject
        {
            ["format"] = ModelPackage.FormatName,
            ["version"] = 1,
            ["targets"] = new JsonArray([.. c.Targets.Select(n => (JsonNode?)n)]),
            ["feature_count"] = p,
            ["features"] = features,
            ["scaler"] = new JsonObject { ["mean"] = "scaler_mean.npy", ["scale"] = "scaler_scale.npy" },
            ["estimator"] = new JsonObject
            {
                ["kind"] = "ridge",
                ["arrays"] = new JsonObject { ["coef"] = "coef.npy", ["intercept"] = "intercept.npy" },
            },
        };
        File.WriteAllText(Path.Combine(dir, "model.json"), json.ToJsonString());
        return dir;
    }

    [Fact]
    public void Load_MutatedPackages_LoadAndPredictFiniteOrRefusedAsInputData()
    {
        int loaded = 0, refused = 0;
        Cases.Sample(c =>
        {
            string dir = Write(c);
            ModelPackage pkg;
            try
            {
                pkg = ModelPackage.Load(dir);
            }
            catch (InputDataException)
            {
                refused++;
                return;
            }

            // What the live pipeline and the offline commands build from a loaded package must not throw.
            var settings = pkg.Features.Settings;
            settings.Preprocessing.Validate();
            if (settings.Kind == FeatureKind.Dfc) settings.Window.Validate();
            Assert.Empty(pkg.Features.Differences(new FeatureSpec(settings, pkg.Features.RoiCount, null)));
            Assert.All(pkg.Targets, n => Assert.Null(ModelPackage.TargetNameProblem(n)));

            var rng = new Random(c.Seed);
            var scaler = pkg.Model.Scaler!;
            var y = new double[pkg.Targets.Count];
            foreach (double z in new[] { 0, 1, -ModelPackage.MaxStandardizedInput, ModelPackage.MaxStandardizedInput })
            {
                var x = new double[pkg.Model.FeatureCount];
                for (int j = 0; j < x.Length; j++)
                    x[j] = scaler.Mean[j] + (z == 0 ? rng.NextDouble() * 2 - 1 : z * (rng.Next(2) * 2 - 1)) * scaler.Scale[j];
                pkg.Model.Predict(x, y);
                Assert.All(y, v => Assert.True(double.IsFinite(v), $"prediction {v} for {c}"));
            }
            loaded++;
        }, iter: 300, threads: 1, print: c => c.ToString());
        Assert.True(loaded > 0 && refused > 0, $"loaded {loaded}, refused {refused}");
    }
}
