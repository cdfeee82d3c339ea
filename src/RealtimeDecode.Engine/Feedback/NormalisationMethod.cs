namespace RealtimeDecode.Engine.Feedback;

/// <summary>How an estimate is compared with its baseline (mean m, sample SD s).</summary>
public enum NormalisationMethod
{
    /// <summary><c>estimate − m</c>.</summary>
    Difference,

    /// <summary><c>100 · (estimate − m) / |m|</c>; n/a when m is 0.</summary>
    Percent,

    /// <summary><c>(estimate − m) / s</c>; n/a when s is 0 or the baseline has fewer than 2 estimates.</summary>
    Z,
}
