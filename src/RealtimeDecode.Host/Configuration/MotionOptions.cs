using System.ComponentModel.DataAnnotations;

namespace RealtimeDecode.Host.Configuration;

/// <summary>
/// Head-motion settings of a session (section <c>Motion</c>); <c>--motion-regressors</c>, <c>--fd-threshold</c> and
/// <c>--censor</c> override them. They must match the model package's feature spec.
/// </summary>
internal sealed class MotionOptions
{
    /// <summary>Motion regressors in the online regression: 0, 6, 12 or 24 (needs realignment when not 0).</summary>
    [AllowedValues(0, 6, 12, 24, ErrorMessage = "Regressors must be 0, 6, 12 or 24")]
    public int Regressors { get; set; }

    /// <summary>Framewise displacement (mm) above which a volume is high-motion; 0 to 100.</summary>
    [Range(0, 100, ErrorMessage = "FdThresholdMm must be a number of mm from 0 to 100")]
    public double FdThresholdMm { get; set; } = Engine.Features.FeatureSettings.DefaultFdThresholdMm;

    /// <summary>publish, flag or withhold: what becomes of an estimate whose window holds a high-motion volume.</summary>
    [RegularExpression("^(publish|flag|withhold)$", ErrorMessage = "Censor must be publish, flag or withhold")]
    public string Censor { get; set; } = "flag";
}
