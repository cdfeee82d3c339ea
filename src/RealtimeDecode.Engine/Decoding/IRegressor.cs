namespace RealtimeDecode.Engine.Decoding;

/// <summary>
/// A fitted multi-target regressor: one feature vector in, one value per target out.
/// </summary>
/// <remarks>
/// <see cref="Predict"/> allocates nothing. Implementations keep preallocated scratch buffers, so one
/// instance must not be used from two threads at once; create one instance per thread (models are
/// cheap to share through <see cref="DecodingModel.Clone"/>, which shares the fitted arrays).
/// </remarks>
public interface IRegressor
{
    /// <summary>Length of the feature vector.</summary>
    int FeatureCount { get; }

    /// <summary>Number of targets (outputs).</summary>
    int TargetCount { get; }

    /// <summary>Target names, in output order.</summary>
    IReadOnlyList<string> Targets { get; }

    /// <summary>
    /// Predicts every target for one feature vector. <paramref name="features"/> has
    /// <see cref="FeatureCount"/> values, <paramref name="output"/> at least <see cref="TargetCount"/>.
    /// NaN features propagate to NaN outputs. Not thread-safe (see remarks).
    /// </summary>
    void Predict(ReadOnlySpan<double> features, Span<double> output);
}
