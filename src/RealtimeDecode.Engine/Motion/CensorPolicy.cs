namespace RealtimeDecode.Engine.Motion;

/// <summary>
/// What becomes of an estimate whose window holds a high-motion volume (<see cref="MotionCensor"/>).
/// Every policy records the estimate and marks it censored in the recording.
/// </summary>
public enum CensorPolicy
{
    /// <summary>Published as usual everywhere (the recording still marks it censored).</summary>
    Publish,
    /// <summary>Published, and flagged as censored on the dashboard and the participant display.</summary>
    Flag,
    /// <summary>Withheld from the participant display and the LSL estimate stream (the dashboard and the
    /// recording still get it, marked censored); offline commands leave such windows out.</summary>
    Withhold,
}

/// <summary>Names of <see cref="CensorPolicy"/> in options, configuration and model packages.</summary>
public static class CensorPolicyNames
{
    /// <summary>publish, flag or withhold.</summary>
    public static string Name(this CensorPolicy policy) => policy switch
    {
        CensorPolicy.Publish => "publish",
        CensorPolicy.Flag => "flag",
        CensorPolicy.Withhold => "withhold",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown censor policy."),
    };

    /// <summary>Parses publish, flag or withhold (case-insensitive).</summary>
    public static bool TryParse(string? text, out CensorPolicy policy)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "publish": policy = CensorPolicy.Publish; return true;
            case "flag": policy = CensorPolicy.Flag; return true;
            case "withhold": policy = CensorPolicy.Withhold; return true;
            default: policy = CensorPolicy.Flag; return false;
        }
    }
}
