using RealtimeDecode.Imaging;
using Serilog;

namespace RealtimeDecode.Engine.Pipeline;

/// <summary>
/// Per-subscription state of the pipeline: the stages of the run being processed and its next expected index.
/// Turns one arrival into its frames (usually one; gap slots and extra-file reports are frames too), each
/// stamped with the arrival's series. The run boundary is the series: the first arrival of a new series
/// (one that takes a TR slot) gets fresh stages from the factory, so no window, detrend or realignment
/// reference spans two runs, and counts its volumes from 0 again. Not thread-safe: the pipeline calls it
/// from its one scheduler.
/// </summary>
internal sealed class FrameProcessor
{
    private readonly Func<PipelineStages> _newStages;
    private PipelineStages? _stages;
    private readonly PipelineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly long _frequency;
    private readonly RunGeometry _geometry;
    private int _next;
    private int? _series;
    private bool _trChecked;

    public FrameProcessor(Func<PipelineStages> newStages, PipelineOptions options, TimeProvider time, ILogger log)
    {
        _newStages = newStages;
        _options = options;
        _time = time;
        _log = log;
        _frequency = time.TimestampFrequency;
        _geometry = new RunGeometry(options.AffineToleranceMm);
    }

    // The first decoded volume of a run that states another TR than the session's: its onsets, the missing-volume timeout
    // and the LSL rate would all follow the session's TR, so the user hears of it at once.
    private void CheckRepetitionTime(Volume volume, VolumeArrival arrival)
    {
        double stated = volume.RepetitionTimeSeconds, tr = _options.RepetitionTime.TotalSeconds;
        if (stated > 0 && RepetitionTimes.Differ(tr, stated))
            _log.Warning("Volume {Index} ({File}) states TR {Stated:0.###} s but the session runs at TR {Tr:0.###} s, which its onsets, missing-volume timeout and LSL rate follow; if the file is right, restart with --tr set to it (or Live:Tr), or without --tr to take it from the first volume",
                arrival.Index, arrival.FileLabel, stated, tr);
    }

    public IEnumerable<PipelineFrame> Process(VolumeArrival arrival)
    {
        var frames = new List<PipelineFrame>(1);
        if (!arrival.Status.OccupiesSlot())
        {
            // Before the series check: an extra file (a stray from another series above all) never starts a run.
            frames.Add(Skipped(arrival, arrival.Status, arrival.Status switch
            {
                VolumeStatus.Late => "arrived after it had been declared missing",
                VolumeStatus.Stray => "does not fit the run (index far beyond the next expected one, or a series that has ended)",
                _ => "another file for this volume was already seen",
            }, warn: arrival.Status != VolumeStatus.Stray)); // the watcher already said why, in one line
            return frames;
        }
        if (_stages is null || _series != arrival.Series)
        {
            // A new series is a new run: fresh stages, and its volumes count from 0 again.
            if (_stages is not null) _log.Information("Series {Series} starts a new run after series {Previous}", arrival.Series, _series);
            _series = arrival.Series;
            _stages = _newStages();
            _next = 0;
            _geometry.Reset();
            _trChecked = false;
        }
        var stages = _stages;

        if (arrival.Index < _next)
        {
            // A slot that is already settled: the source did not order its output. Never reprocess.
            frames.Add(Skipped(arrival, arrival.Index == _next - 1 ? VolumeStatus.Duplicate : VolumeStatus.Late,
                "volume index already passed"));
            return frames;
        }

        if (_options.FillGaps)
        {
            for (int i = _next; i < arrival.Index; i++)
            {
                stages.Skip?.Invoke(i);
                frames.Add(Skipped(arrival with { Index = i, Path = null, Status = VolumeStatus.Missing }, VolumeStatus.Missing,
                    "not received before a later volume"));
            }
        }
        _next = arrival.Index + 1;

        if (arrival.Status != VolumeStatus.Ok)
        {
            stages.Skip?.Invoke(arrival.Index);
            // Files there at start were announced in one line by the watch (a real export folder holds thousands): one
            // debug line each, not a warning each.
            frames.Add(Skipped(arrival, arrival.Status, arrival.Status switch
            {
                VolumeStatus.Missing => "not received in time",
                VolumeStatus.SkippedExisting => "already in the export folder when the watch started",
                _ => "reported " + arrival.Status.ToFileValue() + " by the source",
            }, warn: arrival.Status != VolumeStatus.SkippedExisting));
            return frames;
        }

        try
        {
            var volume = stages.Read(arrival);
            long read = _time.GetTimestamp();
            if (_geometry.Check(volume) is { } rejected)
            {
                // Never averaged in: a changed grid or position would put other anatomy under the atlas.
                stages.Skip?.Invoke(arrival.Index);
                frames.Add(Skipped(arrival, rejected.Status, rejected.Reason));
                return frames;
            }
            var roi = stages.Clean(stages.Roi(volume));
            _geometry.Accept(volume);
            if (!_trChecked)
            {
                _trChecked = true;
                CheckRepetitionTime(volume, arrival);
            }
            var motion = stages.Motion?.Invoke();
            var censor = stages.Censor?.Invoke();
            if (motion is { IsValid: false })
                _log.Warning("Volume {Index}: realignment {RealignStatus}; the volume is left out of the window", arrival.Index, Motion.RealignStatusNames.Name(motion.Status));
            else if (censor is { HighMotion: true })
                _log.Warning("Volume {Index}: high motion, framewise displacement {Fd:0.00} mm", arrival.Index, motion?.FramewiseDisplacement);
            var edges = stages.Connectivity(roi);
            var estimates = edges is null ? null : stages.Decode(edges);
            bool notFinite = estimates is not null && !estimates.All(double.IsFinite);
            if (notFinite)
            {
                _log.Warning("Volume {Index}: the model produced a non-finite estimate; none is published", arrival.Index);
                estimates = null;
            }

            long decoded = _time.GetTimestamp();
            var timing = new FrameTiming(arrival.DetectedTimestamp, read, decoded, _frequency);
            double onset = Onset(arrival.Index);
            var frame = new EstimateFrame(arrival.Index, onset, arrival.Path, timing,
                new RoiFrame(arrival.Index, onset, roi, timing),
                edges is null ? null : new ConnectivityFrame(arrival.Index, onset, edges, timing),
                estimates)
            {
                Series = arrival.Series,
                NotFinite = notFinite,
                Motion = motion,
                // only an estimate is censored or withheld; a warm-up or failed volume has none, but its
                // window may already hold a high-motion volume
                Censored = estimates is not null && censor is { Censored: true },
                HighMotionVolume = censor?.HighMotionVolume,
                Withheld = estimates is not null && censor is { Withheld: true },
            };
            if (_log.IsEnabled(Serilog.Events.LogEventLevel.Debug))
                _log.Debug("Volume {Index} {State} in {DecodedMs} ms", arrival.Index, frame.State, timing.MillisecondsSince(arrival.DetectedTimestamp, decoded));
            frames.Add(frame);
        }
        catch (Exception e) when (e is InputDataException or IOException)
        {
            // Bad data never stops a session: the slot becomes a skipped frame and the run goes on.
            stages.Skip?.Invoke(arrival.Index);
            frames.Add(Skipped(arrival, VolumeStatus.Corrupt, e.Message));
        }
        return frames;
    }

    private SkippedFrame Skipped(VolumeArrival arrival, VolumeStatus status, string reason, bool warn = true)
    {
        var timing = new FrameTiming(arrival.DetectedTimestamp, null, null, _frequency);
        _log.Write(warn ? Serilog.Events.LogEventLevel.Warning : Serilog.Events.LogEventLevel.Debug,"Volume {Index} {Status} ({File}): {Reason}", arrival.Index, status.ToFileValue(), arrival.FileLabel, reason);
        // an extra file is reported in the run being processed, whatever series its name or header says
        int series = status.OccupiesSlot() ? arrival.Series : _series ?? arrival.Series;
        return new SkippedFrame(arrival.Index, Onset(arrival.Index), status, arrival.Path, reason, timing) { Series = series };
    }

    private double Onset(int index) => index * _options.RepetitionTime.TotalSeconds;
}
