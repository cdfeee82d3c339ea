namespace RealtimeDecode.Engine.Motion;

/// <summary>
/// The censoring of one estimate: <paramref name="Censored"/> when its window holds a high-motion volume,
/// <paramref name="HighMotionVolume"/> the latest such volume in the window (null when none),
/// <paramref name="HighMotion"/> whether the newest volume itself is high-motion, and
/// <paramref name="Withheld"/> when the policy keeps the estimate from the participant display and LSL.
/// </summary>
public readonly record struct CensorVerdict(bool Censored, int? HighMotionVolume, bool HighMotion, bool Withheld);
