using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Training.Fitting;

namespace RealtimeDecode.Training.Tests.Fitting;

/// <summary>Kernel models store their rows as float32 unless <c>float32=false</c> asks for float64.</summary>
public sealed class EstimatorOptionsRowPrecisionTests
{
    [Theory]
    [InlineData(null, RowPrecision.Float32)]
    [InlineData("kernel=rbf", RowPrecision.Float32)]
    [InlineData("float32=true", RowPrecision.Float32)]
    [InlineData("float32=false", RowPrecision.Float64)]
    public void Fit_KernelEstimators_RowPrecisionFollowsFloat32Parameter(string? parameters, RowPrecision expected)
    {
        var options = EstimatorOptions.Parse(parameters);
        var rng = new Random(5);
        var x = new RowMajorMatrix(30, 4);
        var y = new RowMajorMatrix(30, 1);
        for (int i = 0; i < 30; i++)
        {
            for (int j = 0; j < 4; j++) x[i, j] = rng.NextDouble() - 0.5;
            y[i, 0] = x[i, 0] - (2 * x[i, 1]);
        }

        foreach (var kind in new[] { EstimatorKind.KernelRidge, EstimatorKind.Svr })
        {
            var model = EstimatorFactory.Fit(kind, options, x, y, ["y"]);
            Assert.Equal(expected, Assert.IsType<KernelExpansionRegressor>(model.Estimator).Precision);
        }
    }
}
