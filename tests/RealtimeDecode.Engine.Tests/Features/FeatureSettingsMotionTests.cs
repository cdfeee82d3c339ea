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

    [Fact]
    public void ToSpecFromSpec_Realigned_RoundTripsEveryMotionSetting()
    {
        var s = Realigned();
        var spec = s.ToSpec(100, null);
        Assert.Equal(24, spec.Preprocessing!["motion_regressors"]!.GetValue<int>());
        Assert.Equal(0.8, spec.Preprocessing!["fd_threshold_mm"]!.GetValue<double>());
        Assert.Equal("withhold", spec.Preprocessing!["censor"]!.GetValue<string>());
        var back = FeatureSettings.FromSpec(spec, "model.json");
        Assert.Equal(s.Preprocessing, back.Preprocessing);
        Assert.Equal(0.8, back.FdThresholdMm);
        Assert.Equal(CensorPolicy.Withhold, back.Censor);
        Assert.True(back.Realign);
        Assert.Null(back.MotionMismatch(s));
    }

    [Fact]
    public void ToSpec_WithoutRealignment_WritesNoMotionKeys()
    {
        var spec = new FeatureSettings().ToSpec(100, null);
        Assert.Equal(["detrend_order", "zscore", "nuisance_count"], spec.Preprocessing!.Select(kv => kv.Key));
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
