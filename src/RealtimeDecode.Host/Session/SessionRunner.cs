using System.Globalization;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Feedback;
using RealtimeDecode.Engine.Features;
using RealtimeDecode.Engine.Ingest;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Recording;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Dashboard.Redis;
using RealtimeDecode.Host.Lsl;
using RealtimeDecode.Imaging;
using RealtimeDecode.Imaging.Dicom;
using RealtimeDecode.Imaging.Nifti;
using RealtimeDecode.Lsl;
using Serilog;

namespace RealtimeDecode.Host.Session;

/// <summary>
/// Runs a replay or live session: checks the model against the atlas and the run before the first
/// volume, composes the pipeline (one dedicated scheduler, the shared feature chain, the model) with
/// its outputs (recording, log, summary, dashboard, LSL; each isolated from the others' faults) and
/// waits until the run ends or the user stops it; the recording is complete either way.
/// </summary>
internal sealed class SessionRunner
{
    private readonly SessionRequest _request;
    private readonly TimeProvider _time;
    private readonly TextWriter _out;

    public SessionRunner(SessionRequest request, TimeProvider? time = null, TextWriter? output = null)
    {
        _request = request;
        _time = time ?? TimeProvider.System;
        _out = output ?? Console.Out;
    }

    /// <summary>Address of the dashboard once started (null without one).</summary>
    public string? DashboardUrl { get; private set; }

    /// <summary>The recording folder of the (last) run.</summary>
    public string? RecordingDirectory { get; private set; }

    /// <summary>Recording files that could not be written completely (empty when the recording is whole); set when <see cref="RunAsync"/> returns.</summary>
    public IReadOnlyList<(string File, string Problem)> RecordingFailures { get; private set; } = [];

    /// <summary>With <see cref="SessionRequest.KeepServing"/>: ends the serving that follows a session ended by the stop token
    /// (a second Ctrl-C). None (the default): a session ended by the stop does not keep serving.</summary>
    public CancellationToken StopServing { get; init; }

    /// <summary>Raised once the dashboard listens, with its URL (tests use it to attach a browser).</summary>
    public event Action<string>? DashboardStarted;

    public async Task<SessionSummary> RunAsync(CancellationToken ct)
    {
        var r = _request;
        var setup = Prepare();
        RecordingDirectory = setup.Recording;

        // The dashboard binds before the recording folder exists: an address in use or not of this machine
        // ends the session with nothing made.
        string sessionId = r.SessionId ?? SessionIds.Default(_time.GetLocalNow());
        // Published to Redis when it is configured, with or without a dashboard here: a headless scanner console feeds the serve hosts.
        var redis = await RedisLink.ConnectAsync(r.Dashboard, _out).ConfigureAwait(false);
        long seqBefore;
        try { seqBefore = redis is null ? 0 : await RedisLink.ClaimAsync(redis, sessionId, _time, _out).ConfigureAwait(false); }
        catch
        {
            await redis!.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        DashboardServer? server;
        try { server = r.Dashboard.Enabled ? await StartDashboardAsync(r.Dashboard, r.Feedback, _time, redis, sessionId, ct).ConfigureAwait(false) : null; }
        catch
        {
            if (redis is not null) await redis.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        Serilog.Core.Logger logger;
        try { logger = CreateLogger(setup.Recording); }
        catch
        {
            if (server is not null) await server.DisposeAsync().ConfigureAwait(false);
            if (redis is not null) await redis.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        // The session's start, taken once: the origin of the recording's timings, and on the wall clock (whole ms, as
        // listed) the start that /api/sessions, the Redis listing, every dashboard status and session.json all carry.
        long start = _time.GetTimestamp();
        var startedUtc = DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());
        // The source runs on a thread of its own: the watcher's state is touched only there (it also takes its file
        // system events there), and a replay's arrivals are timed there.
        using var sourceScheduler = new DedicatedThreadScheduler(setup.Run is null ? "realtime-decode watcher" : "realtime-decode replay");
        SessionSource source;
        try
        {
            AnnounceDashboard(server, redis, sessionId, startedUtc);
            source = Source(setup, sourceScheduler, logger, ct);
            _out.WriteLine($"recording: {setup.Recording}");
            // A live session given no TR composes its outputs at the TR its first volume states: until then the watch
            // runs and what it takes is held.
            if (source.FirstFile is { } first) (setup, source) = await TrFromFirstVolumeAsync(setup, source, first, ct).ConfigureAwait(false);
        }
        catch
        {
            logger.Dispose();
            if (server is not null) await server.DisposeAsync().ConfigureAwait(false);
            if (redis is not null) await redis.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        LogSession(logger, setup);

        var outputs = new SessionOutputs(r, setup, sessionId, start, startedUtc, _time, logger);
        try
        {
            AddOutputs(outputs, server, redis, sessionId, seqBefore, logger);
            return await RunPipelineAsync(setup, outputs, server, source, logger, ct).ConfigureAwait(false);
        }
        finally
        {
            if (source.Arrivals is HeldArrivals held) held.Dispose();
            var failures = await outputs.CloseRecording();
            try { logger.Dispose(); }
            catch (Exception e) when (AtomicFile.IsWriteFailure(e))
            {
                // The log file's last lines could not be written (disk full): part of the recording is incomplete.
                failures.Add((Path.Combine(setup.Recording, RecordingLayout.LogFile), e.Message));
            }
            RecordingFailures = failures;
            if (RecordingFailures.Count > 0) _out.WriteLine($"recording incomplete: {string.Join("; ", RecordingFailures.Select(f => $"{f.File}: {f.Problem}"))}");
            if (outputs.Publisher is { } publisher) await RedisLink.FlushAsync(publisher, redis!, sessionId, _out, logger);
            if (server is not null) await server.DisposeAsync();
            if (redis is not null) await redis.DisposeAsync();
        }
    }

    /// <summary>
    /// Set-up: loads and checks everything a session needs before it makes anything. The model must agree with
    /// the atlas, the realignment options, the run (grid, length, TR) and the protocol; a bad reference volume,
    /// export folder or speed stops the session here.
    /// </summary>
    private SessionSetup Prepare()
    {
        var r = _request;
        var atlas = Commands.CliOptions.WithRegions(Atlas.Load(r.Atlas, r.Labels));
        if (!File.Exists(r.Model) && !Directory.Exists(r.Model)) throw new InputDataException(r.Model, "model package not found");
        var package = ModelPackage.Load(r.Model);
        var settings = package.Features.Settings;
        package.Validate(new FeatureSpec(settings, atlas.LabelCount, atlas.Sha256)); // atlas and model must agree before any volume
        if (package.UncheckedAtlasWarning(r.Model, r.Atlas) is { } atlasWarning) _out.WriteLine($"warning: {atlasWarning}");
        var requested = settings with
        {
            Realign = r.Realign,
            Preprocessing = settings.Preprocessing with { MotionRegressors = r.MotionRegressors },
            FdThresholdMm = r.FdThresholdMm,
            Censor = r.Censor,
        };
        if (requested.MotionMismatch(settings) is { } mismatch) throw new InputDataException(r.Model, mismatch);
        var realignOptions = new Engine.Motion.RealignOptions();
        // read the reference now, so that a bad one stops the session before the first volume
        var realignment = r.Realign ? Commands.RealignCommand.LoadRealignment(r.Reference, realignOptions) : null;
        Func<Engine.Motion.VolumeRealignment?> newRealignment = () =>
            realignment is null ? null
            : realignment.HasFixedReference ? Commands.RealignCommand.LoadRealignment(r.Reference, realignOptions)
            : new Engine.Motion.VolumeRealignment(realignOptions);

        BoldRun? run = null;
        double tr;
        if (r.Run is not null)
        {
            run = BoldRun.Open(r.Run, r.Tr);
            atlas.EnsureMatches(run.Nx, run.Ny, run.Nz, run.Affine, run.Name);
            realignment?.CheckGrid(run.Nx, run.Ny, run.Nz, run.Affine, run.Name);
            if (run.VolumeCount < settings.Span)
                throw new InputDataException(r.Run, $"{run.VolumeCount} volumes, fewer than the model's window of {settings.Span}: no estimate could be made");
            tr = run.RepetitionTimeSeconds > 0 ? run.RepetitionTimeSeconds
                : throw new InputDataException(r.Run, "the run does not say its TR: give --tr");
            if (run.RepetitionTime.Conflict is { } conflict) _out.WriteLine($"warning: {conflict}");
        }
        else
        {
            if (r.Watch is null) throw new InputDataException(null, "--watch is required");
            if (File.Exists(r.Watch))
                throw new InputDataException(r.Watch, $"is a file, not an export folder; --watch takes the folder the scanner writes into ({Path.GetDirectoryName(Path.GetFullPath(r.Watch))})");
            // At a scanner the decoder is often started before the scanner makes the folder: the watch waits for it
            // (and says so), provided the folder it would be made in exists.
            if (!Directory.Exists(r.Watch) && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(r.Watch))))
                throw new InputDataException(r.Watch, "export folder not found, nor the folder it would be made in");
            tr = r.Tr ?? DefaultLiveTr;
        }
        bool trFromFirstVolume = run is null && r.Tr is null;
        if (!ReplaySpeed.TryParse(r.Speed, out var speed)) throw new InputDataException(null, $"--speed '{r.Speed}' is not a positive factor or max");

        // The protocol is checked against the model and the run before the first volume.
        var protocol = r.Protocol is null ? null : ProtocolFile.Read(r.Protocol);
        protocol?.CheckTargets(package.Targets, r.Model);
        if (run is not null) protocol?.CheckRun(tr, run.VolumeCount);
        if (!trFromFirstVolume) WriteTimingNotes(protocol, tr, settings.Span, run?.VolumeCount);
        // The participant display's defaults name targets of this model.
        if (r.Dashboard.Enabled) r.Feedback.CheckTargets(package.Targets);

        string modelHash = ModelHash(r.Model);
        var context = new SessionContext(
            run?.Name ?? r.Watch!, Path.GetFileName(Path.TrimEndingDirectorySeparator(r.Model)), modelHash, Path.GetFileName(r.Atlas),
            package.Targets, tr, settings.Span, atlas.Names, Networks(atlas), run?.VolumeCount, package.Model.Estimator is LinearRegressor ? package.Model : null, package.Lag);

        string recording = r.Record ?? Path.Combine(r.RecordRoot,
            _time.GetLocalNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Sanitize(context.Run));
        // Refused before anything is made: the recording is a folder, and a file there would otherwise surface as an IOException.
        if (File.Exists(recording)) throw new InputDataException(recording, "--record is an existing file; give a folder");
        Commands.CliOptions.EnsureWritableFolder("--record", Path.GetFullPath(recording), create: false);
        return new SessionSetup(atlas, package, settings, newRealignment, run, tr, speed, protocol, modelHash, context, recording, trFromFirstVolume);
    }

    /// <summary>A live session's TR when neither the user nor its first volume says (s).</summary>
    internal const double DefaultLiveTr = 2.0;

    /// <summary>The protocol's notes on its timing at <paramref name="tr"/> (a replayed run's length known, a live one's not), one warning line each.</summary>
    private void WriteTimingNotes(FeedbackProtocol? protocol, double tr, int span, int? volumes)
    {
        if (protocol is null) return;
        foreach (var note in protocol.TimingNotes(tr, span, volumes)) _out.WriteLine($"warning: protocol {_request.Protocol}: {note}");
    }

    /// <summary>
    /// A live session given no TR: waits for the first readable volume the watch takes (or the stop) and takes the TR its header
    /// states by the rule a replay's run follows (<see cref="RepetitionTimes.Choose"/>), said in one line; a header that
    /// states none leaves the default, said too. The watch's arrivals are held meanwhile, for the pipeline to take.
    /// </summary>
    private async Task<(SessionSetup, SessionSource)> TrFromFirstVolumeAsync(SessionSetup setup, SessionSource source,
        Task<RepetitionTimeChoice> first, CancellationToken ct)
    {
        var held = new HeldArrivals(source.Arrivals);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (ct.Register(() => stopped.TrySetResult()))
            await Task.WhenAny(first, stopped.Task).ConfigureAwait(false);
        double tr = setup.Tr;
        if (first.IsCompletedSuccessfully)
        {
            var choice = first.Result;
            if (choice.Seconds is { } stated)
            {
                tr = stated;
                _out.WriteLine($"TR {RepetitionTimes.Format(tr)} s, from the header of {choice.StatedBy} (no --tr given)");
            }
            else _out.WriteLine($"{choice.StatedBy} states no TR: the session runs at {RepetitionTimes.Format(tr)} s; give --tr (or Live:Tr) if that is wrong");
        }
        WriteTimingNotes(setup.Protocol, tr, setup.Settings.Span, null);
        return (setup.WithTr(tr), source with { Arrivals = held });
    }

    /// <summary>Creates the recording folder and the session log: information and above to the console, everything to session.log.</summary>
    private static Serilog.Core.Logger CreateLogger(string recording)
    {
        Directory.CreateDirectory(recording);
        return new LoggerConfiguration()
            .MinimumLevel.Debug()
            .WriteTo.Console(restrictedToMinimumLevel: Serilog.Events.LogEventLevel.Information, standardErrorFromLevel: Serilog.Events.LogEventLevel.Warning)
            .WriteTo.File(Path.Combine(recording, RecordingLayout.LogFile), restrictedToMinimumLevel: Serilog.Events.LogEventLevel.Debug)
            .CreateLogger();
    }

    private static void LogSession(Serilog.ILogger logger, SessionSetup s)
    {
        var package = s.Package;
        logger.Information("Session: {Run}, model {Model} ({Kind}, {Targets} targets, {Features}), atlas {Atlas} ({Rois} ROIs), TR {Tr} s",
            s.Context.Run, s.Context.ModelName, EstimatorKinds.ToName(package.Model.Kind), package.Targets.Count, s.Settings.ToString(), s.Context.Atlas, s.Atlas.LabelCount, s.Tr);
        logger.Information("Numerics: {Provider}", MathNet.Numerics.Control.Describe().Replace(Environment.NewLine, "; "));
        if (s.Context.Lag is { } lag)
            logger.Information("Each estimate {Lag} ({Source})", lag.Describe(), lag.Source);
        else if (s.Context.LagWarning is { } notKnown)
            logger.Warning("{LagNotKnown}", notKnown);
        else
            logger.Information("The model package carries no estimate lag: evaluate --store-lag measures how old the estimates are");
    }

    /// <summary>
    /// Says where the dashboard is (and the session id), as soon as it listens: a live session given no TR composes its
    /// outputs only at its first volume, and the page can be opened before.
    /// </summary>
    private void AnnounceDashboard(DashboardServer? server, RedisConnection? redis, string sessionId, DateTimeOffset startedUtc)
    {
        if (server is not null)
        {
            DashboardUrl = server.Addresses.FirstOrDefault() is { } listen ? DashboardUrls.Reachable(listen) : null;
            string token = server.AccessToken is { } tok ? $"?token={tok}" : "";
            _out.WriteLine($"dashboard: {DashboardUrl}/{token}  (participant display: {DashboardUrl}/feedback{token})");
            if (server.AccessToken is not null) _out.WriteLine($"access token for other machines: {server.AccessToken}");
            _out.WriteLine($"session: {sessionId}");
            // Listed with the session on this host's /api/sessions, as Redis lists it for the other hosts.
            server.Sessions.OwnStartedUnixMs = startedUtc.ToUnixTimeMilliseconds();
            server.Sessions.OwnHost = DashboardUrl;
        }
        else if (redis is not null) _out.WriteLine($"session: {sessionId} (no dashboard here; published to Redis for the serve hosts)");
    }

    /// <summary>
    /// Outputs: the recording and local outputs, then the dashboard (shared through Redis when configured) and LSL when
    /// enabled.
    /// </summary>
    /// <param name="seqBefore">The last sequence number of an earlier session of the same id in Redis, taken over: this one's numbers follow it.</param>
    private void AddOutputs(SessionOutputs outputs, DashboardServer? server, RedisConnection? redis, string sessionId, long seqBefore, Serilog.ILogger logger)
    {
        var r = _request;
        outputs.AddRecording(server);
        if (server is not null)
        {
            server.Broadcaster.ContinueAfter(seqBefore);
            outputs.AddDashboard(server.Broadcaster, server, r.Dashboard, r.Feedback, r.FdThresholdMm);
            if (redis is not null) outputs.Publisher = new RedisSessionPublisher(server.Broadcaster, redis, r.Dashboard, DashboardUrl, _time, logger, outputs.StartedUnixMs);
            DashboardStarted?.Invoke(DashboardUrl!);
        }
        else if (redis is not null)
        {
            // --no-dashboard: no page here, the session's events still go to Redis for the serve hosts.
            var headless = new DashboardBroadcaster(null, r.Dashboard) { SessionId = sessionId };
            headless.ContinueAfter(seqBefore);
            outputs.AddDashboard(headless, null, r.Dashboard, r.Feedback, r.FdThresholdMm);
            outputs.Publisher = new RedisSessionPublisher(headless, redis, r.Dashboard, null, _time, logger, outputs.StartedUnixMs);
        }
        if (r.Lsl.Enabled) outputs.AddLsl(r.Lsl, _out);
    }

    /// <summary>
    /// Runs the pipeline from the source to the outputs until the source ends or the user stops the session,
    /// then reports the summary. A pipeline failure is thrown once the recording is complete up to it.
    /// </summary>
    private async Task<SessionSummary> RunPipelineAsync(SessionSetup setup, SessionOutputs outputs, DashboardServer? server, SessionSource source,
        Serilog.ILogger logger, CancellationToken ct)
    {
        var r = _request;
        var (atlas, settings, package) = (setup.Atlas, setup.Settings, setup.Package);
        using var scheduler = RealtimePipeline.CreateLiveScheduler();
        var pipeline = new RealtimePipeline(new PipelineOptions(TimeSpan.FromSeconds(setup.Tr)) { AffineToleranceMm = r.AffineToleranceMm, CollectWhenIdle = true },
            () => Stages(atlas, settings, package, r.Format, setup.NewRealignment), scheduler, _time, logger);
        var fanout = new SinkFanout(outputs.Sinks, logger, outputs.HandOffs.Record);
        var (arrivals, watcher, _) = source;
        // Stop (Ctrl-C). Live: the watcher stops taking files, releases every volume that arrived (a
        // volume waiting behind a gap is decoded, the gap recorded missing) and completes, which ends the
        // pipeline's input; if it has not within a few seconds, the source is dropped as for a replay.
        // Replay: unsubscribe from the source, then end the pipeline's input. Either way every frame in
        // flight is still recorded; the schedulers are disposed only after that.
        var input = Subject.Synchronize(new Subject<VolumeArrival>());
        using (pipeline.Process(input).Subscribe(fanout))
        using (var subscription = new SingleAssignmentDisposable())
        {
            void Abandon() { subscription.Dispose(); input.OnCompleted(); }
            using var stopping = ct.Register(() =>
            {
                if (watcher is null) Abandon();
                else _ = Task.Delay(StopFlushTimeout, _time).ContinueWith(_ => Abandon(), TaskScheduler.Default);
            });
            subscription.Disposable = arrivals.Subscribe(input);
            await fanout.Completion.ConfigureAwait(false);
        }
        await outputs.Summary.Summary.ConfigureAwait(false);
        // now that every sink is done, so each estimate's first hand-off is known
        var result = outputs.Summary.Compute();
        foreach (var s in fanout.Statistics.Where(s => s.Dropped > 0 || s.Failures > 0))
            logger.Warning("Output {Sink}: {Dropped} frames dropped, {Failures} failures", s.Name, s.Dropped, s.Failures);
        _out.WriteLine(result.ToString());
        logger.Information("Session ended: {Summary}", result.ToString().ReplaceLineEndings("; "));
        // A replay stopped part-way is a complete recording of fewer volumes than the run: say so beside the counts.
        if (ct.IsCancellationRequested && setup.Run is { } replayed && result.Volumes < replayed.VolumeCount)
        {
            _out.WriteLine($"stopped before the run's end: {result.Volumes} of its {replayed.VolumeCount} volumes replayed");
            logger.Information("Stopped before the run's end: {Volumes} of {RunVolumes} volumes replayed", result.Volumes, replayed.VolumeCount);
        }
        // the recording is complete up to the failure; the session still ends as failed (exit 3, one line)
        if (fanout.Error is { } failure)
            throw new PipelineFailedException($"the pipeline failed: {failure.GetType().Name}: {failure.Message.ReplaceLineEndings(" ")}", failure);
        // A run that ended itself (a replay's last volume) serves until the stop; a session ended by the stop (live
        // always ends so) serves until a second one, when the caller gives a token for it.
        if (r.KeepServing && server is not null && (!ct.IsCancellationRequested || StopServing.CanBeCanceled))
        {
            bool stopped = ct.IsCancellationRequested;
            _out.WriteLine(stopped ? "session ended, recording complete; still serving the dashboard (Ctrl-C again to stop)"
                : "run complete; still serving the dashboard (Ctrl-C to stop)");
            try { await Task.Delay(Timeout.InfiniteTimeSpan, _time, stopped ? StopServing : ct); } catch (OperationCanceledException) { }
        }
        return result;
    }

    /// <summary>The arrivals of a session, its watcher when live (so a stop can let it flush), and, for a live session
    /// given no TR, the TR its first volume states, once the watch has taken it.</summary>
    private sealed record SessionSource(IObservable<VolumeArrival> Arrivals, ExportFolderWatcher? Watcher, Task<RepetitionTimeChoice>? FirstFile);

    /// <summary>
    /// Source: a replay of the run at the requested speed, or the export folder watcher of a live session. Announces it
    /// on the console.
    /// </summary>
    private SessionSource Source(SessionSetup setup, IScheduler scheduler, Serilog.ILogger logger, CancellationToken ct)
    {
        var r = _request;
        double tr = setup.Tr;
        if (setup.Run is { } run)
        {
            var volumes = run.VolumeReaders(VoxelBufferPool.Shared);
            // A replay is one run: its series is the BIDS run number when the run has one.
            var arrivals = new RunReplayer(volumes, TimeSpan.FromSeconds(tr), setup.Speed, scheduler, _time, i => run.Files[Math.Min(i, run.Files.Count - 1)])
            {
                Series = ExportFileNames.BidsRunNumber(run.Name) ?? 0,
            }.Arrivals();
            _out.WriteLine($"replaying {run.Name}: {run.VolumeCount} volumes, TR {tr.ToString(CultureInfo.InvariantCulture)} s, speed {setup.Speed}");
            return new SessionSource(arrivals, null, null);
        }
        // Without a TR, the first readable volume's header gives it (the watch's missing-volume timeout follows it too).
        var first = setup.TrFromFirstVolume ? new TaskCompletionSource<RepetitionTimeChoice>(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        var watcher = new ExportFolderWatcher(new ExportWatcherOptions
        {
            Folder = r.Watch!,
            RepetitionTime = TimeSpan.FromSeconds(tr),
            MissingAfterTrs = r.MissingAfterTrs,
            MaxGapTrs = r.MaxGapTrs > 0 ? r.MaxGapTrs : throw new InputDataException(null, $"Live:MaxGapTrs must be at least 1, got {r.MaxGapTrs}"),
            PollInterval = TimeSpan.FromMilliseconds(r.PollIntervalMs),
            IncludeExisting = r.IncludeExisting,
            Completeness = ExportFileCompleteness.Check,
            // series and index once, at ingest: by name, or for DICOM files named otherwise by their header
            KeyFromFile = r.Format == "nifti" ? ExportFileNames.Parse : ExportVolumeKeys.FromNameOrHeader,
            RepetitionTimeFromFirstFile = first is null ? null : path =>
            {
                var choice = StatedRepetitionTime(path, r.Format);
                first.TrySetResult(choice);
                return choice.Seconds;
            },
        }, scheduler, _time, logger);
        var live = watcher.ArrivalsUntil(ct);
        _out.WriteLine(first is null ? $"watching {r.Watch} for volumes (TR {tr.ToString(CultureInfo.InvariantCulture)} s); Ctrl-C ends the session"
            : $"watching {r.Watch} for volumes (no --tr: the TR comes from the first volume's header); Ctrl-C ends the session");
        return new SessionSource(live, watcher, first?.Task);
    }

    /// <summary>
    /// The TR a live session given none takes from a volume file, by <see cref="RepetitionTimes.Choose"/>: what its header
    /// states (NIfTI pixdim[4] of a 4D file or with time units, DICOM RepetitionTime); none when it states none. A file
    /// that cannot be read throws (<see cref="InputDataException"/>, <see cref="IOException"/>): the watch then asks the
    /// next volume it takes, and the read stage reports the file itself.
    /// </summary>
    internal static RepetitionTimeChoice StatedRepetitionTime(string path, string format)
    {
        var source = VolumeFormat.Resolve(path, format) == VolumeFileFormat.Dicom ? RepetitionTimeSource.DicomHeader : RepetitionTimeSource.NiftiHeader;
        return RepetitionTimes.Choose(null, ReadFile(path, format).RepetitionTimeSeconds, source, path);
    }

    /// <summary>
    /// The stages of one run: the shared feature chain and the model. The pipeline asks for them at the first
    /// volume of each run (a new series in the export folder), so no window or detrend spans two runs, and, with
    /// realignment, each run has its own reference (its first volume) unless a reference file was given. Volumes
    /// read from files rent their voxels from <paramref name="voxels"/> (default <see cref="VoxelBufferPool.Shared"/>),
    /// and the roi stage gives back every volume's voxels that came from that pool.
    /// </summary>
    internal static PipelineStages Stages(Atlas atlas, FeatureSettings settings, ModelPackage package, string format,
        Func<Engine.Motion.VolumeRealignment?>? newRealignment = null, VoxelBufferPool? voxels = null)
    {
        var extractor = new FeatureExtractor(atlas, settings, newRealignment?.Invoke());
        var model = package.Model.Clone();
        int targets = package.Targets.Count;
        var pool = voxels ?? VoxelBufferPool.Shared;
        return new PipelineStages(
            PipelineStages.ReadFromProviderOrFile(path => ReadFile(path, format, pool)),
            volume =>
            {
                // The roi stage is the voxels' last user (the run's geometry check keeps only the grid and
                // affine): the buffer goes back to the pool, which takes back only what it handed out.
                try { return extractor.RealignedRoi(volume); }
                finally { pool.Return(volume.Data); }
            },
            extractor.Clean,
            extractor.Features,
            features =>
            {
                var output = new double[targets];
                model.Predict(features, output);
                return output;
            },
            Motion: settings.Realign ? () => extractor.LastMotion : null,
            Censor: settings.Realign ? () => extractor.LastCensor : null);
    }

    /// <summary>
    /// Reads one exported volume: NIfTI or DICOM as told, or by its name (<see cref="VolumeFormat"/>). With
    /// <paramref name="voxels"/>, a NIfTI volume's voxels are rented from that pool (the file's bytes always
    /// come from and go back to the shared byte pool).
    /// </summary>
    internal static Volume ReadFile(string path, string format, VoxelBufferPool? voxels = null)
    {
        if (VolumeFormat.Resolve(path, format) == VolumeFileFormat.Dicom) return DicomReader.ReadVolume(path);
        using var reader = NiftiReader.Open(path);
        // A 4D file among a run's 3D volumes is not one TR: never decode its first volume as if it were.
        if (reader.VolumeCount > 1) throw new InputDataException(path, $"a 4D file ({reader.VolumeCount} volumes) among 3D volumes");
        return voxels is null ? reader.ReadVolume(0) : reader.ReadVolume(0, voxels);
    }

    /// <summary>Starts the dashboard; an address that cannot be bound is the user's error, named with the configured URLs.</summary>
    internal static async Task<DashboardServer> StartDashboardAsync(DashboardOptions options, FeedbackOptions feedback, TimeProvider time,
        RedisConnection? redis, string? sessionId, CancellationToken ct)
    {
        var server = DashboardServer.Create(options, feedback, time: time, redis: redis, sessionId: sessionId);
        try
        {
            await server.StartAsync(ct).ConfigureAwait(false);
            return server;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException or UnauthorizedAccessException)
        {
            await server.DisposeAsync().ConfigureAwait(false);
            var why = (e.InnerException is System.Net.Sockets.SocketException se ? se.Message : e.Message).Split('\n')[0].TrimEnd('.');
            throw new InputDataException(null, $"dashboard address {options.Urls} cannot be used ({why}): change Dashboard:Urls or --urls");
        }
    }

    /// <summary>How long a live stop waits for the watcher to flush before dropping it.</summary>
    private static readonly TimeSpan StopFlushTimeout = TimeSpan.FromSeconds(5);

    private static IReadOnlyList<string>? Networks(Atlas atlas) =>
        atlas.Networks is { } n && n.All(x => x is not null) ? n.Select(x => x!).ToArray() : null;

    internal static string ModelHash(string path)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        IEnumerable<string> files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path).Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".npy", StringComparison.Ordinal)).OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
            : new[] { path };
        foreach (var f in files)
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(f)));
            sha.AppendData(File.ReadAllBytes(f));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static string Sanitize(string s) => new(s.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
}
