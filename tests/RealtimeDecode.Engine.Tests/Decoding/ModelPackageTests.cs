using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tests.Decoding;

public sealed class ModelPackageTests : IDisposable
{
    private const string Hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rtdecode-pkg-" + Guid.NewGuid().ToString("N"));

    public ModelPackageTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>DFC features whose preprocessing is one entry this version does not know (as packages exported from elsewhere may hold).</summary>
    private static FeatureSpec Spec(int rois = 5, string hash = Hash, int window = 13, int detrend = 1) =>
        new(new FeatureSettings { Window = new() { Window = window, Taper = WindowTaper.Rectangular, FisherZ = true } }, rois, hash)
        {
            PreprocessingStated = false,
            OtherPreprocessing = new Dictionary<string, JsonNode?> { ["detrend"] = detrend },
        };

    private string SaveLinear(string name = "m")
    {
        var spec = Spec();
        int p = spec.FeatureCount;
        var w = Enumerable.Range(0, 2 * p).Select(i => i * 0.1).ToArray();
        var model = new DecodingModel(EstimatorKind.Ridge, new JsonObject { ["alpha"] = 1.0 }, null,
            new LinearRegressor(["a", "b"], p, w, [0.5, -0.5]));
        string path = Path.Combine(_dir, name);
        new ModelPackage(model, spec, new JsonObject { ["seed"] = 1 }, new JsonObject { ["r2"] = 0.5 }).Save(path);
        return path;
    }

    private static void EditJson(string pkg, Action<JsonObject> edit)
    {
        string f = Path.Combine(pkg, "model.json");
        var o = JsonNode.Parse(File.ReadAllText(f))!.AsObject();
        edit(o);
        File.WriteAllText(f, o.ToJsonString());
    }

    [Fact]
    public void SaveLoad_LinearModel_RoundTripsMetadataAndPrediction()
    {
        string path = SaveLinear();
        var pkg = ModelPackage.Load(path);
        pkg.Validate(Spec());
        Assert.Equal(["a", "b"], pkg.Targets);
        Assert.Equal(0.5, pkg.CvMetrics["r2"]!.GetValue<double>());
        var x = Enumerable.Range(0, 10).Select(i => (double)i).ToArray();
        var y = new double[2];
        pkg.Model.Predict(x, y);
        Assert.Equal(Enumerable.Range(0, 10).Sum(i => i * 0.1 * i) + 0.5, y[0], 12);
    }

    [Theory]
    [InlineData("dir")]
    [InlineData("pkg.zip")]
    public void SaveLoad_WithPatterns_RoundTripsThemAndTheirRowCount(string name)
    {
        var loaded = ModelPackage.Load(SaveLinear());
        int p = loaded.Model.FeatureCount;
        var patterns = Enumerable.Range(0, 2 * p).Select(i => Math.Sin(i) * 1e3).ToArray();
        string path = Path.Combine(_dir, name);
        new ModelPackage(loaded.Model, loaded.Features) { Patterns = patterns, PatternRows = 360, PatternSplitHalfR = [0.75, double.NaN] }.Save(path);

        var back = ModelPackage.Load(path);

        Assert.Equal(patterns, back.Patterns);
        Assert.Equal(360, back.PatternRows);
        Assert.Equal([0.75, double.NaN], back.PatternSplitHalfR!);
        Assert.Null(loaded.Patterns);
        Assert.Equal(0, loaded.PatternRows);
    }

    [Fact]
    public void SaveLoad_EstimateLag_RoundTripsAndIsOptional()
    {
        var loaded = ModelPackage.Load(SaveLinear());
        string path = Path.Combine(_dir, "lag");
        var lag = new EstimateLag(12.25, 0.75, 11.0, 13.5, ["a", "b"], [11.5, 13.0], [1.0, double.NaN], "evaluate on run 2");
        new ModelPackage(loaded.Model, loaded.Features) { Lag = lag }.Save(path);

        var back = ModelPackage.Load(path).Lag!;

        Assert.Null(loaded.Lag);                  // a package without estimate_lag loads, with no lag
        Assert.Equal(12.25, back.Seconds);
        Assert.Equal(0.75, back.StandardError);
        Assert.Equal((11.0, 13.5), (back.Low95, back.High95));
        Assert.Equal([11.5, 13.0], back.PerTarget);
        Assert.True(double.IsNaN(back.PerTargetStandardError[1]));
        Assert.Equal("evaluate on run 2", back.Source);
        Assert.Equal("describes about t − 12.3 s (± 0.8 s)", back.Describe());
    }

    [Fact]
    public void Load_EstimateLagNotANumber_ThrowsNamingField()
    {
        string path = SaveLinear();
        EditJson(path, o => o["estimate_lag"] = new JsonObject { ["seconds"] = "soon" });

        var e = Assert.Throws<InputDataException>(() => ModelPackage.Load(path));

        Assert.Contains("model.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("estimate_lag.seconds", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PatternsOfWrongShape_ThrowsNamingFileAndShapes()
    {
        var loaded = ModelPackage.Load(SaveLinear());
        int p = loaded.Model.FeatureCount;
        string path = Path.Combine(_dir, "pat");
        new ModelPackage(loaded.Model, loaded.Features) { Patterns = new double[2 * p], PatternRows = 9 }.Save(path);
        NpyArray.FromFloat64(new double[3 * p], 3, p).Write(Path.Combine(path, "patterns.npy"));

        var e = Assert.Throws<InputDataException>(() => ModelPackage.Load(path));

        Assert.Contains("patterns.npy", e.Message, StringComparison.Ordinal);
        Assert.Contains($"(3, {p})", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ModelPackage(loaded.Model, loaded.Features) { Patterns = new double[p] });
    }

    [Fact]
    public void Load_NewerVersion_ThrowsNamingVersion()
    {
        string path = SaveLinear();
        EditJson(path, o => o["version"] = 2);
        var e = Assert.Throws<InputDataException>(() => ModelPackage.Load(path));
        Assert.EndsWith("model.json", e.Path);
        Assert.Contains("version 2 is newer", e.Message);
    }

    [Fact]
    public void Load_NaNInArray_ThrowsNamingFile()
    {
        string path = SaveLinear();
        var coef = NpyArray.Read(Path.Combine(path, "coef.npy"));
        coef.Float64![3] = double.NaN;
        coef.Write(Path.Combine(path, "coef.npy"));
        var e = Assert.Throws<InputDataException>(() => ModelPackage.Load(path));
        Assert.EndsWith("coef.npy", e.Path);
        Assert.Contains("NaN", e.Message);
    }

    [Fact]
    public void Validate_FeatureCountMismatch_ThrowsWithBothCounts()
    {
        var pkg = ModelPackage.Load(SaveLinear());
        var e = Assert.Throws<InputDataException>(() => pkg.Validate(Spec(rois: 6)));
        Assert.Contains("expects 10 features", e.Message);
        Assert.Contains("produce 15", e.Message);
        Assert.EndsWith("model.json", e.Path);
    }

    [Fact]
    public void LoadFor_MatchingAndMismatchingLiveSpec_AcceptsThenRefuses()
    {
        string path = SaveLinear();
        Assert.Equal(2, ModelPackage.LoadFor(path, Spec()).Model.TargetCount);
        var e = Assert.Throws<InputDataException>(() => ModelPackage.LoadFor(path, Spec() with { Settings = new FeatureSettings { Kind = FeatureKind.Roi } }));
        Assert.Contains("feature kind is dfc in the model but roi live", e.Message);
    }

    [Fact]
    public void Validate_AtlasHashMismatch_ThrowsWithBothHashes()
    {
        var pkg = ModelPackage.Load(SaveLinear());
        string other = new('f', 64);
        var e = Assert.Throws<InputDataException>(() => pkg.Validate(Spec(hash: other)));
        Assert.Contains("atlas SHA-256 differs", e.Message);
        Assert.Contains(other, e.Message);
    }

    [Fact]
    public void Validate_WindowAndPreprocessingMismatch_ListsBoth()
    {
        var pkg = ModelPackage.Load(SaveLinear());
        var e = Assert.Throws<InputDataException>(() => pkg.Validate(Spec(window: 20, detrend: 2)));
        Assert.Contains("window is 13 volumes in the model but 20 live", e.Message);
        Assert.Contains("preprocessing 'detrend'", e.Message);
    }

    [Fact]
    public void Load_MissingNpy_ThrowsNamingFile()
    {
        string path = SaveLinear();
        File.Delete(Path.Combine(path, "intercept.npy"));
        var e = Assert.Throws<InputDataException>(() => ModelPackage.Load(path));
        Assert.EndsWith("intercept.npy", e.Path);
        Assert.Contains("missing array file", e.Message);
    }

    [Fact]
    public void Load_MalformedJson_ThrowsNamingModelJson()
    {
        string path = SaveLinear();
        File.WriteAllText(Path.Combine(path, "model.json"), "{\"format\": \"rtdecode-model\", \"version\": 1,, ");
        var e = Assert.Throws<InputDataException>(() => ModelPackage.Load(path));
        Assert.EndsWith("model.json", e.Path);
        Assert.Contains("malformed JSON", e.Message);
    }

    [Fact]
    public void Load_InvalidUtf8InAString_ThrowsNamingModelJson()
    {
        string path = SaveLinear();
        var json = File.ReadAllBytes(Path.Combine(path, "model.json"));
        var at = json.AsSpan().IndexOf("rtdecode-model"u8);
        json[at] = 0xB1; // a UTF-8 continuation byte with no lead byte
        File.WriteAllBytes(Path.Combine(path, "model.json"), json);
        var e = Assert.Throws<InputDataException>(() => ModelPackage.Load(path));
        Assert.EndsWith("model.json", e.Path);
        Assert.Contains("not valid UTF-8", e.Message);
    }

    [Fact]
    public void Load_DuplicateProperty_ThrowsNamingModelJson()
    {
        string path = SaveLinear();
        var json = File.ReadAllText(Path.Combine(path, "model.json"));
        File.WriteAllText(Path.Combine(path, "model.json"), json.Replace("\"version\"", "\"format\": \"again\", \"version\"", StringComparison.Ordinal));
        var e = Assert.Throws<InputDataException>(() => ModelPackage.Load(path));
        Assert.EndsWith("model.json", e.Path);
        Assert.Contains("malformed JSON", e.Message);
    }

    [Fact]
    public void Load_DuplicatePropertyInsideAFreeFormObject_ThrowsNamingModelJson()
    {
        string path = SaveLinear();
        var json = File.ReadAllText(Path.Combine(path, "model.json"));
        // "training" is kept as a free-form JSON object; a key named twice two levels inside it.
        File.WriteAllText(Path.Combine(path, "model.json"), json.Replace("\"version\"",
            "\"training\": { \"notes\": { \"a\": 1, \"a\": 2 } }, \"version\"", StringComparison.Ordinal));
        var e = Assert.Throws<InputDataException>(() => ModelPackage.Load(path));
        Assert.EndsWith("model.json", e.Path);
        Assert.Contains("named twice", e.Message);
    }

    [Theory]
    [InlineData("version", "'version' must be an integer")]
    [InlineData("features.window", "'features.window' must be an integer")]
    [InlineData("features.fisher_z", "'features.fisher_z' must be true or false")]
    [InlineData("estimator.kind", "'estimator.kind' must be a string")]
    [InlineData("scaler", "'scaler' must be an object")]
    public void Load_ValueOfTheWrongType_ThrowsNamingTheField(string field, string expected)
    {
        string path = SaveLinear();
        EditJson(path, o =>
        {
            string[] parts = field.Split('.');
            var parent = parts.Length == 1 ? o : o[parts[0]]!.AsObject();
            parent[parts[^1]] = parts[^1] == "kind" ? 7 : "13";
        });

        var e = Assert.Throws<InputDataException>(() => ModelPackage.Load(path));

        Assert.EndsWith("model.json", e.Path);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ShapeMismatch_ThrowsWithShapes()
    {
        string path = SaveLinear();
        NpyArray.FromFloat64(new double[18], 2, 9).Write(Path.Combine(path, "coef.npy"));
        var e = Assert.Throws<InputDataException>(() => ModelPackage.Load(path));
        Assert.EndsWith("coef.npy", e.Path);
        Assert.Contains("(2, 9)", e.Message);
        Assert.Contains("(2, 10)", e.Message);
    }

    [Fact]
    public void Load_UnknownEstimatorAndMissingField_Throw()
    {
        string a = SaveLinear("a");
        EditJson(a, o => o["estimator"]!["kind"] = "random_forest");
        Assert.Contains("unknown estimator kind 'random_forest'", Assert.Throws<InputDataException>(() => ModelPackage.Load(a)).Message);
        string b = SaveLinear("b");
        EditJson(b, o => o.Remove("targets"));
        Assert.Contains("'targets' is missing", Assert.Throws<InputDataException>(() => ModelPackage.Load(b)).Message);
    }

    [Fact]
    public void Load_MissingPackageOrZipWithoutModelJson_Throws()
    {
        Assert.Contains("not found", Assert.Throws<InputDataException>(() => ModelPackage.Load(Path.Combine(_dir, "nope"))).Message);
        string zip = Path.Combine(_dir, "empty.zip");
        using (var z = System.IO.Compression.ZipFile.Open(zip, System.IO.Compression.ZipArchiveMode.Create))
        {
            z.CreateEntry("readme.txt");
        }

        var e = Assert.Throws<InputDataException>(() => ModelPackage.Load(zip));
        Assert.EndsWith("model.json", e.Path);
    }

    [Fact]
    public void SaveZip_KernelModelFloat32Rows_LoadsSameRowsAndPredictions()
    {
        var spec = new FeatureSpec(new FeatureSettings { Kind = FeatureKind.Roi }, 4);
        var rows = new float[] { 1, 2, 3, 4, 0, 1, 0, 1, -1, 2, 0.5f, 3 };
        var est = new KernelExpansionRegressor(["y"], 4, new KernelFunction(KernelKind.Rbf, 0.1), rows, [0.5, -1, 2], [0.25]);
        var model = new DecodingModel(EstimatorKind.Svr, null, new StandardScaler([0, 0, 0, 0], [1, 2, 1, 1]), est);
        string zip = Path.Combine(_dir, "k.zip");
        new ModelPackage(model, spec).Save(zip);
        var back = ModelPackage.Load(zip);
        var k = Assert.IsType<KernelExpansionRegressor>(back.Model.Estimator);
        Assert.Equal(rows, k.Rows32!);
        double[] x = [0.3, 1.2, -0.4, 2];
        var y1 = new double[1];
        var y2 = new double[1];
        model.Predict(x, y1);
        back.Model.Predict(x, y2);
        Assert.Equal(y1[0], y2[0]);
        var half = ModelPackage.Load(zip, RowPrecision.Float16);
        Assert.Equal(RowPrecision.Float16, ((KernelExpansionRegressor)half.Model.Estimator).Precision);
        half.Model.Predict(x, y2);
        Assert.Equal(y1[0], y2[0], 1e-2);
    }
}
