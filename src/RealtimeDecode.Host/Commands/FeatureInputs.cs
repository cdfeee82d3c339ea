using System.Globalization;
using System.CommandLine;
using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Preprocessing;
using RealtimeDecode.Engine.Recording;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Datasets;
using RealtimeDecode.Training.Targets;

namespace RealtimeDecode.Host.Commands;

/// <summary>
/// The options that say where features come from, shared by train, evaluate and predict: runs of
/// volumes with an atlas (features computed by the live path's own kernels) or ready-made tables.
/// </summary>
internal sealed class FeatureInputs
{
    public Option<string> Kind { get; } = new("--features") { Description = "Feature kind: roi (ROI amplitudes) or dfc (sliding-window connectivity)", DefaultValueFactory = _ => "dfc" };
    public Option<string[]> Bold { get; } = CliOptions.ReadsRun(new Option<string[]>("--bold") { Description = "Run(s) of volumes (4D NIfTI, folder of 3D volumes, or BIDS); repeat per run", AllowMultipleArgumentsPerToken = false });
    public Option<string?> Atlas { get; } = new("--atlas") { Description = "Label NIfTI on the runs' grid" };
    public Option<string?> Labels { get; } = new("--labels") { Description = "Labels TSV (index, name, network)" };
    public Option<string[]> Table { get; } = CliOptions.ReadsWithSidecar(new Option<string[]>("--table") { Description = "Ready-made feature table(s) instead of --bold/--atlas; repeat per run. A connectivity table's window, taper and Fisher z come from its sidecar (the same name, .json), which connectivity writes" }, ConnectivityTableSidecar.PathFor);
    public Option<string[]> Recording { get; } = CliOptions.Reads(new Option<string[]>("--recording") { Description = "Recording folder of a live or replay run (its roi.tsv: the ROI series after the live path's preprocessing) instead of --bold; repeat per run. Atlas and preprocessing come from the recording" },
        d => new[] { RecordingLayout.RoiFile, RecordingLayout.RoiSidecarFile, RecordingLayout.SessionFile }.Select(f => Path.Combine(d, f)));
    public Option<int> Window { get; } = new("--window") { Description = "DFC window length (volumes)", DefaultValueFactory = _ => 13 };
    public Option<string> Taper { get; } = new("--taper") { Description = "DFC taper: rect, gaussian or exp", DefaultValueFactory = _ => "rect" };
    public Option<bool> Fisher { get; } = new("--fisher") { Description = "Fisher z-transform the correlations (use --fisher false to turn off)", DefaultValueFactory = _ => true };
    public Option<int> Detrend { get; } = new("--detrend") { Description = "Online polynomial detrend order of the ROI signals (-1: none)", DefaultValueFactory = _ => -1 };
    public Option<bool> ZScore { get; } = new("--zscore") { Description = "Online z-score of the ROI signals" };
    public Option<bool> Realign { get; } = new("--realign") { Description = "Realign every volume (rigid body, to its run's first volume) before the ROI means (with --bold)" };
    public Option<string?> Reference { get; } = new("--reference") { Description = "3D NIfTI on the runs' grid to realign every run to (default: each run's first volume); implies --realign (with --bold)" };
    public MotionCliOptions Motion { get; } = new();

    public IEnumerable<Option> All(bool withSettings = true) => withSettings
        ? [Kind, Bold, Atlas, Labels, Table, Recording, Window, Taper, Fisher, Detrend, ZScore, Realign, Reference, .. Motion.All]
        : [Bold, Atlas, Labels, Table];

    public FeatureSettings Settings(ParseResult parse)
    {
        var kind = parse.GetValue(Kind)!.Trim().ToLowerInvariant() switch
        {
            "roi" => FeatureKind.Roi,
            "dfc" => FeatureKind.Dfc,
            var k => throw new InputDataException(null, $"--features '{k}' is not roi or dfc"),
        };
        var s = new FeatureSettings
        {
            Kind = kind,
            Window = new SlidingWindowOptions
            {
                Window = parse.GetValue(Window),
                Taper = FeatureSettings.ParseTaper(parse.GetValue(Taper)!),
                FisherZ = parse.GetValue(Fisher),
            },
            Preprocessing = new PreprocessingOptions(parse.GetValue(Detrend), parse.GetValue(ZScore)),
            Realign = parse.GetValue(Realign) || parse.GetValue(Reference) is not null,
        };
        s = Motion.Apply(parse, s);
        try { s.Window.Validate(); s.Preprocessing.Validate(); }
        catch (ArgumentOutOfRangeException e) { throw new InputDataException(null, e.Message.Split(" (Parameter")[0]); }
        return s;
    }

    /// <summary>
    /// Feature tables, one per run, with their names, the atlas (null for tables) and the settings the features were
    /// made with: the options' for runs of volumes, for tables those <see cref="LoadTables"/> finds.
    /// </summary>
    public (List<(string Name, NumericTable Features, string Source)> Runs, Atlas? Atlas, FeatureSettings Settings) Load(ParseResult parse, FeatureSettings settings)
    {
        var bold = parse.GetValue(Bold) ?? [];
        var tables = parse.GetValue(Table) ?? [];
        if (bold.Length > 0 == tables.Length > 0)
            throw new InputDataException(null, "give either --bold (with --atlas), --table or --recording, once per run");
        var result = new List<(string, NumericTable, string)>();
        if (tables.Length > 0)
        {
            if (parse.GetValue(Reference) is not null) throw new InputDataException(null, "--reference realigns volumes: give it with --bold runs, not --table");
            var (runs, made) = LoadTables(parse, settings, tables);
            return (runs, null, made);
        }
        var atlasPath = parse.GetValue(Atlas) ?? throw new InputDataException(null, "--bold needs --atlas");
        var atlas = CliOptions.WithRegions(Imaging.Atlas.Load(atlasPath, parse.GetValue(Labels)));
        var opened = bold.Select(b => BoldRun.Open(b)).ToList();
        var realignment = RealignCommand.RunRealignments(parse.GetValue(Reference), opened);
        for (int i = 0; i < bold.Length; i++)
        {
            var run = opened[i];
            var table = ConsoleProgress.Run($"features of {run.Name}", p => FeatureTables.FromRun(run, atlas, settings, p, realignment?.Invoke()));
            result.Add((run.Name, table, bold[i]));
        }
        return (result, atlas, settings);
    }

    /// <summary>
    /// Reads feature tables (<c>--table</c>), each checked to be of the requested kind (<see cref="CheckTableKind"/>),
    /// with the settings their features were made with. ROI tables take the options' settings. DFC tables take the
    /// window, taper and Fisher z of their sidecar (<see cref="ConnectivityTableSidecar"/>, written by connectivity)
    /// when they have one; refused in one line: a <c>--window</c>, <c>--taper</c> or <c>--fisher</c> given explicitly
    /// that contradicts it, tables whose sidecars disagree, a taper parameter a model package cannot record, and
    /// columns that are not the edges of the sidecar's ROIs. A DFC table without a sidecar takes the options' settings
    /// and is refused when its first row is not volume W − 1 (the first complete window of an ROI table that starts at
    /// volume 0, as connectivity writes it). Says on the console which settings the model will record and whence.
    /// </summary>
    private (List<(string Name, NumericTable Features, string Source)> Runs, FeatureSettings Settings) LoadTables(ParseResult parse, FeatureSettings requested, string[] tables)
    {
        var read = new List<(string Path, NumericTable Table, ConnectivityTableSidecar? Sidecar)>();
        foreach (var t in tables)
        {
            var table = NumericTable.Read(t);
            CheckTableKind(requested.Kind, table, t);
            read.Add((t, table, requested.Kind == FeatureKind.Dfc ? ConnectivityTableSidecar.TryRead(t) : null));
        }
        var runs = read.Select(r => (Path.GetFileName(r.Path), r.Table, r.Path)).ToList();
        WarnPreprocessingOnTrust(requested.Preprocessing);
        if (requested.Kind != FeatureKind.Dfc) return (runs, requested);

        bool Given(Option option) => parse.GetResult(option) is { Implicit: false };
        var settings = requested;
        string whence;
        var described = read.FirstOrDefault(r => r.Sidecar is not null);
        if (described.Sidecar is { } first)
        {
            string firstJson = ConnectivityTableSidecar.PathFor(described.Path);
            void Contradicts(Option option, string given, string made) => throw new InputDataException(firstJson,
                $"{described.Path} was made with {made}; {option.Name} {given} contradicts it: leave {option.Name} out (train takes the table's settings), or remake the table with connectivity");
            var w = requested.Window;
            if (Given(Window) && w.Window != first.Window.Window)
                Contradicts(Window, w.Window.ToString(CultureInfo.InvariantCulture), $"window {first.Window.Window}");
            if (Given(Taper) && w.Taper != first.Window.Taper)
                Contradicts(Taper, parse.GetValue(Taper)!, $"the {FeatureSettings.TaperName(first.Window.Taper)} taper");
            if (Given(Fisher) && w.FisherZ != first.Window.FisherZ)
                Contradicts(Fisher, w.FisherZ ? "true" : "false", first.Window.FisherZ ? "Fisher z" : "Pearson r (no Fisher z)");
            if (first.ModelProblem() is { } problem) throw new InputDataException(firstJson, problem);
            foreach (var (path, _, sidecar) in read)
                if (sidecar is not null && sidecar.Differences(first.Window).Count > 0)
                    throw new InputDataException(ConnectivityTableSidecar.PathFor(path),
                        $"{path} was made with {sidecar.Describe()}, {described.Path} with {first.Describe()}: train on tables made alike");
            settings = requested with { Window = w with { Window = first.Window.Window, Taper = first.Window.Taper, FisherZ = first.Window.FisherZ } };
            whence = $"as {firstJson} says the table{(read.Count > 1 ? "s were" : " was")} made";
        }
        else
        {
            whence = read.Count > 1
                ? $"from the options: the tables have no sidecar (such as {ConnectivityTableSidecar.PathFor(read[0].Path)}, written by connectivity) saying how they were made"
                : $"from the options: {read[0].Path} has no sidecar ({ConnectivityTableSidecar.PathFor(read[0].Path)}, written by connectivity) saying how it was made";
        }

        int window = settings.Window.Window;
        foreach (var (path, table, sidecar) in read)
        {
            if (sidecar is not null)
            {
                sidecar.CheckColumns(table.Columns, path);
                continue;
            }
            string source = described.Sidecar is not null ? $"the window of {ConnectivityTableSidecar.PathFor(described.Path)}"
                : Given(Window) ? "--window" : "train's default --window";
            if (FirstWindowProblem(table, window, source) is { } problem)
                throw new InputDataException(path, $"{problem}: {(table.Volumes[0] >= 1 ? $"give --window {table.Volumes[0] + 1}, or " : "")}remake the table with connectivity, which writes its settings beside it ({ConnectivityTableSidecar.PathFor(path)}) for train to take");
        }
        Console.WriteLine($"features: DFC {ConnectivityTableSidecar.Describe(settings.Window)}, {whence}; the model records these");
        return (runs, settings);
    }

    /// <summary>
    /// A model trained on tables records the <c>--detrend</c> and <c>--zscore</c> it is given, and the live path then
    /// applies them, but no table says whether its ROI signals were so preprocessed: extract and connectivity do
    /// neither (a recording's roi.tsv holds the series as the session preprocessed them). Said once, on stderr.
    /// </summary>
    private static void WarnPreprocessingOnTrust(PreprocessingOptions preprocessing)
    {
        var asked = new List<string>();
        if (preprocessing.DetrendOrder >= 0) asked.Add(string.Create(CultureInfo.InvariantCulture, $"--detrend {preprocessing.DetrendOrder}"));
        if (preprocessing.ZScore) asked.Add("--zscore");
        if (asked.Count == 0) return;
        Console.Error.WriteLine($"warning: {string.Join(" and ", asked)} with --table: the model records that its ROI signals were so preprocessed, and sessions with it will preprocess them so, but the tables cannot show it; extract and connectivity do not (a recording's roi.tsv is preprocessed as its session was; train --recording checks it)");
    }

    /// <summary>
    /// Null when the first row of a connectivity table without a sidecar is volume <paramref name="window"/> − 1, where
    /// the first complete window of an ROI table starting at volume 0 ends; else the problem, naming the window the row
    /// implies and <paramref name="source"/> of the expected one.
    /// </summary>
    public static string? FirstWindowProblem(NumericTable table, int window, string source)
    {
        if (table.RowCount == 0 || table.Volumes[0] == window - 1) return null;
        int first = table.Volumes[0];
        return first < 1
            ? $"its first row is volume {first}, where no window of 2 or more volumes ends"
            : string.Create(CultureInfo.InvariantCulture, $"its first window ends at volume {first}, so its window is {first + 1} volumes, not {window} ({source})");
    }

    /// <summary>Runs read from recordings (<see cref="LoadRecordings"/>): features, the settings they were computed with, the package's spec.</summary>
    public sealed record RecordedRuns(List<(string Name, NumericTable Features, string Source)> Runs, List<NumericTable> RoiSeries, FeatureSettings Settings, FeatureSpec Spec);

    /// <summary>
    /// Features of the runs recorded in the <c>--recording</c> folders, computed from their ROI series (roi.tsv, already
    /// preprocessed by the live path) with the requested kind and window, by the same kernel as from volumes. The
    /// preprocessing and realignment are the recordings' own (a recording cannot be preprocessed otherwise): an option
    /// given explicitly that asks for another, recordings of different atlases or preprocessing, and an <c>--atlas</c>
    /// that is not the recorded one are refused in one line.
    /// </summary>
    public RecordedRuns LoadRecordings(ParseResult parse, FeatureSettings requested)
    {
        var folders = parse.GetValue(Recording) ?? [];
        if (folders.Length == 0) throw new InputDataException(null, "--recording is required");
        if ((parse.GetValue(Bold) ?? []).Length > 0 || (parse.GetValue(Table) ?? []).Length > 0)
            throw new InputDataException(null, "give either --bold (with --atlas), --table or --recording, once per run");
        if (parse.GetValue(Reference) is { } reference)
            throw new InputDataException(reference, "--reference realigns volumes, and a recording holds ROI series realigned (or not) as they were recorded: leave it out, or train from the run's volumes with --bold");
        var series = folders.Select(RecordedRoiSeries.Read).ToList();
        var first = series[0];
        foreach (var s in series.Skip(1))
        {
            if (s.Info.AtlasSha256 != first.Info.AtlasSha256 || s.Info.RoiCount != first.Info.RoiCount)
                throw new InputDataException(s.Directory, $"was recorded over another atlas ({s.Info.Atlas}, {s.Info.RoiCount} ROIs) than {first.Directory} ({first.Info.Atlas}, {first.Info.RoiCount} ROIs): train on runs of one atlas");
            if (s.Info.Preprocessing != first.Info.Preprocessing || s.Info.Realign != first.Info.Realign)
                throw new InputDataException(s.Directory, $"was preprocessed with {s.Info.DescribePreprocessing()}, {first.Directory} with {first.Info.DescribePreprocessing()}: train on runs preprocessed alike");
            if (!s.Table.Columns.SequenceEqual(first.Table.Columns))
                throw new InputDataException(s.TablePath, $"its ROI columns differ from those of {first.TablePath}");
        }
        if (parse.GetValue(Atlas) is { } atlasPath)
        {
            var atlas = Imaging.Atlas.Load(atlasPath, parse.GetValue(Labels));
            if (first.Info.AtlasSha256 is { } recordedSha && !string.Equals(atlas.Sha256, recordedSha, StringComparison.OrdinalIgnoreCase))
                throw new InputDataException(atlasPath, $"is not the atlas {first.Directory} was recorded over ({first.Info.Atlas}, SHA-256 {recordedSha[..12]}…, this one {atlas.Sha256[..12]}…)");
            if (atlas.LabelCount != first.Info.RoiCount)
                throw new InputDataException(atlasPath, $"has {atlas.LabelCount} labels, {first.Directory} was recorded with {first.Info.RoiCount} ROIs");
        }
        var pre = first.Info.Preprocessing;
        string recorded = first.Info.DescribePreprocessing();
        void Refuse(Option option, string value) => throw new InputDataException(first.Directory,
            $"holds ROI series recorded with {recorded}; {option.Name} {value} asks for other preprocessing, which a recording cannot give: leave the option out, or train from the run's volumes with --bold");
        if (parse.GetResult(Detrend) is { Implicit: false } && requested.Preprocessing.DetrendOrder != pre.DetrendOrder)
            Refuse(Detrend, requested.Preprocessing.DetrendOrder.ToString(CultureInfo.InvariantCulture));
        if (parse.GetResult(ZScore) is { Implicit: false } && requested.Preprocessing.ZScore != pre.ZScore)
            Refuse(ZScore, requested.Preprocessing.ZScore ? "true" : "false");
        if (parse.GetResult(Realign) is { Implicit: false } && requested.Realign != first.Info.Realign)
            Refuse(Realign, requested.Realign ? "true" : "false");
        var settings = requested with { Preprocessing = pre, Realign = first.Info.Realign };
        var runs = new List<(string, NumericTable, string)>();
        foreach (var s in series)
        {
            string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(s.Directory)));
            runs.Add((name, FeatureTables.FromRoiSeries(s.Table, settings, s.TablePath), s.Directory));
        }
        return new RecordedRuns(runs, series.Select(s => s.Table).ToList(), settings, new FeatureSpec(settings, first.Info.RoiCount, first.Info.AtlasSha256));
    }

    /// <summary>The feature spec of tables or an atlas; for tables the ROI count follows from the columns.</summary>
    public static FeatureSpec Spec(FeatureSettings settings, Atlas? atlas, NumericTable first, string source)
    {
        int roi = atlas?.LabelCount ?? RoiCountOf(settings.Kind, first.ColumnCount, source);
        var spec = new FeatureSpec(settings, roi, atlas?.Sha256);
        if (spec.FeatureCount != first.ColumnCount)
            throw new InputDataException(source, $"has {first.ColumnCount} feature columns, {settings.Kind.ToString().ToLowerInvariant()} features of {roi} ROIs are {spec.FeatureCount}");
        return spec;
    }

    /// <summary>
    /// Refuses a feature table that is not of <paramref name="kind"/>: for ROI features a table whose columns are
    /// connectivity edges (<see cref="EdgeColumns"/>), for DFC features one whose column count is not R(R−1)/2 or
    /// whose columns are not the edges <c>roiA~roiB</c> of R ROIs in layout order (an ROI table).
    /// <paramref name="forWhat"/> says what takes the table (an option or a model) in the message.
    /// </summary>
    public static void CheckTableKind(FeatureKind kind, NumericTable table, string path, string? forWhat = null)
    {
        if (kind == FeatureKind.Roi)
        {
            if (EdgeColumns.AreEdges(table.Columns))
                throw new InputDataException(path, $"its {table.ColumnCount} columns are connectivity edges ({table.Columns[0]}, …), but {forWhat ?? "--features roi"} takes ROI amplitudes, one column per ROI (extract's table){(forWhat is null ? ": give --features dfc for a connectivity table" : "")}");
            return;
        }
        RoiCountOf(kind, table.ColumnCount, path);
        if (!EdgeColumns.AreEdges(table.Columns))
            throw new InputDataException(path, $"its columns ({string.Join(", ", table.Columns.Take(2))}, …) are not connectivity edges roiA~roiB of the ROI order, but {forWhat ?? "--features dfc"} takes a connectivity table: is it an ROI table?{(forWhat is null ? " give --features roi, or make its connectivity with realtime-decode connectivity" : "")}");
    }

    public static int RoiCountOf(FeatureKind kind, int columns, string source)
    {
        if (kind == FeatureKind.Roi) return columns;
        int r = EdgeLayout.TryNodeCount(columns);
        if (r < 0) throw new InputDataException(source, $"{columns} columns is not R(R−1)/2 edges for any R: not a connectivity table?");
        return r;
    }

    /// <summary>
    /// Checks targets tables made by <c>targets</c> against the runs they are paired with (in order): a provenance
    /// sidecar (<c>.json</c> beside the table, format <c>realtime-decode.targets</c>) stating another TR than the run's
    /// is refused in one line, since every target would sit at the wrong time; one stating another volume count is
    /// warned about. Tables without such a sidecar are taken as they are. Reads only the runs' headers.
    /// </summary>
    public static void CheckTargetsMadeFor(IReadOnlyList<string> targetPaths, IReadOnlyList<string> boldPaths)
    {
        for (int i = 0; i < Math.Min(targetPaths.Count, boldPaths.Count); i++)
        {
            if (TargetBuilder.ReadMadeFor(targetPaths[i]) is not { } made) continue;
            var (madeTr, madeVolumes) = made;
            var run = BoldRun.Open(boldPaths[i]);
            double tr = run.RepetitionTimeSeconds;
            if (madeTr is double t && tr > 0 && Math.Abs(t - tr) > 0.01 * tr)
                throw new InputDataException(TargetBuilder.ProvenancePath(targetPaths[i]), string.Create(CultureInfo.InvariantCulture,
                    $"{targetPaths[i]} was made for TR {t} s, but {run.Path} is TR {tr} s: every target would sit at the wrong time; remake it with targets --tr {tr}"));
            if (madeVolumes is int n && n != run.VolumeCount)
                Console.Error.WriteLine($"warning: {targetPaths[i]} was made for {n} volumes, {run.Path} has {run.VolumeCount}: is it this run's?");
        }
    }

    /// <summary>Largest |target value| accepted in a targets table; larger values are refused before fitting.</summary>
    public const double MaxTargetMagnitude = 1e12;

    /// <summary>
    /// Reads a targets table and refuses (InputDataException naming the file, row and column) target names that
    /// cannot head a TSV column (<see cref="ModelPackage.TargetNameProblem"/>) and values that are infinite or
    /// above <see cref="MaxTargetMagnitude"/> in magnitude (NaN stays: a volume without a target).
    /// </summary>
    public static NumericTable ReadTargets(string path)
    {
        var table = NumericTable.Read(path);
        ModelPackage.ValidateTargetNames(table.Columns, path);
        int cols = table.ColumnCount;
        for (int k = 0; k < table.Values.Length; k++)
        {
            double v = table.Values[k];
            if (double.IsInfinity(v) || Math.Abs(v) > MaxTargetMagnitude)
                throw new InputDataException(path, string.Create(CultureInfo.InvariantCulture, $"row {k / cols + 1} (volume {table.Volumes[k / cols]}), column '{table.Columns[k % cols]}': {v:R} is not a usable target (finite, |value| ≤ {MaxTargetMagnitude:0e0})"));
        }

        return table;
    }

    /// <summary>Reads the targets tables, one per run.</summary>
    public static List<RunData> Pair(List<(string Name, NumericTable Features, string Source)> runs, string[] targets)
    {
        CheckTargetCount(runs.Count, targets);
        return Pair(runs, targets, targets.Select(ReadTargets).ToList());
    }

    /// <summary>Pairs each run with its targets table, already read (<see cref="ReadTargets"/>) from <paramref name="targets"/>.</summary>
    public static List<RunData> Pair(List<(string Name, NumericTable Features, string Source)> runs, string[] targets, IReadOnlyList<NumericTable> read)
    {
        CheckTargetCount(runs.Count, targets);
        return runs.Select((r, i) => new RunData(r.Name, r.Features, read[i], r.Source, targets[i])).ToList();
    }

    /// <summary>Refuses a count of <c>--targets</c> files other than the runs'.</summary>
    public static void CheckTargetCount(int runs, string[] targets)
    {
        if (targets.Length != runs)
            throw new InputDataException(null, $"{runs} run(s) of features but {targets.Length} --targets file(s): give one per run, in the same order");
    }

    /// <summary>
    /// The number of runs the options give, before any is read: of <c>--bold</c>, <c>--table</c> or <c>--recording</c>,
    /// exactly one kind must be given.
    /// </summary>
    public int RunCount(ParseResult parse)
    {
        int[] counts = [(parse.GetValue(Bold) ?? []).Length, (parse.GetValue(Table) ?? []).Length, (parse.GetValue(Recording) ?? []).Length];
        if (counts.Count(n => n > 0) != 1)
            throw new InputDataException(null, "give either --bold (with --atlas), --table or --recording, once per run");
        return counts.Sum();
    }
}
