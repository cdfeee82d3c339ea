using System.ComponentModel.DataAnnotations;

namespace RealtimeDecode.Host.Dashboard;

/// <summary>Head-motion settings the dashboard shows (section <c>Motion</c> of the configuration).</summary>
public sealed class MotionThresholdOptions
{
    /// <summary>Framewise displacement (mm) above which a volume counts as high-motion: the threshold line of the FD plot and the alarm.</summary>
    [Range(1e-6, 100)]
    public double FdThresholdMm { get; set; } = 0.5;
}
