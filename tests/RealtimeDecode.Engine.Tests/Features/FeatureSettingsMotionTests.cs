using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Engine.Preprocessing;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tests.Features;

/// <summary>The package's record of realignment, motion regressors and censoring, and the comparison with a session's.</summary>
public class FeatureSettingsMotionTests
{
    private static FeatureSettings Realigned(int regressors = 24, double fd = 0.8, CensorPolicy censor = CensorPolicy.Withhold) => new()
    {
        Realign = true,
        Preprocessing = new PreprocessingOptions(1, true, 0, regressors),
        FdThresholdMm = fd,
        Censor = censor,
    };

    /// <summary>Saves a one-target linear package over 3 ROIs with <paramref name="settings"/>, and loads it back.</summary>
    private static (JsonObject Preprocessing, FeatureSettings Loaded) SaveLoad(FeatureSettings settings)
    {
        string dir = Path.Combine(Path.GetTempPath(), "rtdecode-motion-" + Guid.NewGuid().ToString("N"));
        try
        {
            var model = new DecodingModel(EstimatorKind.LinearRegression, null, null, new LinearRegressor(["y"], 3, [1, 2, 3], [0]));
            new ModelPackage(model, new FeatureSpec(settings with { Kind = FeatureKind.Roi }, 3)).Save(dir);
            var features = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "model.json")))!["features"]!;
            return (features["preprocessing"]!.AsObject(), ModelPackage.Load(dir).Features.Settings);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void SaveLoad_Realigned_RoundTripsEveryMotionSetting()
    {
        var s = Realigned();
        var (json, back) = SaveLoad(s);
        Assert.Equal(24, json["motion_regressors"]!.GetValue<int>());
        Assert.Equal(0.8, json["fd_threshold_mm"]!.GetValue<double>());
        Assert.Equal("withhold", json["censor"]!.GetValue<string>());
        Assert.Equal(s.Preprocessing, back.Preprocessing);
        Assert.Equal(0.8, back.FdThresholdMm);
        Assert.Equal(CensorPolicy.Withhold, back.Censor);
        Assert.True(back.Realign);
        Assert.Null(back.MotionMismatch(s));
    }

    [Fact]
    public void Save_WithoutRealignment_WritesNoMotionKeys()
    {
        var (json, _) = SaveLoad(new FeatureSettings());
        Assert.Equal(["detrend_order", "zscore", "nuisance_count"], json.Select(kv => kv.Key));
    }

    [Fact]
    public void MotionMismatch_EachSetting_NamesTheOptionAndThePackagesValue()
    {
        var package = Realigned();
        Assert.Contains("--motion-regressors 24", Realigned(regressors: 6).MotionMismatch(package));
        Assert.Contains("--fd-threshold 0.8", Realigned(fd: 0.5).MotionMismatch(package));
        Assert.Contains("--censor withhold", Realigned(censor: CensorPolicy.Flag).MotionMismatch(package));
        Assert.Contains("--realign", new FeatureSettings().MotionMismatch(package));
        Assert.Contains("without realignment", package.MotionMismatch(new FeatureSettings()));
        // without realignment the censoring settings play no part
        Assert.Null(new FeatureSettings { FdThresholdMm = 2 }.MotionMismatch(new FeatureSettings()));
    }

    [Fact]
    public void ValidateMotion_RegressorsWithoutRealignment_InputDataException()
    {
        var s = new FeatureSettings { Preprocessing = new PreprocessingOptions(MotionRegressors: 12) };
        var e = Assert.Throws<InputDataException>(() => s.ValidateMotion("model.json"));
        Assert.Contains("need realignment", e.Message);
    }
}
