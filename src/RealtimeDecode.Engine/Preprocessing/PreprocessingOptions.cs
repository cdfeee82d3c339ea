namespace RealtimeDecode.Engine.Preprocessing;

/// <summary>
/// What <see cref="Preprocessor"/> does to each ROI frame. The same record drives the live pipeline
/// and the offline commands, and model packages embed it.
/// </summary>
/// <param name="DetrendOrder">Polynomial detrend order in volumes: -1 none, 0 running mean, 1 linear, up to <see cref="OnlineDetrend.MaxOrder"/>.</param>
/// <param name="ZScore">Whether to z-score each ROI with its running mean and sample (N−1) standard deviation.</param>
/// <param name="NuisanceCount">Number of nuisance series supplied with each frame (0 = none).</param>
/// <param name="MotionRegressors">Head-motion regressors built from the six rigid parameters supplied with
/// each frame (<see cref="Preprocessing.MotionRegressors"/>): 0 (none), 6, 12 (with derivatives) or 24 (Friston 24).</param>
public sealed record PreprocessingOptions(int DetrendOrder = -1, bool ZScore = false, int NuisanceCount = 0, int MotionRegressors = 0)
{
    /// <summary>No preprocessing: the frame is passed through.</summary>
    public static PreprocessingOptions None { get; } = new();

    /// <summary>Whether the regression stage (detrend and/or nuisance) runs.</summary>
    public bool Regresses => DetrendOrder >= 0 || NuisanceCount > 0 || MotionRegressors > 0;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for an invalid combination.</summary>
    public void Validate()
    {
        if (DetrendOrder < -1 || DetrendOrder > OnlineDetrend.MaxOrder)
            throw new ArgumentOutOfRangeException(nameof(DetrendOrder), DetrendOrder, $"Detrend order must be -1 (none) or 0..{OnlineDetrend.MaxOrder}.");
        if (NuisanceCount < 0)
            throw new ArgumentOutOfRangeException(nameof(NuisanceCount), NuisanceCount, "Nuisance count must be 0 or more.");
        if (MotionRegressors is not (0 or 6 or 12 or 24))
            throw new ArgumentOutOfRangeException(nameof(MotionRegressors), MotionRegressors, "Motion regressors must be 0, 6, 12 or 24.");
    }
}
