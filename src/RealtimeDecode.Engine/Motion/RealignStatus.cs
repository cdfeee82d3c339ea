namespace RealtimeDecode.Engine.Motion;

/// <summary>Outcome of one realignment estimate.</summary>
public enum RealignStatus
{
    /// <summary>The estimate converged; the parameters are valid.</summary>
    Converged,
    /// <summary>The volume carries no signal where the reference has brain (constant, all zero or NaN).</summary>
    Blank,
    /// <summary>Too few reference sample points fall inside the volume's field of view.</summary>
    NoOverlap,
    /// <summary>The iterations did not settle within the iteration limit.</summary>
    NotConverged,
    /// <summary>The estimate settled but the realigned volume does not resemble the reference.</summary>
    PoorFit,
}

/// <summary>Names used in tables for <see cref="RealignStatus"/>.</summary>
public static class RealignStatusNames
{
    /// <summary>Lower-case snake name (ok, blank, no_overlap, not_converged, poor_fit).</summary>
    public static string Name(this RealignStatus status) => status switch
    {
        RealignStatus.Converged => "ok",
        RealignStatus.Blank => "blank",
        RealignStatus.NoOverlap => "no_overlap",
        RealignStatus.NotConverged => "not_converged",
        RealignStatus.PoorFit => "poor_fit",
        _ => status.ToString(),
    };
}
