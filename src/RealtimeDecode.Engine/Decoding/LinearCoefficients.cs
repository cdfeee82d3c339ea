using System.Numerics.Tensors;

namespace RealtimeDecode.Engine.Decoding;

/// <summary>Coefficients of a linear <see cref="DecodingModel"/> in the units of its raw features.</summary>
public static class LinearCoefficients
{
    /// <summary>
    /// A linear model's coefficients in the units of the raw features: w_raw = w / scale per feature
    /// when the model standardises its input, w otherwise. Row-major [targets × features]. With the
    /// scaler's mean m (0 without a scaler), prediction_t = intercept_t + Σ_j w_raw[t, j]·(x_j − m_j).
    /// </summary>
    /// <exception cref="ArgumentException">The model's estimator is not linear.</exception>
    public static double[] Raw(DecodingModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Estimator is not LinearRegressor lin)
            throw new ArgumentException($"{model.Kind} is not a linear model: coefficients are undefined.", nameof(model));
        var w = (double[])lin.Coefficients.Clone();
        if (model.Scaler is { } s)
        {
            int p = lin.FeatureCount;
            for (int t = 0; t < lin.TargetCount; t++) TensorPrimitives.Divide(w.AsSpan(t * p, p), s.Scale, w.AsSpan(t * p, p));
        }

        return w;
    }
}
