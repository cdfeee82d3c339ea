using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Training.Fitting;

namespace RealtimeDecode.Training.Tests.Fitting;

/// <summary>
/// train refuses a hyperparameter that <see cref="EstimatorOptions.KeysOf"/> does not list for the estimator: so every
/// such one must change nothing in the fitted model.
/// </summary>
public sealed class EstimatorOptionsKeysTests
{
    /// <summary>Every key <see cref="EstimatorOptions.Parse"/> reads, each with a value other than its default.</summary>
    private static readonly Dictionary<string, string> Changed = new()
    {
        ["alpha"] = "5", ["l1_ratio"] = "0.2", ["c"] = "3", ["epsilon"] = "0.3", ["kernel"] = "poly", ["gamma"] = "0.7",
        ["degree"] = "2", ["coef0"] = "0.5", ["tol"] = "0.01", ["max_iter"] = "5", ["fit_intercept"] = "false",
        ["intercept_scaling"] = "3", ["float32"] = "false", ["seed"] = "3", ["standardize"] = "true",
    };

    public static TheoryData<EstimatorKind> Kinds => new(Enum.GetValues<EstimatorKind>());

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Fit_AHyperparameterTheKindDoesNotTake_ChangesNothing(EstimatorKind kind)
    {
        var rng = new Random(9);
        var x = new RowMajorMatrix(40, 5);
        var y = new RowMajorMatrix(40, 2);
        for (int i = 0; i < 40; i++)
        {
            for (int j = 0; j < 5; j++) x[i, j] = rng.NextDouble() * 2 - 1;
            y[i, 0] = x[i, 0] - (2 * x[i, 1]) + 0.3 + (0.1 * rng.NextDouble());
            y[i, 1] = (x[i, 2] * x[i, 3]) - 0.2;
        }
        var reference = EstimatorFactory.Fit(kind, EstimatorOptions.Parse(""), x, y, ["a", "b"]);
        var expected = Predictions(reference, x);
        var ignored = Changed.Keys.Except(EstimatorOptions.KeysOf(kind)).ToList();
        Assert.NotEmpty(ignored);

        foreach (var key in ignored)
        {
            var model = EstimatorFactory.Fit(kind, EstimatorOptions.Parse($"{key}={Changed[key]}"), x, y, ["a", "b"]);
            Assert.True(expected.SequenceEqual(Predictions(model, x)), $"{key}={Changed[key]} changed the predictions of {kind}");
            Assert.Equal(reference.Hyperparameters.ToJsonString(), model.Hyperparameters.ToJsonString());
        }
    }

    [Fact]
    public void KeysOf_EveryKindListsOnlyKeysParseReads()
    {
        foreach (var kind in Enum.GetValues<EstimatorKind>())
            Assert.All(EstimatorOptions.KeysOf(kind), k => Assert.Contains(k, Changed.Keys));
        Assert.All(Changed, kv => EstimatorOptions.Parse($"{kv.Key}={kv.Value}"));
    }

    [Fact]
    public void NotTakenBy_NamesTheKeyAsScikitLearnDoesAndWhatTheEstimatorTakes()
    {
        Assert.Null(EstimatorOptions.NotTakenBy(EstimatorKind.Ridge, "ridge", "alpha"));
        Assert.Null(EstimatorOptions.NotTakenBy(EstimatorKind.Svr, "svr", "C"));
        Assert.Equal("C is not a hyperparameter of ridge (it takes alpha, fit_intercept)", EstimatorOptions.NotTakenBy(EstimatorKind.Ridge, "ridge", "c"));
        Assert.Equal("alpha is not a hyperparameter of linear (it takes fit_intercept)", EstimatorOptions.NotTakenBy(EstimatorKind.LinearRegression, "linear", "alpha"));
    }

    private static double[] Predictions(DecodingModel model, RowMajorMatrix x)
    {
        var result = new double[x.Rows * model.TargetCount];
        for (int i = 0; i < x.Rows; i++) model.Predict(x.Row(i), result.AsSpan(i * model.TargetCount, model.TargetCount));
        return result;
    }
}
