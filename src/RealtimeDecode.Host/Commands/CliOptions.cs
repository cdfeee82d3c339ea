using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
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
    /// An output file: refused when it is an existing folder, when it or a file written beside it (declared with
    /// <see cref="Writes"/>) would be written over a file the command reads or another of its outputs
    /// (<see cref="RefuseInputs"/>), when a part of its folder path is a file, or when its folder cannot be written;
    /// the folder is created once these checks pass.
    /// </summary>
    public static string OutputFile(ParseResult parse, Option<string> option) =>
        CheckOutputFile(parse, option, Required(parse, option));

    /// <summary>An optional output file: null when not given, otherwise checked as <see cref="OutputFile"/> checks one.</summary>
    public static string? OptionalOutputFile(ParseResult parse, Option<string?> option) =>
        parse.GetValue(option) is { } path && !string.IsNullOrWhiteSpace(path) ? CheckOutputFile(parse, option, path) : null;

    private static string CheckOutputFile(ParseResult parse, Option option, string path)
    {
        if (Directory.Exists(path)) throw new InputDataException(path, $"{option.Name} is a folder; give a file name");
        RefuseInputs(parse, option, path);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) EnsureWritableFolder(option.Name, dir);
        return path;
    }

    /// <summary>
    /// An output folder: refused when it is an existing file, when it or what it writes in it would be written over
    /// what the command reads (<see cref="RefuseInputs"/>), when a part of its path is a file, or when it cannot be
    /// written; created (empty when new) once these checks pass, unless <paramref name="create"/> is false (a command
    /// that checks its output before its work, and makes the folder when it writes).
    /// </summary>
    public static string OutputFolder(ParseResult parse, Option<string> option, bool create = true)
    {
        var path = Required(parse, option);
        if (File.Exists(path)) throw new InputDataException(path, $"{option.Name} is an existing file; give a folder");
        RefuseInputs(parse, option, path);
        EnsureWritableFolder(option.Name, Path.GetFullPath(path), create);
        return path;
    }

    // ---------- what a command reads and writes ----------

    /// <summary>How a command uses the paths an option or argument names (see <see cref="Writes"/>, <see cref="Reads"/>).</summary>
    private sealed record FileUse(bool Output, Func<string, IEnumerable<string>> Beside, Func<string, (string Folder, Func<string, bool> Entries)?> Folder);

    private static readonly ConditionalWeakTable<Symbol, FileUse> Uses = new();

    private static readonly Func<string, IEnumerable<string>> Nothing = _ => [];

    /// <summary>
    /// Declares <paramref name="symbol"/> an output: the file it names, with the files written beside it
    /// (<paramref name="sidecars"/>, each from the output's path); or, where <paramref name="folder"/> says so for a
    /// value, a folder and the entries written in it (a path relative to the folder → whether the command writes,
    /// replaces or removes it). Returns the symbol, for use where it is made.
    /// </summary>
    public static T Writes<T>(T symbol, Func<string, string>[]? sidecars = null, Func<string, Func<string, bool>?>? folder = null) where T : Symbol
    {
        var beside = sidecars ?? [];
        Uses.AddOrUpdate(symbol, new FileUse(true, p => beside.Select(s => s(p)),
            p => folder?.Invoke(p) is { } entries ? (p, entries) : null));
        return symbol;
    }

    /// <summary>Declares <paramref name="symbol"/> an output folder of which the command writes the entries <paramref name="entries"/> accepts (relative paths).</summary>
    public static T WritesFolder<T>(T symbol, Func<string, bool> entries) where T : Symbol => Writes(symbol, folder: _ => entries);

    /// <summary>
    /// Declares <paramref name="symbol"/> an input that is read with more than the path it names: the files read
    /// beside it (<paramref name="beside"/>, from its path; those that exist count), and a folder read by what is in
    /// it (<paramref name="folder"/>, from its path: the folder and the entries read, as paths relative to it; null
    /// where the path is not read so). Every other option or argument naming an existing path is an input as it is.
    /// </summary>
    public static T Reads<T>(T symbol, Func<string, IEnumerable<string>>? beside = null, Func<string, (string Folder, Func<string, bool> Entries)?>? folder = null) where T : Symbol
    {
        Uses.AddOrUpdate(symbol, new FileUse(false, beside ?? Nothing, folder ?? (_ => null)));
        return symbol;
    }

    /// <summary>Declares an input whose sidecar (<paramref name="sidecar"/>, from its path) is read with it, or belongs to it.</summary>
    public static T ReadsWithSidecar<T>(T symbol, Func<string, string> sidecar) where T : Symbol => Reads(symbol, p => [sidecar(p)]);

    /// <summary>
    /// Declares an input that may be a folder of volumes (<see cref="BoldRun.Open"/>): a NIfTI file written into it
    /// would be taken as a volume of the run (<see cref="BoldRun.TakesFile"/>).
    /// </summary>
    public static T ReadsRun<T>(T symbol) where T : Symbol => Reads(symbol, folder: p => Directory.Exists(p) ? (p, BoldRun.TakesFile) : null);

    /// <summary>
    /// Declares an input that may be a folder holding one DICOM series (<see cref="Imaging.Dicom.DicomReader.ReadSeriesVolumes"/>):
    /// a file written directly into it would be read as part of the series (<see cref="Imaging.Dicom.DicomReader.TakesFile"/>).
    /// </summary>
    public static T ReadsDicomSeries<T>(T symbol) where T : Symbol => Reads(symbol, folder: p => Directory.Exists(p) ? (p, Imaging.Dicom.DicomReader.TakesFile) : null);

    /// <summary>
    /// Declares an input naming a model package (a folder, a .zip or a folder's model.json): its folder's JSON files and
    /// arrays are the package (a session records a hash of them all), so none may be written there.
    /// </summary>
    public static T ReadsModel<T>(T symbol) where T : Symbol => Reads(symbol, folder: p =>
        Directory.Exists(p) ? (p, PackageFiles)
        : File.Exists(p) && Path.GetFileName(p) == "model.json" ? (Path.GetDirectoryName(Path.GetFullPath(p))!, PackageFiles) : null);

    private static readonly Func<string, bool> PackageFiles = Names("*.json", "*.npy");

    /// <summary>
    /// A test of paths relative to a folder ('/' between their parts) against <paramref name="patterns"/>, <c>*</c>
    /// standing for any run of characters other than '/' (<c>"metrics.json"</c>, <c>"timecourses_*.png"</c>, <c>"series-*/*"</c>).
    /// </summary>
    public static Func<string, bool> Names(params IEnumerable<string> patterns)
    {
        var regex = new Regex("^(?:" + string.Join("|", patterns.Select(p => Regex.Escape(p).Replace("\\*", "[^/]*", StringComparison.Ordinal))) + ")$",
            OperatingSystem.IsLinux() ? RegexOptions.CultureInvariant : RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
        return relative => regex.IsMatch(relative.Replace('\\', '/'));
    }

    /// <summary>A path a command reads from its configuration or by default (<see cref="ReadsFromConfiguration"/>, <see cref="ReadsByDefault"/>).</summary>
    private sealed record ConfiguredPath(Symbol? Symbol, string Name, string Value);

    private static readonly ConditionalWeakTable<ParseResult, List<ConfiguredPath>> Configured = new();

    /// <summary>
    /// Declares a path the command reads from its configuration rather than its command line: the value of
    /// <paramref name="key"/> (<c>Session:Model</c>; <paramref name="source"/> says which file or variable gave it),
    /// read as <paramref name="symbol"/> reads its own value (<see cref="Reads"/>) and only when the command line does
    /// not give <paramref name="symbol"/> (its value overrides the key's); a null <paramref name="symbol"/>: a file read
    /// as it is. <see cref="RefuseInputs"/> counts it with the inputs of the command line. A null or blank value is nothing.
    /// </summary>
    public static void ReadsFromConfiguration(ParseResult parse, Symbol? symbol, string key, string? value, string source)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (string.IsNullOrWhiteSpace(value)) return;
        Configured.GetOrCreateValue(parse).Add(new(symbol, $"configuration {key} ({source})", value));
    }

    /// <summary>
    /// Declares the path <paramref name="value"/> the command reads for <paramref name="symbol"/> when neither its
    /// command line nor its configuration names one (a bundled default), read as <paramref name="symbol"/> reads its
    /// own value; <see cref="RefuseInputs"/> counts it as <see cref="ReadsFromConfiguration"/> counts a configured one.
    /// </summary>
    public static void ReadsByDefault(ParseResult parse, Symbol symbol, string value)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(symbol);
        Configured.GetOrCreateValue(parse).Add(new(symbol, $"the default {symbol.Name} {value}", value));
    }

    /// <summary>A path the command writes: the output itself, a file beside it, or a folder with the entries it writes.</summary>
    private sealed record Written(string Path, string Says, Func<string, bool>? Entries);

    /// <summary>A path the command reads: an input itself, a file read beside it, or a folder with the entries read.</summary>
    private sealed record Read(string Path, string Says, Func<string, bool>? Entries);

    private static List<Written> WrittenBy(Symbol output, string path)
    {
        var use = Uses.TryGetValue(output, out var u) && u.Output ? u : null;
        if (use?.Folder(path) is { } folder) return [new(path, output.Name, folder.Entries)];
        var list = new List<Written> { new(path, output.Name, null) };
        foreach (var sidecar in use?.Beside(path) ?? [])
            list.Add(new(sidecar, $"the sidecar of {output.Name} {path}", null));
        return list;
    }

    private static IEnumerable<Read> ReadBy(Symbol? input, string name, string value)
    {
        var use = input is not null && Uses.TryGetValue(input, out var u) && !u.Output ? u : null;
        yield return new(value, name, null);
        if (use is null) yield break;
        foreach (var beside in use.Beside(value))
            if (File.Exists(beside)) yield return new(beside, $"{name} {value}'s sidecar {Path.GetFileName(beside)}", null);
        if (use.Folder(value) is { } folder)
            yield return new(folder.Folder, FileIdentity.Same(folder.Folder, value) ? name : $"the folder of {name} {value}", folder.Entries);
    }

    /// <summary>
    /// Refuses, in one line and before anything is written, an output <paramref name="path"/> of <paramref name="output"/>
    /// when what it writes (the output, the files written beside it, or the entries it writes in its folder; see
    /// <see cref="Writes"/>) would land on what the command reads or on what another of its outputs writes. What the
    /// command reads is every existing file or folder its command line names (any option or argument other than its
    /// declared outputs, links followed) or its configuration names (<see cref="ReadsFromConfiguration"/>), with the files read beside it and, for an input read as a folder, the entries
    /// it reads there (<see cref="Reads"/>): so an output in a folder of volumes is refused where the run would take it
    /// as a volume, and an output folder where it would write a file the command reads. An output whose sidecar is the
    /// output itself is refused too. The line names the output and the input (or other output) it would overwrite.
    /// </summary>
    public static void RefuseInputs(ParseResult parse, Symbol output, string path)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(output);
        if (string.IsNullOrWhiteSpace(path)) return;
        var mine = WrittenBy(output, path);
        foreach (var sidecar in mine.Skip(1))
            if (FileIdentity.Same(sidecar.Path, path))
                throw new InputDataException(path, $"{output.Name} is a {Path.GetExtension(path)} file, but its sidecar is written beside it as the same name with {Path.GetExtension(sidecar.Path)}: give it another extension (.tsv)");
        foreach (var (symbol, name, value) in NamedPaths(parse, output))
        {
            bool isOutput = symbol is not null && Uses.TryGetValue(symbol, out var use) && use.Output;
            if (isOutput)
            {
                foreach (var theirs in WrittenBy(symbol!, value))
                    foreach (var w in mine)
                        if (Overwrites(w, theirs.Path, theirs.Entries) is { } clash)
                            throw Refusal(output, path, w, clash, theirs.Says, value, otherOutput: true);
            }
            else if (File.Exists(value) || Directory.Exists(value))
            {
                foreach (var read in ReadBy(symbol, name, value))
                    foreach (var w in mine)
                        if (Overwrites(w, read.Path, read.Entries) is { } clash)
                            throw Refusal(output, path, w, clash, read.Says, value, otherOutput: false);
            }
        }
    }

    /// <summary>Where <paramref name="w"/> lands on the path <paramref name="other"/> (a file, or a folder with the entries
    /// that count in it): the path they share and how, or null when it does not.</summary>
    private static (string Path, string How)? Overwrites(Written w, string other, Func<string, bool>? otherEntries)
    {
        if (FileIdentity.Same(w.Path, other)) return (w.Path, "same");
        // A file (or folder) written into a folder whose entries count (read, or written by another output).
        if (otherEntries is not null && Within(other, w.Path) is { } rel && otherEntries(rel)) return (w.Path, "into");
        // An output folder writing one of its entries over the other path, or over what lies in it.
        if (w.Entries is not null && Within(w.Path, other) is { } inner)
        {
            if (w.Entries(inner)) return (other, "over");
            if (Directory.Exists(other))
                foreach (var file in Directory.EnumerateFiles(other, "*", SearchOption.AllDirectories))
                    if (Within(w.Path, file) is { } r && w.Entries(r)) return (file, "over");
        }
        return null;
    }

    /// <summary>The path of <paramref name="path"/> relative to <paramref name="folder"/> ('/' separated) when it lies inside it, else null.</summary>
    private static string? Within(string folder, string path)
    {
        string f = Path.TrimEndingDirectorySeparator(FileIdentity.Resolve(folder)), p = FileIdentity.Resolve(path);
        var comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        if (p.Length <= f.Length + 1 || !p.StartsWith(f, comparison) || p[f.Length] != Path.DirectorySeparatorChar) return null;
        return p[(f.Length + 1)..].Replace(Path.DirectorySeparatorChar, '/');
    }

    private static InputDataException Refusal(Symbol output, string path, Written w, (string Path, string How) clash, string other, string value, bool otherOutput)
    {
        string kind = (w.Entries is not null && clash.Path == w.Path) || Directory.Exists(clash.Path) ? "folder" : "file";
        string who = FileIdentity.Same(w.Path, path) ? output.Name : $"{output.Name} {path} writes its sidecar here, which";
        string again = $"give another {output.Name}";
        return clash.How switch
        {
            "same" when w.Path == path => new InputDataException(path, $"{output.Name} is the same {kind} as {Named(other, value, path)}: {again}"),
            "same" => new InputDataException(clash.Path, $"{output.Name} {path} writes its sidecar here, the same file as {Named(other, value, clash.Path)}: {again}"),
            "into" when otherOutput => new InputDataException(clash.Path, $"{who} would be written into {other} {value}, which writes a file of this name: {again}"),
            "into" => new InputDataException(clash.Path, $"{who} would be written into {Named(other, value, clash.Path)}, which would read it as part of its input: {again}"),
            _ => new InputDataException(clash.Path, $"{output.Name} {path} writes this {kind}, which is {Named(other, value, clash.Path)}: {again}"),
        };
    }

    /// <summary>An input as a refusal names it: the option, and its value when the refused path is spelt otherwise.</summary>
    private static string Named(string says, string value, string refused) =>
        says.Contains(' ', StringComparison.Ordinal) ? says : value == refused ? says : $"{says} {value}";

    /// <summary>
    /// Every value given on the command line to a string or string-array option or argument other than
    /// <paramref name="except"/>, with its symbol and name; then every path the command reads from its configuration
    /// (<see cref="ReadsFromConfiguration"/>) or by default (<see cref="ReadsByDefault"/>) in place of an option the
    /// command line does not give. Other defaults are left out.
    /// </summary>
    private static IEnumerable<(Symbol? Symbol, string Name, string Value)> NamedPaths(ParseResult parse, Symbol except)
    {
        var given = new HashSet<Symbol>();
        foreach (var (symbol, name, value) in CommandLinePaths(parse, except, given)) yield return (symbol, name, value);
        foreach (var c in Configured.TryGetValue(parse, out var list) ? list : [])
            if (c.Symbol is null || !given.Contains(c.Symbol))
                yield return (c.Symbol, c.Name, c.Value);
    }

    private static IEnumerable<(Symbol Symbol, string Name, string Value)> CommandLinePaths(ParseResult parse, Symbol except, HashSet<Symbol> givenSymbols)
    {
        foreach (var child in parse.CommandResult.Children)
        {
            var (symbol, type, given) = child switch
            {
                OptionResult o when !ReferenceEquals(o.Option, except) => ((Symbol?)o.Option, o.Option.ValueType, !o.Implicit),
                ArgumentResult a when !ReferenceEquals(a.Argument, except) => (a.Argument, a.Argument.ValueType, !a.Implicit),
                _ => (null, typeof(void), false),
            };
            if (symbol is null || !given) continue;
            givenSymbols.Add(symbol);
            if (type != typeof(string) && type != typeof(string[])) continue;
            foreach (var token in child.Tokens)
                if (!string.IsNullOrWhiteSpace(token.Value))
                    yield return (symbol, symbol.Name, token.Value);
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
