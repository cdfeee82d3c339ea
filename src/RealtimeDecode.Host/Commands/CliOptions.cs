using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Host.Commands;

/// <summary>Small helpers shared by the commands' option handling.</summary>
internal static class CliOptions
{
    /// <summary>Largest repetition time accepted (s).</summary>
    public const double MaxTrSeconds = 60;

    /// <summary>Largest <c>--missing-after</c> accepted (TRs).</summary>
    public const double MaxMissingAfterTrs = 1000;

    /// <summary>A required file option whose file must exist.</summary>
    public static string ExistingFile(ParseResult parse, Option<string> option)
    {
        var path = parse.GetValue(option);
        if (string.IsNullOrWhiteSpace(path)) throw new InputDataException(null, $"{option.Name} is required");
        if (!File.Exists(path) && !Directory.Exists(path)) throw new InputDataException(path, "file not found");
        return path;
    }

    /// <summary>
    /// An output file: refused when it is an existing folder, when it or one of its <paramref name="sidecars"/>
    /// (each the path of a file written beside it, from the output's path) would be written over an input
    /// (<see cref="RefuseInputs"/>), when a part of its folder path is a file, or when its folder cannot be
    /// written; the folder is created once these checks pass.
    /// </summary>
    public static string OutputFile(ParseResult parse, Option<string> option, params Func<string, string>[] sidecars) =>
        CheckOutputFile(parse, option, Required(parse, option), sidecars);

    /// <summary>An optional output file: null when not given, otherwise checked as <see cref="OutputFile"/> checks one.</summary>
    public static string? OptionalOutputFile(ParseResult parse, Option<string?> option) =>
        parse.GetValue(option) is { } path && !string.IsNullOrWhiteSpace(path) ? CheckOutputFile(parse, option, path, []) : null;

    private static string CheckOutputFile(ParseResult parse, Option option, string path, Func<string, string>[] sidecars)
    {
        if (Directory.Exists(path)) throw new InputDataException(path, $"{option.Name} is a folder; give a file name");
        RefuseInputs(parse, option, path, sidecars);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) EnsureWritableFolder(option.Name, dir);
        return path;
    }

    /// <summary>
    /// An output folder: refused when it is an existing file, when it is a folder the command reads
    /// (<see cref="RefuseInputs"/>), when a part of its path is a file, or when it cannot be written; created
    /// (empty when new) once these checks pass, unless <paramref name="create"/> is false (a command that checks
    /// its output before its work, and makes the folder when it writes).
    /// </summary>
    public static string OutputFolder(ParseResult parse, Option<string> option, bool create = true)
    {
        var path = Required(parse, option);
        if (File.Exists(path)) throw new InputDataException(path, $"{option.Name} is an existing file; give a folder");
        RefuseInputs(parse, option, path);
        EnsureWritableFolder(option.Name, Path.GetFullPath(path), create);
        return path;
    }

    /// <summary>
    /// Refuses, in one line and before anything is written, an output <paramref name="path"/> of
    /// <paramref name="output"/> that is the same file or folder (<see cref="FileIdentity.Same"/>, links followed)
    /// as one the command reads, and a file written beside it (<paramref name="sidecars"/>, each from the output's
    /// path) that is the output itself or such an input. The inputs are every existing file or folder the command
    /// line names: the values of its other string options and arguments (so a second output that already exists
    /// counts too), however the command reads them.
    /// </summary>
    public static void RefuseInputs(ParseResult parse, Option output, string path, params Func<string, string>[] sidecars)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(output);
        if (string.IsNullOrWhiteSpace(path)) return;
        var beside = sidecars.Select(s => s(path)).ToArray();
        foreach (var sidecar in beside)
            if (FileIdentity.Same(sidecar, path))
                throw new InputDataException(path, $"{output.Name} is a {Path.GetExtension(path)} file, but its sidecar is written beside it as the same name with {Path.GetExtension(sidecar)}: give it another extension (.tsv)");
        foreach (var (name, value) in NamedPaths(parse, output))
        {
            if (FileIdentity.Same(path, value))
                throw new InputDataException(path, $"{output.Name} is the same {(Directory.Exists(value) ? "folder" : "file")} as {Named(name, value, path)}: give another {output.Name}");
            foreach (var sidecar in beside)
                if (FileIdentity.Same(sidecar, value))
                    throw new InputDataException(sidecar, $"{output.Name} {path} writes its sidecar here, the same file as {Named(name, value, sidecar)}: give another {output.Name}");
        }
    }

    /// <summary>An input as a refusal names it: the option, and its value when the refused path is spelt otherwise.</summary>
    private static string Named(string name, string value, string refused) => value == refused ? name : $"{name} {value}";

    /// <summary>
    /// The existing files and folders the command line names, each with its option (or argument): every value
    /// given to a string or string-array option or argument of the command other than <paramref name="except"/>.
    /// Defaults are left out (no command's default names an input a user would overwrite).
    /// </summary>
    private static IEnumerable<(string Name, string Value)> NamedPaths(ParseResult parse, Option except)
    {
        foreach (var child in parse.CommandResult.Children)
        {
            var (name, type, given) = child switch
            {
                OptionResult o when !ReferenceEquals(o.Option, except) => (o.Option.Name, o.Option.ValueType, !o.Implicit),
                ArgumentResult a => (a.Argument.Name, a.Argument.ValueType, !a.Implicit),
                _ => ("", typeof(void), false),
            };
            if (!given || (type != typeof(string) && type != typeof(string[]))) continue;
            foreach (var token in child.Tokens)
                if (!string.IsNullOrWhiteSpace(token.Value) && (File.Exists(token.Value) || Directory.Exists(token.Value)))
                    yield return (name, token.Value);
        }
    }

    /// <summary>Checks that <paramref name="dir"/> is, or can be made, a folder this process can write into, and makes it (unless <paramref name="create"/> is false).</summary>
    public static void EnsureWritableFolder(string optionName, string dir, bool create = true)
    {
        // The deepest part of the path that exists must be a folder (a file there makes every child impossible).
        var existing = dir;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing)) throw new InputDataException(existing, $"is a file, not a folder ({optionName})");
            var parent = Path.GetDirectoryName(existing);
            if (string.IsNullOrEmpty(parent)) break;
            existing = parent;
        }
        if (!Directory.Exists(existing)) throw new InputDataException(dir, $"{optionName}: this folder cannot be made");
        // Permission bits do not tell (root writes anywhere; read-only mounts refuse everyone): try.
        var probe = Path.Combine(existing, $".rtdecode-write-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException(existing, $"{optionName}: this folder is not writable ({e.Message.TrimEnd('.')})");
        }
        if (!create) return;
        try { Directory.CreateDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException(dir, $"{optionName}: this folder cannot be made ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>A repetition time given by <paramref name="name"/>: null passes; otherwise 0.001 ≤ TR ≤ <see cref="MaxTrSeconds"/> s.</summary>
    public static double? RepetitionTime(double? tr, string name = "--tr")
    {
        if (tr is { } t && !(t >= 1e-3 && t <= MaxTrSeconds))
            throw new InputDataException(null, $"{name} {Show(t)}: the TR must be a number of seconds from 0.001 to {Show(MaxTrSeconds)}");
        return tr;
    }

    /// <summary>A <c>--missing-after</c> count: null passes; otherwise 0.001 ≤ n ≤ <see cref="MaxMissingAfterTrs"/> TRs.</summary>
    public static double? MissingAfter(double? trs, string name = "--missing-after")
    {
        if (trs is { } n && !(n >= 1e-3 && n <= MaxMissingAfterTrs))
            throw new InputDataException(null, $"{name} {Show(n)}: give a number of TRs from 0.001 to {Show(MaxMissingAfterTrs)}");
        return trs;
    }

    /// <summary>Largest <c>--fd-threshold</c> (mm).</summary>
    public const double MaxFdThresholdMm = 100;

    /// <summary>
    /// Checks the motion settings of a session or command: regressors 0, 6, 12 or 24 (not 0 only with
    /// realignment), an FD threshold from 0 to <see cref="MaxFdThresholdMm"/> mm and a censor policy
    /// (publish, flag or withhold); each refused in one line naming its option.
    /// </summary>
    public static (int Regressors, double FdThresholdMm, Engine.Motion.CensorPolicy Censor) MotionSettings(int regressors, double fdThresholdMm, string censor, bool realign)
    {
        if (regressors is not (0 or 6 or 12 or 24))
            throw new InputDataException(null, $"--motion-regressors {regressors}: give 0, 6, 12 (with derivatives) or 24 (Friston 24)");
        if (regressors > 0 && !realign)
            throw new InputDataException(null, $"--motion-regressors {regressors} needs --realign: the regressors are the realignment's parameters");
        if (!(fdThresholdMm >= 0 && fdThresholdMm <= MaxFdThresholdMm))
            throw new InputDataException(null, $"--fd-threshold {Show(fdThresholdMm)}: give a number of mm from 0 to {Show(MaxFdThresholdMm)}");
        if (!Engine.Motion.CensorPolicyNames.TryParse(censor, out var policy))
            throw new InputDataException(null, $"--censor '{censor}': give publish, flag or withhold");
        return (regressors, fdThresholdMm, policy);
    }

    /// <summary>
    /// Writes one <c>warning:</c> line on standard error when <c>--fd-threshold</c> or <c>--censor</c> was given
    /// (<paramref name="fdGiven"/>, <paramref name="censorGiven"/>) but the volumes are not realigned: FD comes from
    /// the realignment, so without it no volume is high-motion and the options change nothing. <paramref name="why"/>
    /// says why there is no realignment (for instance that the model was trained without).
    /// </summary>
    public static void WarnMotionWithoutRealign(bool fdGiven, bool censorGiven, bool realign, string why = "give --realign")
    {
        if (realign || !(fdGiven || censorGiven)) return;
        string options = fdGiven && censorGiven ? "--fd-threshold and --censor have" : fdGiven ? "--fd-threshold has" : "--censor has";
        Console.Error.WriteLine($"warning: {options} no effect without realignment (framewise displacement comes from it): {why}");
    }

    /// <summary>Refuses an atlas without a region: every voxel 0 (background), or no labelled voxel at all.</summary>
    public static Atlas WithRegions(Atlas atlas)
    {
        ArgumentNullException.ThrowIfNull(atlas);
        if (atlas.LabelCount == 0 || atlas.Labels.All(l => l.VoxelCount == 0))
            throw new InputDataException(atlas.Path, "the atlas has no non-zero label: every voxel is background (0), so there is no region to extract");
        return atlas;
    }

    private static string Required(ParseResult parse, Option<string> option)
    {
        var path = parse.GetValue(option);
        if (string.IsNullOrWhiteSpace(path)) throw new InputDataException(null, $"{option.Name} is required");
        return path;
    }

    private static string Show(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
