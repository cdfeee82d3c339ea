using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Engine.Preprocessing;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tests.Decoding;

/// <summary>
/// <see cref="FeatureSpec.Differences"/> over typed settings, and the preprocessing entries of model.json as the
/// package reader and writer map them: known ones typed, unknown ones kept and compared as read.
/// </summary>
public sealed class FeatureSpecTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rtdecode-spec-" + Guid.NewGuid().ToString("N"));

    public FeatureSpecTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    private static FeatureSpec Dfc(FeatureSettings? settings = null) => new(settings ?? new FeatureSettings(), 4);

    /// <summary>A linear ROI package over 3 ROIs whose model.json "features.preprocessing" is <paramref name="preprocessing"/>.</summary>
    private string Package(JsonObject preprocessing)
    {
        string dir = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        var model = new DecodingModel(EstimatorKind.LinearRegression, null, null, new LinearRegressor(["y"], 3, [1, 2, 3], [0]));
        new ModelPackage(model, new FeatureSpec(new FeatureSettings { Kind = FeatureKind.Roi }, 3)).Save(dir);
        string json = Path.Combine(dir, "model.json");
        var root = JsonNode.Parse(File.ReadAllText(json))!;
        root["features"]!["preprocessing"] = preprocessing;
        File.WriteAllText(json, root.ToJsonString());
        return dir;
    }

    [Fact]
    public void Differences_SameSettings_None()
    {
        var s = new FeatureSettings { Preprocessing = new PreprocessingOptions(1, true), Realign = true, FdThresholdMm = 0.3, Censor = CensorPolicy.Publish };
        Assert.Empty(Dfc(s).Differences(Dfc(s with { })));
    }

    [Fact]
    public void Differences_TaperAndFisherZ_NameBothValues()
    {
        var live = new FeatureSettings { Window = new SlidingWindowOptions { Window = 13, Taper = WindowTaper.Gaussian, FisherZ = false } };
        var d = Dfc().Differences(Dfc(live));
        Assert.Equal(["taper is rectangular in the model but gaussian live", "Fisher z is True in the model but False live"], d);
    }

    [Fact]
    public void Differences_RealignedModelAgainstPlainSession_EveryMotionEntryAbsentLive()
    {
        var model = new FeatureSettings { Realign = true, Preprocessing = new PreprocessingOptions(MotionRegressors: 6) };
        var d = Dfc(model).Differences(Dfc());
        Assert.Equal(
            ["preprocessing 'realign' is true in the model but absent live", "preprocessing 'motion_regressors' is 6 in the model but absent live",
             "preprocessing 'fd_threshold_mm' is 0.5 in the model but absent live", "preprocessing 'censor' is \"flag\" in the model but absent live"], d);
    }

    [Fact]
    public void Differences_DetrendAndCensor_TypedValuesInModelJsonSpelling()
    {
        var model = new FeatureSettings { Realign = true, Censor = CensorPolicy.Withhold, Preprocessing = new PreprocessingOptions(2) };
        var d = Dfc(model).Differences(Dfc(model with { Censor = CensorPolicy.Flag, Preprocessing = new PreprocessingOptions(0) }));
        Assert.Equal(["preprocessing 'detrend_order' is 2 in the model but 0 live", "preprocessing 'censor' is \"withhold\" in the model but \"flag\" live"], d);
    }

    [Fact]
    public void Differences_ROIFeatures_IgnoreTheWindow()
    {
        var roi = new FeatureSettings { Kind = FeatureKind.Roi };
        Assert.Empty(Dfc(roi).Differences(Dfc(roi with { Window = new SlidingWindowOptions { Window = 5 } })));
    }

    [Fact]
    public void Load_UnknownPreprocessingEntry_KeptWrittenBackAndRefusedAgainstASessionWithoutIt()
    {
        string dir = Package(new JsonObject { ["detrend_order"] = 1, ["zscore"] = true, ["nuisance_count"] = 0, ["highpass_hz"] = 0.01 });
        var pkg = ModelPackage.Load(dir);
        Assert.Equal(new PreprocessingOptions(1, true), pkg.Features.Settings.Preprocessing);
        Assert.Equal(["highpass_hz"], pkg.Features.OtherPreprocessing.Keys);

        var e = Assert.Throws<InputDataException>(() => pkg.Validate(new FeatureSpec(pkg.Features.Settings, 3)));
        Assert.Contains("preprocessing 'highpass_hz' is 0.01 in the model but absent live", e.Message);
        pkg.Validate(pkg.Features with { });

        string again = Path.Combine(_dir, "again");
        pkg.Save(again);
        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(again, "model.json")))!["features"]!["preprocessing"]!.AsObject();
        Assert.Equal(["detrend_order", "zscore", "nuisance_count", "highpass_hz"], written.Select(kv => kv.Key));
        Assert.Equal(0.01, written["highpass_hz"]!.GetValue<double>());
    }

    [Fact]
    public void Load_EmptyPreprocessing_WrittenBackEmptyAndRefusedAgainstAStatedSession()
    {
        var pkg = ModelPackage.Load(Package([]));
        Assert.False(pkg.Features.PreprocessingStated);

        var e = Assert.Throws<InputDataException>(() => pkg.Validate(new FeatureSpec(pkg.Features.Settings, 3)));
        Assert.Contains("preprocessing 'detrend_order' is absent in the model but -1 live", e.Message);

        string again = Path.Combine(_dir, "again");
        pkg.Save(again);
        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(again, "model.json")))!["features"]!["preprocessing"]!.AsObject();
        Assert.Empty(written);
    }

    [Fact]
    public void Load_MotionRegressorsWithoutRealignment_RefusedNamingModelJson()
    {
        var e = Assert.Throws<InputDataException>(() => ModelPackage.Load(Package(new JsonObject { ["motion_regressors"] = 24 })));
        Assert.Contains("24 motion regressors need realignment", e.Message);
        Assert.EndsWith("model.json", e.Path);
    }
}
