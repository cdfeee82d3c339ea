using System.Text.Json.Nodes;

namespace RealtimeDecode.Engine.Decoding;

/// <summary>
/// A complete fitted model: optional <see cref="StandardScaler"/> step followed by an estimator
/// (<see cref="LinearRegressor"/> or <see cref="KernelExpansionRegressor"/>), with the estimator's kind
/// and hyperparameters. This is what a model package holds and what the live pipeline calls.
/// </summary>
/// <remarks>
/// The scaler writes into a scratch buffer owned by the instance: <see cref="Predict"/> allocates nothing
/// and is NOT thread-safe. Use <see cref="Clone"/> for a second thread (fitted arrays are shared).
/// For a linear estimator the scaler is folded into the coefficients at construction
/// (W/s and b − (W/s)·mean), so prediction is a single pass over W; results agree with the two-step
/// computation to rounding (~1e-15 relative).
/// </remarks>
public sealed class DecodingModel : IRegressor
{
    private readonly double[]? _scratch;
    private readonly LinearRegressor? _folded;

    /// <summary>Creates the model.</summary>
    /// <param name="kind">Estimator kind.</param>
    /// <param name="hyperparameters">Hyperparameters as written in model.json (informational; the arrays define prediction).</param>
    /// <param name="scaler">Optional standardisation step (its feature count must match).</param>
    /// <param name="estimator">The fitted estimator.</param>
    public DecodingModel(EstimatorKind kind, JsonObject? hyperparameters, StandardScaler? scaler, IRegressor estimator)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        if (scaler is not null && scaler.FeatureCount != estimator.FeatureCount)
        {
            throw new ArgumentException($"scaler has {scaler.FeatureCount} features but the estimator has {estimator.FeatureCount}", nameof(scaler));
        }

        Kind = kind;
        Hyperparameters = hyperparameters ?? [];
        Scaler = scaler;
        Estimator = estimator;
        if (scaler is not null && estimator is LinearRegressor lin)
        {
            // W((x − m)/s) + b = (W/s)x + (b − (W/s)m): one pass over W instead of three over x.
            int p = lin.FeatureCount;
            var w = new double[lin.Coefficients.Length];
            var b = new double[lin.TargetCount];
            for (int t = 0; t < lin.TargetCount; t++)
            {
                var wt = w.AsSpan(t * p, p);
                System.Numerics.Tensors.TensorPrimitives.Divide(lin.Coefficients.AsSpan(t * p, p), scaler.Scale, wt);
                b[t] = lin.Intercept[t] - System.Numerics.Tensors.TensorPrimitives.Dot<double>(wt, scaler.Mean);
            }

            _folded = new LinearRegressor(lin.Targets, p, w, b);
        }
        else
        {
            _scratch = scaler is null ? null : new double[estimator.FeatureCount];
        }
    }

    /// <summary>Estimator kind.</summary>
    public EstimatorKind Kind { get; }

    /// <summary>Hyperparameters (model.json "estimator.hyperparameters").</summary>
    public JsonObject Hyperparameters { get; }

    /// <summary>Standardisation applied before the estimator, or null.</summary>
    public StandardScaler? Scaler { get; }

    /// <summary>The estimator after the scaler.</summary>
    public IRegressor Estimator { get; }

    /// <inheritdoc/>
    public int FeatureCount => Estimator.FeatureCount;

    /// <inheritdoc/>
    public int TargetCount => Estimator.TargetCount;

    /// <inheritdoc/>
    public IReadOnlyList<string> Targets => Estimator.Targets;

    /// <inheritdoc/>
    public void Predict(ReadOnlySpan<double> features, Span<double> output)
    {
        if (features.Length != FeatureCount)
        {
            throw new ArgumentException($"expected {FeatureCount} features, got {features.Length}", nameof(features));
        }

        if (output.Length < TargetCount)
        {
            throw new ArgumentException($"output has room for {output.Length} values, {TargetCount} targets needed", nameof(output));
        }

        if (_folded is not null)
        {
            _folded.Predict(features, output);
            return;
        }

        if (_scratch is null)
        {
            Estimator.Predict(features, output);
            return;
        }

        Scaler!.Transform(features, _scratch);
        Estimator.Predict(_scratch, output);
    }

    /// <summary>Predicts every row of a row-major [rows × features] matrix into [rows × targets].</summary>
    public double[] PredictMany(ReadOnlySpan<double> rows, int rowCount)
    {
        var y = new double[rowCount * TargetCount];
        for (int i = 0; i < rowCount; i++)
        {
            Predict(rows.Slice(i * FeatureCount, FeatureCount), y.AsSpan(i * TargetCount, TargetCount));
        }

        return y;
    }

    /// <summary>A new instance sharing the fitted arrays, with its own scratch buffers.</summary>
    public DecodingModel Clone()
    {
        IRegressor est = Estimator is KernelExpansionRegressor k ? k.Clone() : Estimator;
        return new DecodingModel(Kind, (JsonObject)Hyperparameters.DeepClone(), Scaler, est);
    }
}
