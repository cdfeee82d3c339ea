using System.CommandLine;
using System.Runtime.InteropServices;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using RealtimeDecode.Host.Configuration;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Lsl;
using RealtimeDecode.Host.Session;
using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Recording;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Host.Commands;

/// <summary>Options shared by <c>replay</c> and <c>live</c>, and their merge with the configuration files.</summary>
internal sealed class SessionOptions
{
    public Option<string?> Atlas { get; } = new("--atlas") { Description = "Label NIfTI on the run's grid (default: the bundled atlas)" };
    public Option<string?> Labels { get; } = new("--labels") { Description = "Labels TSV (index, name, network)" };
    public Option<string?> Model { get; } = CliOptions.ReadsModel(new Option<string?>("--model") { Description = "Model package (default: replay-data/models/default)" });
    public Option<string?> Speed { get; } = new("--speed") { Description = "Pace: a factor of real time (1, 10) or max" };
    public Option<string?> Record { get; } = CliOptions.WritesFolder(new Option<string?>("--record") { Description = "Recording folder (default: recordings/<time>-<run>)" }, RecordingFiles);

    /// <summary>What a session writes in its recording folder: its files, and a later series' folder.</summary>
    private static readonly Func<string, bool> RecordingFiles = CliOptions.Names(RecordingLayout.EstimatesFile, RecordingLayout.HandOffsFile, RecordingLayout.VolumesFile,
        RecordingLayout.MotionFile, RecordingLayout.RoiFile, RecordingLayout.RoiSidecarFile, RecordingLayout.EventsFile, RecordingLayout.SessionFile, RecordingLayout.LogFile,
        FeedbackTable.FileName, "series-*", "series-*/*");
    public Option<string?> Urls { get; } = new("--urls") { Description = "Dashboard addresses (default http://127.0.0.1:5080; other machines need the access token)" };
    public Option<bool> NoDashboard { get; } = new("--no-dashboard") { Description = "Do not serve the dashboard" };
    public Option<bool> NoLsl { get; } = new("--no-lsl") { Description = "Do not publish on Lab Streaming Layer" };
    public Option<bool> KeepServing { get; } = new("--keep-serving") { Description = "Keep serving the dashboard after the session ends: a replay's until Ctrl-C; one ended by Ctrl-C (live always is) until a second Ctrl-C" };
    public Option<string?> Config { get; } = new("--config") { Description = "Configuration file (JSON) over configs/default.json" };
    public Option<double?> Tr { get; } = new("--tr") { Description = "Repetition time (s), over what the run states (0.001 to 60); a run stating another is warned about" };
    public Option<bool> StrictConfig { get; } = new("--strict-config") { Description = "Refuse unknown configuration sections and keys (otherwise a warning)" };

    public Option<string?> Protocol { get; } = CliOptions.ReadsWithSidecar(new Option<string?>("--protocol") { Description = "Neurofeedback protocol: events table (onset duration trial_type) with its JSON sidecar beside it; writes feedback.tsv" },
        p => Path.ChangeExtension(p, ".json"));
    public Option<bool> Realign { get; } = new("--realign") { Description = "Realign every volume (rigid body) before the ROI means; the model must have been trained so" };
    public Option<string?> Reference { get; } = new("--reference") { Description = "3D NIfTI on the run's grid to realign to (default: each series' first volume)" };

    public Option<int?> MotionRegressors { get; } = new("--motion-regressors") { Description = "Motion regressors in the online regression: 0, 6, 12 (with derivatives) or 24 (Friston 24); needs --realign; must match the model (config Motion:Regressors)" };
    public Option<double?> FdThreshold { get; } = new("--fd-threshold") { Description = "Framewise displacement (mm) above which a volume is high-motion (default 0.5; config Motion:FdThresholdMm); must match the model" };
    public Option<string?> Censor { get; } = new("--censor") { Description = "An estimate whose window holds a high-motion volume is: publish, flag (default) or withhold (not sent to the participant display and LSL); config Motion:Censor; must match the model" };

    public Option<string?> Session { get; } = new("--session") { Description = "Session id that dashboard clients join with ?session= (default: host name and start time); letters, digits, - _ ." };

    public IEnumerable<Option> All => [Atlas, Labels, Model, Speed, Record, Urls, NoDashboard, NoLsl, KeepServing, Config, Tr, StrictConfig, Protocol, Realign, Reference, MotionRegressors, FdThreshold, Censor, Session];

    /// <summary>
    /// Loads configs/default.json, then <paramref name="extra"/>, then <c>RTDECODE_</c> environment variables,
    /// and checks the result (<see cref="ConfigurationCheck"/>): unknown keys are warned about on
    /// <paramref name="warnings"/> (refused when <paramref name="strict"/>), values of the wrong type refused.
    /// </summary>
    public static IConfigurationRoot LoadConfiguration(string? extra, bool strict = false, TextWriter? warnings = null)
    {
        var config = Build(extra);
        ConfigurationCheck.Check(config, strict, warnings ?? Console.Error);
        return config;
    }

    private static IConfigurationRoot Build(string? extra)
    {
        var b = new ConfigurationBuilder();
        var defaults = RepositoryPaths.Bundled("configs", "default.json");
        if (File.Exists(defaults)) b.AddJsonFile(defaults, optional: true);
        if (extra is not null)
        {
            if (!File.Exists(extra)) throw new InputDataException(extra, "configuration file not found");
            b.AddJsonFile(Path.GetFullPath(extra), optional: false);
        }
        b.AddEnvironmentVariables("RTDECODE_");
        try { return b.Build(); }
        catch (Exception e) when (e is InvalidDataException or FormatException or System.Text.Json.JsonException)
        {
            throw new InputDataException(extra ?? defaults, $"not valid JSON configuration: {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>
    /// The session's request from its options over its configuration. <paramref name="runOption"/>: the option whose
    /// value <c>Session:Run</c> stands in for (replay's <c>--run</c>), null where the command does not read it.
    /// </summary>
    public SessionRequest Request(ParseResult parse, string? run, string? watch, string? format, Symbol? runOption = null)
    {
        var config = LoadConfiguration(parse.GetValue(Config), parse.GetValue(StrictConfig));
        var session = Bind<SessionSettings>(config, "Session");
        var live = Bind<LiveOptions>(config, "Live");
        var dashboard = Bind<DashboardOptions>(config, "Dashboard");
        var feedback = Bind<FeedbackOptions>(config, "Feedback");
        var lsl = Bind<LslOptions>(config, "Lsl");
        var motion = Bind<MotionOptions>(config, "Motion");
        Validate(live, "Live", config);
        Validate(feedback, "Feedback", config);
        Validate(motion, "Motion", config);
        var (regressors, fdThreshold, censor) = CliOptions.MotionSettings(
            parse.GetValue(MotionRegressors) ?? motion.Regressors, parse.GetValue(FdThreshold) ?? motion.FdThresholdMm, parse.GetValue(Censor) ?? motion.Censor,
            realign: parse.GetValue(Realign) || parse.GetValue(Reference) is not null);
        CliOptions.WarnMotionWithoutRealign(parse.GetValue(FdThreshold) is not null, parse.GetValue(Censor) is not null,
            parse.GetValue(Realign) || parse.GetValue(Reference) is not null);
        if (parse.GetValue(Urls) is { } urls) dashboard.Urls = urls;
        if (parse.GetValue(NoDashboard)) dashboard.Enabled = false;
        if (dashboard.Enabled) DashboardUrls.Parse(dashboard.Urls, parse.GetValue(Urls) is null ? "Dashboard:Urls" : "--urls");
        if (parse.GetValue(NoLsl)) lsl.Enabled = false;
        Validate(dashboard, "Dashboard", config);
        if (dashboard.Redis is { } redis) Dashboard.Redis.RedisConnection.Parse(redis, ConfigurationCheck.Source(config, "Dashboard:Redis") is var src ? $"Dashboard:Redis ({src})" : "Dashboard:Redis");
        string? sessionId = parse.GetValue(Session) is { } sid ? SessionIds.Check(sid, "--session") : null;
        try { lsl.Validate(); }
        catch (ArgumentOutOfRangeException e) { throw new InputDataException(null, e.Message.Split(" (Parameter")[0]); }

        string? atlas = parse.GetValue(Atlas) ?? session.Atlas;
        string? labels = parse.GetValue(Labels) ?? session.Labels;
        string? model = parse.GetValue(Model) ?? session.Model;
        if (parse.GetValue(Record) is { } record)
        {
            // The recording may not land on what the configuration names either (Session:Model, Session:Atlas, …),
            // nor on the bundled files a session reads when neither names them.
            void Configured(Symbol? symbol, string key, string? value) =>
                CliOptions.ReadsFromConfiguration(parse, symbol, key, value, ConfigurationCheck.Source(config, key));
            if (runOption is not null) Configured(runOption, "Session:Run", session.Run);
            Configured(Atlas, "Session:Atlas", session.Atlas);
            Configured(Labels, "Session:Labels", session.Labels);
            Configured(Model, "Session:Model", session.Model);
            Configured(null, "Lsl:ApiConfig", config["Lsl:ApiConfig"]);
            if (runOption is not null && run is null && session.Run is null) CliOptions.ReadsByDefault(parse, runOption, BundledSession.DefaultRun);
            if (atlas is null) { CliOptions.ReadsByDefault(parse, Atlas, BundledSession.Atlas); if (labels is null) CliOptions.ReadsByDefault(parse, Labels, BundledSession.Labels); }
            if (model is null) CliOptions.ReadsByDefault(parse, Model, BundledSession.Model);
            CliOptions.RefuseInputs(parse, Record, record);
        }
        if (atlas is null) { atlas = BundledSession.Atlas; labels ??= BundledSession.Labels; }
        model ??= BundledSession.Model;
        return new SessionRequest
        {
            Run = run,
            Watch = watch,
            Format = format ?? live.Format,
            Tr = CliOptions.RepetitionTime(parse.GetValue(Tr)) ?? live.Tr,
            Atlas = atlas,
            Labels = labels,
            Model = model,
            Speed = parse.GetValue(Speed) ?? session.Speed,
            Record = parse.GetValue(Record),
            Realign = parse.GetValue(Realign) || parse.GetValue(Reference) is not null,
            Reference = parse.GetValue(Reference),
            MotionRegressors = regressors,
            FdThresholdMm = fdThreshold,
            Censor = censor,
            Protocol = parse.GetValue(Protocol),
            RecordRoot = session.RecordRoot,
            KeepServing = parse.GetValue(KeepServing) || session.KeepServing,
            MissingAfterTrs = live.MissingAfterTrs,
            PollIntervalMs = live.PollIntervalMs,
            MaxGapTrs = live.MaxGapTrs,
            AffineToleranceMm = live.AffineToleranceMm,
            IncludeExisting = live.IncludeExisting,
            ConfiguredRun = session.Run,
            Dashboard = dashboard,
            SessionId = sessionId,
            Feedback = feedback,
            Lsl = lsl,
            Configuration = Snapshot(config),
        };
    }

    internal static T Bind<T>(IConfiguration config, string section) where T : new()
    {
        var o = new T();
        try { config.GetSection(section).Bind(o); }
        catch (InvalidOperationException e) { throw new InputDataException(null, $"configuration section {section}: {e.Message}"); }
        return o;
    }

    /// <summary>Refuses values out of range; with <paramref name="config"/>, each error names the file or variable the value came from, as type errors do.</summary>
    internal static void Validate(object o, string section, IConfigurationRoot? config = null)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(o, new ValidationContext(o), results, validateAllProperties: true))
            throw new InputDataException(null, $"configuration section {section}: {string.Join("; ", results.Select(r =>
                config is null || r.MemberNames.FirstOrDefault() is not { } member ? r.ErrorMessage
                : $"{r.ErrorMessage} ({section}:{member} {ConfigurationCheck.Source(config, $"{section}:{member}")})"))}");
    }

    private static JsonObject Snapshot(IConfiguration config)
    {
        var o = new JsonObject();
        foreach (var kv in config.AsEnumerable(makePathsRelative: false).Where(kv => kv.Value is not null && !kv.Key.Contains("Token", StringComparison.OrdinalIgnoreCase)
            && !kv.Key.Equals("Dashboard:Redis", StringComparison.OrdinalIgnoreCase)).OrderBy(kv => kv.Key, StringComparer.Ordinal)) // a connection string may hold a password
            o[kv.Key] = kv.Value;
        return o;
    }

    /// <summary>True for the commands whose sessions end themselves on SIGINT/SIGTERM (see <see cref="RunAsync"/>).</summary>
    public static bool HandlesTermination(Command command) => command.Name is "replay" or "live";

    /// <summary>Exit code of a session whose recording could not be written completely.</summary>
    public const int RecordingIncomplete = 4;

    public static async Task<int> RunAsync(SessionRequest request, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // Ctrl-C and a service manager's SIGTERM end the session the same way: ingest stops, the
        // pipeline drains, every output completes and the recording is closed as complete.
        // With --keep-serving the dashboard outlives the session: a second signal ends the serving.
        using var serving = CancellationTokenSource.CreateLinkedTokenSource(ct);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            if (cts.IsCancellationRequested) serving.Cancel();
            else cts.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        var runner = new SessionRunner(request) { StopServing = request.KeepServing ? serving.Token : default };
        var summary = await runner.RunAsync(cts.Token).ConfigureAwait(false);
        // 4: the session ran to its end but its recording is incomplete (a file could not be written, e.g. disk full).
        if (runner.RecordingFailures.Count > 0) return RecordingIncomplete;
        return summary.VolumesRead + summary.StatusCounts[Engine.Pipeline.VolumeStatus.Missing] + summary.StatusCounts[Engine.Pipeline.VolumeStatus.Corrupt] > 0 ? 0 : 1;
    }
}

/// <summary><c>realtime-decode replay</c>: the main job, a recorded run through the real-time pipeline.</summary>
internal sealed class ReplayCommand : ICliCommand
{
    public Command Build()
    {
        var o = new SessionOptions();
        var run = CliOptions.ReadsRun(new Option<string?>("--run") { Description = "Run to replay: 4D NIfTI, folder of volumes, or BIDS (default: the bundled session's held-out run 2)" });
        var cmd = new Command("replay", "Replay a recorded run through the real-time pipeline, with dashboard, LSL and recording.") { run };
        foreach (var x in o.All) cmd.Options.Add(x);
        cmd.SetAction(async (parse, ct) =>
        {
            var request = o.Request(parse, parse.GetValue(run), null, null, run);
            string? path = request.Run ?? request.ConfiguredRun;
            request = request with { Run = path };
            if (path is null)
            {
                BundledSession.EnsureRuns(Console.Out);
                request = request with { Run = BundledSession.DefaultRun };
            }
            return await SessionOptions.RunAsync(request, ct);
        });
        return cmd;
    }
}

/// <summary><c>realtime-decode live</c>: a live session on the scanner's real-time export folder.</summary>
internal sealed class LiveCommand : ICliCommand
{
    public Command Build()
    {
        var o = new SessionOptions();
        var watch = new Option<string>("--watch") { Description = "The scanner's real-time export folder", Required = true };
        var format = new Option<string?>("--format") { Description = "auto, nifti or dicom" };
        var include = new Option<bool>("--include-existing") { Description = "Also process files already in the folder at start" };
        var missing = new Option<double?>("--missing-after") { Description = "TRs to wait for a volume after a later one arrived before it is marked missing" };
        var cmd = new Command("live", "A live session: decode volumes as the scanner exports them. Ctrl-C ends it with the recording complete.") { watch, format, include, missing };
        // The scanner sets the pace; the series' TR is given (a volume stating another one is warned about), else its first volume's.
        o.Tr.Description = "Repetition time (s) of the series (0.001 to 60; default Live:Tr, else the first volume's header, else 2); a first volume stating another TR is warned about";
        foreach (var x in o.All.Where(x => x != o.Speed)) cmd.Options.Add(x);
        cmd.SetAction(async (parse, ct) =>
        {
            var fmt = parse.GetValue(format);
            if (fmt is not null and not ("auto" or "nifti" or "dicom")) throw new InputDataException(null, $"--format '{fmt}' is not auto, nifti or dicom");
            var request = o.Request(parse, null, parse.GetValue(watch), fmt);
            if (parse.GetValue(include)) request = request with { IncludeExisting = true };
            if (CliOptions.MissingAfter(parse.GetValue(missing)) is { } m) request = request with { MissingAfterTrs = m };
            return await SessionOptions.RunAsync(request, ct);
        });
        return cmd;
    }
}
