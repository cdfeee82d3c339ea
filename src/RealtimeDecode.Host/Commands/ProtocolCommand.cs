using System.CommandLine;
using System.Globalization;
using System.Text;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Engine.Recording;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Host.Commands;

/// <summary>
/// <c>protocol check FILE [--tr S --volumes N] [--model PACKAGE | --window W]</c>: validates a neurofeedback protocol
/// (against the model's targets with --model) and prints its timeline; <c>protocol feedback FILE --estimates TSV [--tr S --window W --censor P] --out TSV</c>: the
/// offline path of the feedback rule, a recording's <c>estimates.tsv</c> to <c>feedback.tsv</c>, timed as the
/// recording's session.json says.
/// </summary>
internal sealed class ProtocolCommand : ICliCommand
{
    public Command Build()
    {
        var cmd = new Command("protocol", "Neurofeedback protocols: check one, or compute feedback offline from recorded estimates.");
        cmd.Subcommands.Add(BuildCheck());
        cmd.Subcommands.Add(BuildFeedback());
        cmd.Subcommands.Add(BuildImport());
        return cmd;
    }

    private static Command BuildCheck()
    {
        var file = new Argument<string>("FILE") { Description = "The protocol's events table (onset duration trial_type); its sidecar FILE.json beside it." };
        var tr = new Option<double?>("--tr") { Description = "Repetition time (s): prints the volumes of each block." };
        var volumes = new Option<int?>("--volumes") { Description = "Volumes in the run (needs --tr): onsets at or past the run's end are errors." };
        var model = new Option<string?>("--model") { Description = "The model package sessions will use: the feedback sources must be its targets, and its window times the estimates." };
        var window = new Option<int?>("--window") { Description = "The model's window length (volumes), for the estimates assigned to each block, without --model (default 1: ROI models)." };
        var cmd = new Command("check", "Validate a protocol and print its timeline.") { file, tr, volumes, model, window };
        cmd.SetAction(parse => Check(parse.GetValue(file)!, parse.GetValue(tr), parse.GetValue(volumes), parse.GetValue(model), parse.GetValue(window)));
        return cmd;
    }

    private static Command BuildFeedback()
    {
        var file = CliOptions.ReadsWithSidecar(new Argument<string>("FILE") { Description = "The protocol's events table; its sidecar FILE.json beside it." },
            p => Path.ChangeExtension(p, ".json"));
        var estimates = CliOptions.ReadsWithSidecar(new Option<string>("--estimates") { Description = "A recording's estimates.tsv (its session.json beside it gives the TR, window and censor policy).", Required = true },
            p => Path.Combine(Path.GetDirectoryName(p) ?? "", RecordingLayout.SessionFile));
        var tr = new Option<double?>("--tr") { Description = "Repetition time (s); required without a session.json beside the estimates, which states it." };
        var window = new Option<int?>("--window") { Description = "The model's window length (volumes; 1 for ROI models); required without a session.json beside the estimates that states it." };
        var censor = new Option<string?>("--censor") { Description = "The session's censor policy (publish, flag or withhold), for estimates with a censored column and no session.json stating it." };
        var output = CliOptions.Writes(new Option<string>("--out") { Description = "The feedback table to write.", Required = true });
        var cmd = new Command("feedback", "Recompute feedback.tsv offline from a recording's estimates and a protocol.") { file, estimates, tr, window, censor, output };
        cmd.SetAction(parse => Feedback(parse.GetValue(file)!, CliOptions.ExistingFile(parse, estimates), parse.GetValue(tr),
            parse.GetValue(window), parse.GetValue(censor), CliOptions.OutputFile(parse, output)));
        return cmd;
    }

    private static Command BuildImport()
    {
        var file = new Argument<string>("FILE") { Description = "A Turbo-BrainVoyager protocol (.prt) or an OpenNFT protocol (.json)." };
        var tr = new Option<double>("--tr") { Description = "Repetition time (s), for intervals in volumes.", Required = true };
        var baseline = new Option<string?>("--baseline") { Description = "The baseline condition (default for .prt: the first, as in Turbo-BrainVoyager; for OpenNFT .json: BaselineName, else BAS, else the volumes no condition lists)." };
        var target = new Option<string?>("--target") { Description = "Feedback source of the other conditions, which become regulate (up, continuous); without it they become rest." };
        var output = CliOptions.Writes(new Option<string>("--out") { Description = "The events table to write (.tsv); its sidecar .json beside it.", Required = true },
            [p => Path.ChangeExtension(p, ".json")]);
        var cmd = new Command("import", "Import a Turbo-BrainVoyager .prt or an OpenNFT .json protocol as an events table and sidecar.") { file, tr, baseline, target, output };
        cmd.SetAction(parse => Import(parse.GetValue(file)!, parse.GetValue(tr),
            parse.GetValue(baseline), parse.GetValue(target), CliOptions.OutputFile(parse, output)));
        return cmd;
    }

    private static int Import(string prt, double tr, string? baseline, string? target, string output)
    {
        CheckTiming(tr, null, 1);
        if (!output.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase)) throw new InputDataException(output, "--out must end in .tsv");
        if (prt.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return ImportOpenNft(prt, tr, baseline, target, output);
        var content = PrtFile.Read(prt, tr);
        baseline ??= content.Conditions[0];
        if (!content.Conditions.Contains(baseline, StringComparer.Ordinal))
            throw new InputDataException(prt, $"--baseline '{baseline}' is not one of its conditions ({string.Join(", ", content.Conditions)})");
        // Parametric weights (FileVersion 3) are kept as extra columns of the events table; the feedback rule does not use them.
        int weights = content.ParametricWeights;
        var events = new StringBuilder("onset\tduration\ttrial_type");
        for (int w = 1; w <= weights; w++) events.Append(weights == 1 ? "\tweight" : Invariant($"\tweight_{w}"));
        events.Append('\n');
        foreach (var i in content.Intervals)
        {
            events.Append(Invariant($"{i.Onset:R}\t{i.Duration:R}\t{i.Condition}"));
            foreach (double w in i.Weights) events.Append(Invariant($"\t{w:R}"));
            events.Append('\n');
        }
        var conditions = new System.Text.Json.Nodes.JsonObject();
        for (int c = 0; c < content.Conditions.Count; c++)
        {
            string name = content.Conditions[c];
            var node = new System.Text.Json.Nodes.JsonObject();
            if (name == baseline) node["Role"] = "baseline";
            else if (target is not null) { node["Role"] = "regulate"; node["Target"] = target; node["Direction"] = "up"; node["Feedback"] = "continuous"; }
            else node["Role"] = "rest";
            node["Instruction"] = name;
            if (content.Colours[c] is { } colour) node["Colour"] = colour;
            conditions[name] = node;
        }
        var sidecar = new System.Text.Json.Nodes.JsonObject
        {
            ["Conditions"] = conditions,
            ["Normalisation"] = new System.Text.Json.Nodes.JsonObject { ["Method"] = "z", ["BaselineSkip"] = 6 },
            ["Smoothing"] = 1,
            ["HaemodynamicDelay"] = 6,
        };
        return WriteImported(prt, output, events, sidecar, baseline);
    }

    /// <summary>
    /// An OpenNFT protocol (.json): the baseline condition stays baseline; with <paramref name="target"/> the regulation
    /// condition becomes regulate (up) on it, intermittent when the protocol has a feedback display condition (which then
    /// shows the block's score) and continuous otherwise; every other condition, and all of them without a target, rest.
    /// </summary>
    private static int ImportOpenNft(string path, double tr, string? baseline, string? target, string output)
    {
        var content = OpenNftProtocolFile.Read(path, tr, baseline);
        var events = new StringBuilder("onset\tduration\ttrial_type\n");
        foreach (var i in content.Intervals) events.Append(Invariant($"{i.Onset:R}\t{i.Duration:R}\t{i.Condition}\n"));
        bool intermittent = content.Display is not null;
        var conditions = new System.Text.Json.Nodes.JsonObject();
        foreach (var name in content.Conditions)
        {
            var node = new System.Text.Json.Nodes.JsonObject();
            if (name == content.Baseline) node["Role"] = "baseline";
            else if (name == content.Regulation && target is not null)
            {
                node["Role"] = "regulate"; node["Target"] = target; node["Direction"] = "up";
                node["Feedback"] = intermittent ? "intermittent" : "continuous";
            }
            else if (name == content.Display && content.Regulation is not null && target is not null) node["Role"] = "display";
            else node["Role"] = "rest";
            node["Instruction"] = name;
            conditions[name] = node;
        }
        var sidecar = new System.Text.Json.Nodes.JsonObject
        {
            ["Conditions"] = conditions,
            ["Normalisation"] = new System.Text.Json.Nodes.JsonObject { ["Method"] = "z", ["BaselineSkip"] = 6 },
            ["Smoothing"] = 1,
            ["HaemodynamicDelay"] = 6,
        };
        return WriteImported(path, output, events, sidecar, content.Baseline);
    }

    private static int WriteImported(string source, string output, StringBuilder events, System.Text.Json.Nodes.JsonObject sidecar, string baseline)
    {
        // The table and its sidecar replace a previous protocol together or not at all.
        using (var set = new AtomicFileSet("protocol"))
        {
            set.WriteAllText(output, events.ToString());
            set.WriteAllText(Path.ChangeExtension(output, ".json"), sidecar.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
            set.Commit();
        }
        var p = ProtocolFile.Read(output);
        string json = Path.ChangeExtension(output, ".json");
        Console.WriteLine(Invariant($"protocol import: {source} -> {output} and {json} ({p.Blocks.Count} blocks, {p.Conditions.Count} conditions; baseline '{baseline}')"));
        // Without --target nothing is regulated: a session would run the protocol and never show feedback.
        if (!p.Conditions.Any(c => c.Role == ConditionRole.Regulate))
            Console.Error.WriteLine($"note: no condition gives feedback (no --target): every condition but the baseline '{baseline}' is rest; give --target, or make a condition regulate in {json}");
        return 0;
    }

    /// <summary>
    /// Validates the protocol and prints its timeline. With <paramref name="model"/> the feedback sources are checked against
    /// the package's targets as a session checks them (<see cref="FeedbackProtocol.CheckTargets"/>) and the package's window
    /// times the estimates (a <c>--window</c> that contradicts it is refused); without, <c>--window</c> does, and when
    /// neither is given the output says that it assumes W = 1.
    /// </summary>
    private static int Check(string path, double? tr, int? volumes, string? model, int? window)
    {
        CheckTiming(tr, volumes, window ?? 1);
        var p = ProtocolFile.Read(path);
        if (tr is double t && volumes is int n) p.CheckRun(t, n);
        string windowText;
        if (model is not null)
        {
            if (!File.Exists(model) && !Directory.Exists(model)) throw new InputDataException(model, "model package not found");
            var package = ModelPackage.Load(model);
            p.CheckTargets(package.Targets, model);
            int span = package.Features.Settings.Span;
            if (window is int w && w != span)
                throw new InputDataException(model, Invariant($"the model's window is {Volumes(span)}; --window {w} contradicts it: leave --window out (protocol check takes the model's)"));
            window = span;
            windowText = $"window {Volumes(span)} (model {model})";
        }
        else windowText = window is int w ? $"window {Volumes(w)} (--window)"
            : "window 1 volume assumed (ROI models; give --model or --window for a windowed model)";
        int win = window ?? 1;
        var s = new StringBuilder();
        s.Append(Invariant($"protocol {path}: {p.Blocks.Count} blocks, {p.Conditions.Count} conditions; normalisation {p.Normalisation.ToString().ToLowerInvariant()} "));
        s.Append(Invariant($"(baseline skip {p.BaselineSkipSeconds:0.###} s), smoothing {p.Smoothing}, haemodynamic delay {p.HaemodynamicDelaySeconds:0.###} s, range [{p.RangeMin:0.###}, {p.RangeMax:0.###}]"));
        if (tr is not null) s.Append("; estimates: ").Append(windowText);
        s.Append('\n');
        s.Append("block\tonset_s\tend_s\tcondition\trole\tfeedback\tsource\tbaseline");
        if (tr is not null) s.Append("\tvolumes\testimates");
        s.Append('\n');
        for (int k = 0; k < p.Blocks.Count; k++)
        {
            var b = p.Blocks[k];
            var c = b.Condition;
            string source = c.Source.Count == 0 ? "-"
                : (c.Direction > 0 ? "up " : "down ") + string.Join("+", c.Source.Select(kv => kv.Value == 1 ? kv.Key : Invariant($"{kv.Value:0.###}·{kv.Key}")));
            int baseline = p.BaselineOf(k);
            string baselineText = c.Role == ConditionRole.Regulate ? Invariant($"block {p.Blocks[baseline].Number}") : "-";
            s.Append(Invariant($"{b.Number}\t{b.Onset:0.###}\t{b.End:0.###}\t{c.Name}\t{c.Role.ToString().ToLowerInvariant()}\t{c.Feedback.ToString().ToLowerInvariant()}\t{source}\t{baselineText}"));
            if (tr is double trs)
            {
                // Volumes acquired in [onset, end); estimates whose described time lies in it (from the first window on).
                var (a0, a1) = p.AcquiredVolumes(k, trs);
                var (e0, e1) = p.DescribingVolumes(k, trs, win);
                e0 = Math.Max(e0, win - 1);
                if (volumes is int nv) { a1 = Math.Min(a1, nv - 1); e1 = Math.Min(e1, nv - 1); }
                s.Append(Invariant($"\t{Range(a0, a1)}\t{Range(e0, e1)}"));
            }
            s.Append('\n');
        }
        if (tr is double trn)
            foreach (var note in p.TimingNotes(trn, win, volumes)) s.Append("note: ").Append(note).Append('\n');
        Console.Write(s.ToString());
        return 0;
    }

    /// <summary>
    /// The offline feedback rule over a recording's estimates. The TR, the window and (for estimates with a <c>censored</c>
    /// column) the censor policy are the recording's when a session.json beside the estimates states them
    /// (<see cref="RecordedEstimateTiming"/>), and for a recording made before session.json stated the window, the window
    /// its warm-up gives exactly (<see cref="RecordedEstimateTiming.WindowFromWarmUp"/>); an option that contradicts one is refused, naming both values. Otherwise
    /// the options give them, and are required: a default window would time every estimate of a windowed model wrongly.
    /// Says on the console which values were used and whence.
    /// </summary>
    private static int Feedback(string path, string estimates, double? tr, int? window, string? censor, string output)
    {
        CheckTiming(tr, null, window ?? 1);
        CensorPolicy? givenCensor = null;
        if (censor is not null)
            givenCensor = CensorPolicyNames.TryParse(censor, out var policy) ? policy
                : throw new InputDataException(null, $"--censor '{censor}' is not publish, flag or withhold");
        var recorded = RecordedEstimateTiming.TryRead(Path.GetDirectoryName(estimates) ?? "");
        var used = new List<(string Value, string Whence)>();
        void Contradicts(string option, string given, string key, string made) => throw new InputDataException(recorded!.Path,
            $"the recording's {key} is {made}; {option} {given} contradicts it: leave {option} out (protocol feedback takes the recording's)");

        double trs;
        if (recorded?.RepetitionTimeSeconds is double rt)
        {
            if (tr is double g && Math.Abs(g - rt) > 1e-9 * rt) Contradicts("--tr", Invariant($"{g:R}"), "TR (repetition_time_s)", Invariant($"{rt:R} s"));
            trs = rt;
            used.Add((Invariant($"TR {rt:0.###} s"), recorded.Path));
        }
        else
        {
            trs = tr ?? throw new InputDataException(recorded?.Path ?? estimates, recorded is null
                ? "no session.json beside it states the TR: give --tr"
                : "does not state the TR (repetition_time_s): give --tr");
            used.Add((Invariant($"TR {trs:0.###} s"), "--tr"));
        }

        int w;
        if (recorded?.WindowVolumes is int rw)
        {
            if (window is int g && g != rw) Contradicts("--window", Invariant($"{g}"), "window (window_volumes)", Volumes(rw));
            w = rw;
            used.Add(($"window {Volumes(rw)}", recorded.Path));
        }
        else if (recorded?.WindowFromWarmUp is int inferred)
        {
            // A recording made before session.json stated the window: its warm-up gives it exactly.
            if (window is int g && g != inferred)
                Contradicts("--window", Invariant($"{g}"), Invariant($"window (its warm-up, warmup_volumes.count {recorded.WarmUpVolumes}, + 1)"), Volumes(inferred));
            w = inferred;
            used.Add(($"window {Volumes(inferred)}", Invariant($"the warm-up of {recorded.Path} (warmup_volumes.count {recorded.WarmUpVolumes} + 1: it does not state window_volumes)")));
        }
        else
        {
            w = window ?? throw new InputDataException(recorded?.Path ?? estimates, recorded is null
                ? "no session.json beside it states the window its estimates were made with: give --window, the model's window length (1 for ROI models)"
                : $"does not state the window the estimates were made with (window_volumes; recorded by an earlier version) {recorded.WindowUnknownBecause}: give --window, the model's window length (1 for ROI models)");
            used.Add(($"window {Volumes(w)}", "--window"));
        }

        var p = ProtocolFile.Read(path);
        var table = NumericTable.Read(estimates);
        bool withhold = false;
        if (table.IndexOf(RecordingLayout.CensoredColumn) >= 0)
        {
            CensorPolicy c;
            if (recorded?.Censor is CensorPolicy rc)
            {
                if (givenCensor is CensorPolicy g && g != rc) Contradicts("--censor", g.Name(), "censor policy (motion.censor)", rc.Name());
                c = rc;
                used.Add(($"censor {c.Name()}", recorded.Path));
            }
            else
            {
                c = givenCensor ?? throw new InputDataException(estimates,
                    $"has a {RecordingLayout.CensoredColumn} column and {(recorded is null ? "no session.json beside it states" : "its session.json does not state")} the session's censor policy: give --censor (under withhold a censored estimate counts as missing, as it did live)");
                used.Add(($"censor {c.Name()}", "--censor"));
            }
            withhold = c == CensorPolicy.Withhold;
        }

        var lines = FeedbackTable.FromEstimates(p, table, estimates, trs, w, withhold);
        AtomicFile.WriteAllText(output, string.Join('\n', lines) + "\n");
        var sources = used.GroupBy(u => u.Whence).Select(g => $"{string.Join(", ", g.Select(u => u.Value))} from {g.Key}");
        Console.WriteLine(Invariant($"protocol feedback: {string.Join("; ", sources)}"));
        Console.WriteLine(Invariant($"protocol feedback: {estimates} -> {output} ({lines.Count - 1} volumes)"));
        return 0;
    }

    private static void CheckTiming(double? tr, int? volumes, int window)
    {
        if (tr is double t && (!(t > 0) || !double.IsFinite(t))) throw new InputDataException(null, "--tr must be > 0 s");
        if (volumes is int n && n <= 0) throw new InputDataException(null, "--volumes must be > 0");
        if (volumes is not null && tr is null) throw new InputDataException(null, "--volumes needs --tr");
        if (window < 1) throw new InputDataException(null, "--window must be ≥ 1");
    }

    private static string Volumes(int n) => n == 1 ? "1 volume" : Invariant($"{n} volumes");

    private static string Range(int a, int b) => b < a ? "-" : a == b ? Invariant($"{a}") : Invariant($"{a}-{b}");

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
