using RealtimeDecode.Engine.Decoding;

namespace RealtimeDecode.Engine.Tests.Decoding;

[Collection(SklearnExportCollection.Name)]
public sealed class SklearnExportTests(SklearnExportFixture fx)
{
    public static TheoryData<string> Float64Cases => new()
    {
        "ridge", "linear_regression", "lasso", "elastic_net", "linear_svr",
        "kernel_ridge_rbf", "kernel_ridge_rbf_default_gamma", "kernel_ridge_linear", "kernel_ridge_poly", "kernel_ridge_laplacian",
        "svr_rbf", "svr_rbf_auto", "svr_linear", "svr_poly", "svr_single",
        "pipe_scaler_ridge", "pipe_scaler_lasso", "pipe_scaler_svr", "pipe_scaler_kernel_ridge",
        "multi_ridge", "multi_elastic_net",
    };

    [Theory]
    [MemberData(nameof(Float64Cases))]
    public void Load_SklearnExport_PredictsWhatSklearnPredicts(string name)
    {
        var pkg = ModelPackage.Load(fx.Cases[name]);
        var expected = NpyArray.Read(Path.Combine(fx.Work, $"pred_{name}.npy"));
        double worst = MaxRelativeError(pkg.Model, expected);
        Assert.True(worst <= 1e-9, $"{name}: max relative error {worst:E3} > 1e-9");
    }

    [Fact]
    public void Load_Float32KernelRows_PredictsWithinSinglePrecision()
    {
        var pkg = ModelPackage.Load(fx.Cases["svr_rbf_f32"]);
        var k = Assert.IsType<KernelExpansionRegressor>(pkg.Model.Estimator);
        Assert.True(k.RowsAreFloat32);
        var expected = NpyArray.Read(Path.Combine(fx.Work, "pred_svr_rbf_f32.npy"));
        double worst = MaxRelativeError(pkg.Model, expected);
        Assert.True(worst <= 1e-5, $"max relative error {worst:E3} > 1e-5");
    }

    [Fact]
    public void Load_PipelineExport_CarriesScalerSpecAndTargets()
    {
        var pkg = ModelPackage.Load(fx.Cases["pipe_scaler_ridge"]);
        Assert.NotNull(pkg.Model.Scaler);
        Assert.Equal(EstimatorKind.Ridge, pkg.Model.Kind);
        Assert.Equal(["t0", "t1", "t2"], pkg.Targets);
        Assert.Equal(FeatureKind.Roi, pkg.Features.Settings.Kind);
        Assert.Equal(SklearnExportFixture.Features, pkg.Features.RoiCount);
        Assert.Equal(string.Concat(Enumerable.Repeat("ab", 32)), pkg.Features.AtlasSha256);
        Assert.Equal(1.0, pkg.Model.Hyperparameters["alpha"]!.GetValue<double>());
    }

    [Fact]
    public void Load_MultiOutputSvr_SharesUnionOfSupportVectors()
    {
        var pkg = ModelPackage.Load(fx.Cases["svr_rbf"]);
        var k = Assert.IsType<KernelExpansionRegressor>(pkg.Model.Estimator);
        Assert.Equal(3, k.TargetCount);
        Assert.True(k.RowCount <= SklearnExportFixture.Train);
        // Every row is a support vector of at least one target.
        for (int i = 0; i < k.RowCount; i++)
        {
            bool any = false;
            for (int t = 0; t < k.TargetCount; t++)
            {
                any |= k.Coefficients[(t * k.RowCount) + i] != 0;
            }

            Assert.True(any, $"row {i} has no non-zero coefficient");
        }
    }

    [Fact]
    public void SaveThenLoad_SklearnExport_PredictsIdentically()
    {
        var pkg = ModelPackage.Load(fx.Cases["pipe_scaler_svr"]);
        string dir = Path.Combine(fx.Work, "resaved.zip");
        pkg.Save(dir);
        var again = ModelPackage.Load(dir);
        var a = pkg.Model.PredictMany(fx.XTest, SklearnExportFixture.Test);
        var b = again.Model.PredictMany(fx.XTest, SklearnExportFixture.Test);
        Assert.Equal(a, b);
        Assert.Equal(pkg.Features, again.Features with { OtherPreprocessing = pkg.Features.OtherPreprocessing });
        Assert.Equal(pkg.Features.OtherPreprocessing.Keys, again.Features.OtherPreprocessing.Keys);
    }

    private double MaxRelativeError(DecodingModel model, NpyArray expected)
    {
        int m = SklearnExportFixture.Test;
        Assert.Equal(m, expected.Shape[0]);
        Assert.Equal(model.TargetCount, expected.Shape[1]);
        var got = model.PredictMany(fx.XTest, m);
        var want = expected.ToFloat64();
        double worst = 0;
        for (int i = 0; i < got.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(got[i] - want[i]) / Math.Max(1.0, Math.Abs(want[i])));
        }

        return worst;
    }
}
