using System.Globalization;

namespace RealtimeDecode.Imaging;

/// <summary>
/// The one rule for a session's repetition time, a replayed run's and a live series' alike: a TR the user gave
/// (option or configuration) is the TR, and data stating another is a conflict to warn about, never adopted
/// silently; without a given TR, the TR the data state (a run's sidecar or header, a live series' first volume);
/// with neither, none, and the caller's own fallback applies (a replay refuses, a live session runs at 2 s).
/// </summary>
public static class RepetitionTimes
{
    /// <summary>Relative difference (of the stated TR) above which two TRs differ: 1 %, well above header rounding.</summary>
    public const double Tolerance = 0.01;

    /// <summary>True when <paramref name="tr"/> (s) differs from <paramref name="stated"/> (s) by more than <see cref="Tolerance"/> of it.</summary>
    public static bool Differ(double tr, double stated) => Math.Abs(tr - stated) > Tolerance * stated;

    /// <summary>
    /// Chooses the TR from <paramref name="given"/> (null: none given) and <paramref name="stated"/> (what
    /// <paramref name="statedBy"/> says, from <paramref name="statedSource"/>; 0, negative, NaN or null: it says none).
    /// A stated TR is taken at float32 precision, as the shortest decimal (headers store float32).
    /// </summary>
    public static RepetitionTimeChoice Choose(double? given, double? stated, RepetitionTimeSource statedSource, string statedBy)
    {
        double? says = stated is { } s && s > 0 && double.IsFinite(s) ? Decimal(s) : null;
        if (given is { } g) return new RepetitionTimeChoice(g, RepetitionTimeSource.Explicit, says, statedBy);
        return new RepetitionTimeChoice(says, statedSource, says, statedBy);
    }

    // A NIfTI header holds the TR as float32: 0.8 reads back as 0.800000011920929. Taken as the shortest decimal that
    // float32 value stands for (0.8), so onsets, the LSL rate and session.json carry the TR as it was written.
    private static double Decimal(double stated) =>
        double.Parse(((float)stated).ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>A TR in seconds as messages write it (up to 3 decimals, invariant).</summary>
    public static string Format(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>A TR chosen by <see cref="RepetitionTimes.Choose"/>.</summary>
/// <param name="Seconds">The TR (s), or null when neither the user nor the data give one.</param>
/// <param name="Source">Where <paramref name="Seconds"/> comes from.</param>
/// <param name="Stated">What the data state (s), or null when they state none.</param>
/// <param name="StatedBy">What states it (a file, a sidecar), for messages.</param>
public sealed record RepetitionTimeChoice(double? Seconds, RepetitionTimeSource Source, double? Stated, string StatedBy)
{
    /// <summary>True when the TR is the one the data state, none having been given.</summary>
    public bool FromData => Seconds is not null && Source != RepetitionTimeSource.Explicit;

    /// <summary>One line when a given TR and the data's differ (the given one stands); null when they agree or the data state none.</summary>
    public string? Conflict => Source == RepetitionTimeSource.Explicit && Seconds is { } given && Stated is { } stated && RepetitionTimes.Differ(given, stated)
        ? $"{StatedBy} states TR {RepetitionTimes.Format(stated)} s but the given TR is {RepetitionTimes.Format(given)} s, which the session runs at; if the data are right, give --tr {RepetitionTimes.Format(stated)} or leave --tr out"
        : null;
}
