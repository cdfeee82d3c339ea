using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Engine.Preprocessing;

namespace RealtimeDecode.Engine.Tests.Decoding;

/// <summary>
/// The bytes of saved model packages against packages committed in Golden/Decoding/packages, which the
/// writer of format version 1 produced for the same models: a change of layout, order, number format or
/// escaping in model.json (or in any array file) fails here. Each golden package is also loaded and
/// saved again, which must reproduce it byte for byte.
/// </summary>
public sealed class ModelPackageBytesTests : IDisposable
{
    private const string Hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rtdecode-pkgbytes-" + Guid.NewGuid().ToString("N"));

    public ModelPackageBytesTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    private static string GoldenDir(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", "Decoding", "packages", name);

    /// <summary>The packages of the golden set, by folder name.</summary>
    public static TheoryData<string> Names => ["linear_dfc_realigned", "svr_roi", "linear_roi_plain"];

    private static ModelPackage Build(string name)
    {
        switch (name)
        {
            case "linear_dfc_realigned":
            {
                var settings = new FeatureSettings
                {
                    Window = new SlidingWindowOptions { Window = 13, Taper = WindowTaper.Gaussian, FisherZ = true },
                    Preprocessing = new PreprocessingOptions(1, true, 0, 24),
                    Realign = true,
                    FdThresholdMm = 0.8,
                    Censor = CensorPolicy.Withhold,
                };
                var spec = new FeatureSpec(settings, 4, Hash);
                int p = spec.FeatureCount;
                var w = Enumerable.Range(0, 2 * p).Select(i => (i - 5) * 0.1 + 1e-17).ToArray();
                var scaler = new StandardScaler([.. Enumerable.Range(0, p).Select(i => i / 3.0)], [.. Enumerable.Range(0, p).Select(i => 1 + i * 0.25)]);
                var model = new DecodingModel(EstimatorKind.Ridge, new JsonObject { ["alpha"] = 1.0, ["fit_intercept"] = true }, scaler,
                    new LinearRegressor(["joy", "fear é"], p, w, [0.5, -1.0 / 3]));
                var training = new JsonObject { ["seed"] = 7, ["runs"] = new JsonArray("run-1", "run-2"), ["note"] = "α < β & \"quoted\"", ["target_alignment"] = "window" };
                var cv = new JsonObject { ["r2"] = 0.5, ["per_target"] = new JsonObject { ["joy"] = 0.25, ["fear é"] = -0.125 } };
                var lag = new EstimateLag(12.25, 0.75, 11.0, 13.5, ["joy", "fear é"], [11.5, double.NaN], [1.0, double.NaN], "evaluate on run 2");
                return new ModelPackage(model, spec, training, cv)
                {
                    Patterns = [.. Enumerable.Range(0, 2 * p).Select(i => Math.Sin(i))],
                    PatternRows = 360,
                    PatternSplitHalfR = [0.75, double.NaN],
                    Lag = lag,
                };
            }

            case "svr_roi":
            {
                var spec = new FeatureSpec(new FeatureSettings { Kind = FeatureKind.Roi, Preprocessing = new PreprocessingOptions(0, true, 0, 0) }, 3);
                var rows = new float[] { 0.5f, -1.25f, 2f, 0.1f, 0.2f, 0.3f };
                var model = new DecodingModel(EstimatorKind.Svr, new JsonObject { ["C"] = 10.0, ["epsilon"] = 0.1 }, null,
                    new KernelExpansionRegressor(["anticipation"], 3, new KernelFunction(KernelKind.Rbf, 0.01, 0, 3), rows, [0.75, -0.75], [0.125]));
                return new ModelPackage(model, spec, null, new JsonObject { ["r2"] = 0.1 });
            }

            default:
            {
                var spec = new FeatureSpec(new FeatureSettings { Kind = FeatureKind.Roi }, 2) { PreprocessingStated = false };
                var model = new DecodingModel(EstimatorKind.LinearRegression, null, null, new LinearRegressor(["y"], 2, [1.5e140, -2.5e-8], [3]));
                return new ModelPackage(model, spec);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Save_GoldenModel_WritesTheGoldenBytes(string name)
    {
        string path = Path.Combine(_dir, name);
        Build(name).Save(path);

        AssertSameFiles(GoldenDir(name), path);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void LoadSave_GoldenPackage_ReproducesItsBytes(string name)
    {
        string path = Path.Combine(_dir, name);
        ModelPackage.Load(GoldenDir(name)).Save(path);

        AssertSameFiles(GoldenDir(name), path);
    }

    [Fact]
    public void SaveZip_GoldenModel_HoldsTheGoldenModelJson()
    {
        string path = Path.Combine(_dir, "m.zip");
        Build("linear_dfc_realigned").Save(path);

        using var zip = System.IO.Compression.ZipFile.OpenRead(path);
        using var s = zip.GetEntry("model.json")!.Open();
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        Assert.Equal(File.ReadAllBytes(Path.Combine(GoldenDir("linear_dfc_realigned"), "model.json")), ms.ToArray());
    }

    private static void AssertSameFiles(string expectedDir, string actualDir)
    {
        var expected = Directory.GetFiles(expectedDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        var actual = Directory.GetFiles(actualDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, actual);
        foreach (var f in expected)
        {
            byte[] want = File.ReadAllBytes(Path.Combine(expectedDir, f!));
            byte[] got = File.ReadAllBytes(Path.Combine(actualDir, f!));
            if (!want.AsSpan().SequenceEqual(got) && f!.EndsWith(".json", StringComparison.Ordinal))
                Assert.Equal(System.Text.Encoding.UTF8.GetString(want), System.Text.Encoding.UTF8.GetString(got));
            Assert.True(want.AsSpan().SequenceEqual(got), $"{f} differs from the golden package {expectedDir}");
        }
    }
}
