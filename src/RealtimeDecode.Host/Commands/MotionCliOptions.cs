using System.CommandLine;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Host.Commands;

/// <summary>
/// <c>--motion-regressors</c>, <c>--fd-threshold</c> and <c>--censor</c> of the offline commands: <c>train</c>
/// records them in the package (with <c>--realign</c>); <c>evaluate</c> and <c>predict</c> take the package's,
/// and refuse an option given with another value.
/// </summary>
internal sealed class MotionCliOptions
{
    public Option<int?> Regressors { get; } = new("--motion-regressors") { Description = "Motion regressors in the online regression: 0, 6, 12 (with derivatives) or 24 (Friston 24); needs --realign" };
    public Option<double?> FdThreshold { get; } = new("--fd-threshold") { Description = "Framewise displacement (mm) above which a volume is high-motion (default 0.5)" };
    public Option<string?> Censor { get; } = new("--censor") { Description = "Windows holding a high-motion volume: publish, flag (default; both kept) or withhold (left out, as the live session withholds them)" };

    public IEnumerable<Option> All => [Regressors, FdThreshold, Censor];

    /// <summary>The settings with the given motion options (checked; defaults for the others).</summary>
    public FeatureSettings Apply(ParseResult parse, FeatureSettings settings)
    {
        var (regressors, fd, censor) = CliOptions.MotionSettings(parse.GetValue(Regressors) ?? 0,
            parse.GetValue(FdThreshold) ?? FeatureSettings.DefaultFdThresholdMm, parse.GetValue(Censor) ?? CensorPolicy.Flag.Name(), settings.Realign);
        return settings with
        {
            Preprocessing = settings.Preprocessing with { MotionRegressors = regressors },
            FdThresholdMm = fd,
            Censor = censor,
        };
    }

    /// <summary>A warning line when <c>--fd-threshold</c> or <c>--censor</c> was given but the volumes are not <paramref name="realign"/>ed (<see cref="CliOptions.WarnMotionWithoutRealign"/>).</summary>
    public void WarnWithoutRealign(ParseResult parse, bool realign, string why = "give --realign") =>
        CliOptions.WarnMotionWithoutRealign(parse.GetValue(FdThreshold) is not null, parse.GetValue(Censor) is not null, realign, why);

    /// <summary>
    /// Refuses (one line naming the package) <paramref name="realign"/> (asked for by <paramref name="realignOption"/>) or a
    /// motion option given with a value other than the package's <paramref name="package"/> settings; options not given take
    /// the package's. Warns when <c>--fd-threshold</c> or <c>--censor</c> is given for a package trained without realignment.
    /// </summary>
    public void Check(ParseResult parse, bool realign, FeatureSettings package, string modelPath, string realignOption = "--realign")
    {
        if (realign && !package.Realign)
            throw new InputDataException(modelPath, $"the model was trained without realignment: drop {realignOption}");
        WarnWithoutRealign(parse, package.Realign, $"the model {modelPath} was trained without it");
        var (regressors, fd, censor) = CliOptions.MotionSettings(parse.GetValue(Regressors) ?? package.Preprocessing.MotionRegressors,
            parse.GetValue(FdThreshold) ?? package.FdThresholdMm, parse.GetValue(Censor) ?? package.Censor.Name(), package.Realign);
        var given = package with
        {
            Preprocessing = package.Preprocessing with { MotionRegressors = regressors },
            FdThresholdMm = fd,
            Censor = censor,
        };
        if (given.MotionMismatch(package) is { } mismatch) throw new InputDataException(modelPath, mismatch.Replace("the session", "the command", StringComparison.Ordinal));
    }
}
