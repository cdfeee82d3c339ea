using System.Globalization;
using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Engine.Preprocessing;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Features;

/// <summary>
/// How volumes become features, one description for the live pipeline, the offline commands and the
/// model package (there with the atlas, <see cref="FeatureSpec"/>): ROI means of the atlas, cleaned by <see cref="Preprocessor"/>, then either used as
/// they are (<see cref="FeatureKind.Roi"/>) or turned into sliding-window connectivity
/// (<see cref="FeatureKind.Dfc"/>).
/// </summary>
public sealed record FeatureSettings
{
    public FeatureKind Kind { get; init; } = FeatureKind.Dfc;

    /// <summary>Sliding-window options (DFC only).</summary>
    public SlidingWindowOptions Window { get; init; } = new() { Window = 13, FisherZ = true };

    public PreprocessingOptions Preprocessing { get; init; } = PreprocessingOptions.None;

    /// <summary>
    /// Rigid-body realignment of every volume to its series' reference before the ROI means
    /// (<see cref="Motion.VolumeRealignment"/>); recorded in the package's preprocessing as
    /// <c>"realign": true</c> (absent means false).
    /// </summary>
    public bool Realign { get; init; }

    /// <summary>
    /// FD (mm, Power 2012) above which a volume is high-motion (<see cref="Motion.MotionCensor"/>); with
    /// <see cref="Realign"/> recorded as <c>"fd_threshold_mm"</c> (absent: 0.5). ≥ 0.
    /// </summary>
    public double FdThresholdMm { get; init; } = DefaultFdThresholdMm;

    /// <summary>
    /// What becomes of an estimate whose window holds a high-motion volume; with <see cref="Realign"/> recorded
    /// as <c>"censor"</c> (absent: flag). Under <see cref="Motion.CensorPolicy.Withhold"/> offline feature
    /// tables leave such windows out, as the live session withholds them.
    /// </summary>
    public Motion.CensorPolicy Censor { get; init; } = Motion.CensorPolicy.Flag;

    /// <summary>Default of <see cref="FdThresholdMm"/> (mm), the conventional Power et al. (2012) threshold.</summary>
    public const double DefaultFdThresholdMm = 0.5;

    /// <summary>
    /// Throws <see cref="InputDataException"/> (naming <paramref name="source"/>) when motion regressors or
    /// censoring settings are given without realignment, or are out of range.
    /// </summary>
    public void ValidateMotion(string? source = null)
    {
        if (Preprocessing.MotionRegressors is not (0 or 6 or 12 or 24))
            throw new InputDataException(source, $"motion regressors must be 0, 6, 12 or 24, got {Preprocessing.MotionRegressors}");
        if (Preprocessing.MotionRegressors > 0 && !Realign)
            throw new InputDataException(source, $"{Preprocessing.MotionRegressors} motion regressors need realignment (--realign)");
        if (!(FdThresholdMm >= 0) || !double.IsFinite(FdThresholdMm))
            throw new InputDataException(source, string.Create(CultureInfo.InvariantCulture, $"the FD threshold must be a finite number of mm ≥ 0, got {FdThresholdMm}"));
    }

    /// <summary>
    /// The first difference between the motion handling of a model package (<paramref name="package"/>) and a
    /// session or command (this), as one sentence naming the option to change, or null when they agree.
    /// </summary>
    public string? MotionMismatch(FeatureSettings package)
    {
        ArgumentNullException.ThrowIfNull(package);
        if (package.Realign != Realign)
            return package.Realign
                ? "the model was trained on realigned volumes: run the session with --realign"
                : "the model was trained without realignment: run the session without --realign";
        if (!Realign) return null;
        if (package.Preprocessing.MotionRegressors != Preprocessing.MotionRegressors)
            return $"the model was trained with {package.Preprocessing.MotionRegressors} motion regressors, the session has {Preprocessing.MotionRegressors}: give --motion-regressors {package.Preprocessing.MotionRegressors}";
        if (package.FdThresholdMm != FdThresholdMm)
            return string.Create(CultureInfo.InvariantCulture, $"the model was trained with an FD threshold of {package.FdThresholdMm} mm, the session has {FdThresholdMm} mm: give --fd-threshold {package.FdThresholdMm}");
        if (package.Censor != Censor)
            return $"the model was trained with censoring '{package.Censor.Name()}', the session has '{Censor.Name()}': give --censor {package.Censor.Name()}";
        return null;
    }

    /// <summary>Volumes a feature row summarises: the window length for DFC, 1 for ROI amplitudes.</summary>
    public int Span => Kind == FeatureKind.Dfc ? Window.Window : 1;

    public static string TaperName(WindowTaper t) => t switch
    {
        WindowTaper.Rectangular => "rectangular",
        WindowTaper.Gaussian => "gaussian",
        WindowTaper.Exponential => "exponential",
        _ => t.ToString().ToLowerInvariant(),
    };

    /// <summary>Parses rect|rectangular|gaussian|exp|exponential.</summary>
    public static WindowTaper ParseTaper(string text, string? source = null) => text.Trim().ToLowerInvariant() switch
    {
        "rect" or "rectangular" or "boxcar" => WindowTaper.Rectangular,
        "gaussian" or "gauss" => WindowTaper.Gaussian,
        "exp" or "exponential" => WindowTaper.Exponential,
        _ => throw new InputDataException(source, $"unknown taper '{text}' (rect, gaussian or exp)"),
    };

    public override string ToString() => Kind == FeatureKind.Roi
        ? $"ROI amplitudes, {Describe(Preprocessing)}"
        : string.Create(CultureInfo.InvariantCulture, $"DFC W={Window.Window} {TaperName(Window.Taper)}{(Window.FisherZ ? " Fisher z" : "")}, {Describe(Preprocessing)}");

    private string Describe(PreprocessingOptions p) => (Realign
        ? string.Create(CultureInfo.InvariantCulture, $"realigned (FD > {FdThresholdMm} mm censored: {Censor.Name()}), ")
        : "") + DescribeCleaning(p);

    private static string DescribeCleaning(PreprocessingOptions p) =>
        !p.Regresses && !p.ZScore ? "no preprocessing"
        : string.Join(" + ", new[] { p.DetrendOrder >= 0 ? $"detrend order {p.DetrendOrder}" : null, p.NuisanceCount > 0 ? $"{p.NuisanceCount} nuisance" : null,
            p.MotionRegressors > 0 ? $"{p.MotionRegressors} motion regressors" : null, p.ZScore ? "z-score" : null }.Where(s => s is not null));
}
