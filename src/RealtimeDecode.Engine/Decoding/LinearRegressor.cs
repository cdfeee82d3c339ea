using System.Numerics.Tensors;

namespace RealtimeDecode.Engine.Decoding;

/// <summary>
/// A linear multi-target model y = W x + b, with W row-major [targets × features] in float64.
/// Used for ridge, ordinary least squares, lasso, elastic net and linear SVR. Predict allocates
/// nothing and holds no scratch state (thread-safe).
/// </summary>
public sealed class LinearRegressor : IRegressor
{
    private readonly double[] _w;
    private readonly double[] _b;

    /// <summary>Creates the model from W (targets × features, row-major) and the intercepts.</summary>
    public LinearRegressor(IReadOnlyList<string> targets, int featureCount, double[] coefficients, double[] intercept)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (coefficients.LongLength != (long)targets.Count * featureCount)
        {
            throw new ArgumentException($"coefficients have {coefficients.Length} values, expected {targets.Count} × {featureCount}", nameof(coefficients));
        }

        if (intercept.Length != targets.Count)
        {
            throw new ArgumentException($"intercept has {intercept.Length} values, expected {targets.Count}", nameof(intercept));
        }

        Targets = targets;
        FeatureCount = featureCount;
        _w = coefficients;
        _b = intercept;
    }

    /// <inheritdoc/>
    public int FeatureCount { get; }

    /// <inheritdoc/>
    public int TargetCount => Targets.Count;

    /// <inheritdoc/>
    public IReadOnlyList<string> Targets { get; }

    /// <summary>W, row-major [targets × features] (shared, do not modify).</summary>
    public double[] Coefficients => _w;

    /// <summary>b, one per target (shared, do not modify).</summary>
    public double[] Intercept => _b;

    /// <inheritdoc/>
    public void Predict(ReadOnlySpan<double> features, Span<double> output)
    {
        if (features.Length != FeatureCount)
        {
            throw new ArgumentException($"expected {FeatureCount} features, got {features.Length}", nameof(features));
        }

        int p = FeatureCount;
        for (int t = 0; t < _b.Length; t++)
        {
            output[t] = TensorPrimitives.Dot(new ReadOnlySpan<double>(_w, t * p, p), features) + _b[t];
        }
    }
}
