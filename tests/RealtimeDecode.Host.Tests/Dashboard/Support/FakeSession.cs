using System.Text.Json.Nodes;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Host.Session;

namespace RealtimeDecode.Host.Tests.Dashboard.Support;

/// <summary>
/// A synthetic session for dashboard tests: ROIs in interleaved networks (so ordering by network
/// matters), smooth estimates per target, a structured connectivity matrix per window and a linear
/// model on the edges. Frames are built on demand (a 400-ROI window has 79,800 edges).
/// </summary>
internal sealed class FakeSession
{
    private readonly TimeProvider _time;

    public FakeSession(int rois = 400, int targets = 8, int networks = 8, int window = 10, int volumes = 200,
        bool edgeWeights = true, TimeProvider? time = null, int[]? missing = null, double? lagSeconds = null, string? watch = null)
    {
        _time = time ?? TimeProvider.System;
        Rois = rois;
        Missing = missing ?? [];
        string[] netNames = ["Visual", "SomMot", "DorsAttn", "SalVentAttn", "Limbic", "Cont", "Default", "TempPar", "Sub", "Cereb"];
        var nets = Enumerable.Range(0, rois).Select(i => netNames[i % networks % netNames.Length]).ToArray();
        int edges = rois * (rois - 1) / 2;
        var targetNames = Enumerable.Range(0, targets).Select(t => $"target{t}").ToArray();
        DecodingModel? model = null;
        if (edgeWeights)
        {
            var rng = new Random(7);
            var weights = new double[targets * edges];
            for (int i = 0; i < weights.Length; i++) weights[i] = (rng.NextDouble() - 0.5) * 1e-3;
            model = new DecodingModel(EstimatorKind.Ridge, new JsonObject(), null, new LinearRegressor(targetNames, edges, weights, new double[targets]));
        }
        // A replay of a run of known length, or (watch) a live session on that export folder, whose length is not known.
        Context = new SessionContext(watch ?? "sub-01_task-movie_run-1", "emotion-ridge", new string('a', 64), "Schaefer400.nii.gz",
            targetNames, 2.0, window,
            Enumerable.Range(0, rois).Select(i => $"{nets[i]}_{i}").ToArray(), nets, watch is null ? volumes : null, model,
            lagSeconds is { } lag ? new EstimateLag(lag, 0.8, lag - 1.5, lag + 1.5, targetNames, targetNames.Select(_ => lag).ToArray(), targetNames.Select(_ => 1.0).ToArray(), "fake") : null);
    }

    public SessionContext Context { get; }
    public int Rois { get; }
    public int[] Missing { get; }

    /// <summary>The expected estimate of <paramref name="target"/> at <paramref name="volume"/>.</summary>
    public static double Estimate(int volume, int target) => 0.5 + 0.4 * Math.Sin(volume * 0.15 + target * 0.7);

    /// <summary>The frame of <paramref name="volume"/>: skipped when listed as missing, warming up before the window is full.</summary>
    public PipelineFrame Frame(int volume)
    {
        long now = _time.GetTimestamp();
        var timing = new FrameTiming(now - _time.TimestampFrequency / 100, now - _time.TimestampFrequency / 200, now, _time.TimestampFrequency);
        double onset = volume * Context.Tr;
        if (Missing.Contains(volume))
            return new SkippedFrame(volume, onset, VolumeStatus.Missing, null, "not seen in time", timing);
        var roi = new double[Rois];
        for (int i = 0; i < Rois; i++) roi[i] = Math.Sin(volume * 0.2 + i * 0.05) + 0.1 * Math.Cos(i * 1.3 + volume);
        bool warming = volume < Context.Window - 1;
        ConnectivityFrame? conn = null;
        double[]? est = null;
        if (!warming)
        {
            var edges = new double[Rois * (Rois - 1) / 2];
            double phase = volume * 0.1;
            int k = 0;
            for (int i = 0; i < Rois; i++)
                for (int j = i + 1; j < Rois; j++, k++)
                    edges[k] = (i % 8 == j % 8 ? 0.6 : -0.15) + 0.3 * Math.Sin(phase + ((i % 8) + (j % 8)) * 0.5);
            conn = new ConnectivityFrame(volume, onset, edges, timing);
            est = Enumerable.Range(0, Context.Targets.Count).Select(t => Estimate(volume, t)).ToArray();
        }
        return new EstimateFrame(volume, onset, null, timing, new RoiFrame(volume, onset, roi, timing), conn, est);
    }
}
