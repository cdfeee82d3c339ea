using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Engine.Decoding;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Features;

/// <summary>Offline feature tables of a run, computed by the same <see cref="FeatureExtractor"/> as the live path.</summary>
public static class FeatureTables
{
    /// <summary>Column names of the ROI table: the atlas's label names.</summary>
    public static string[] RoiColumns(Atlas atlas) => atlas.Names.ToArray();

    /// <summary>
    /// Features of every volume of <paramref name="run"/> whose window is complete; the table's
    /// <c>volume</c> is the last volume of each window. Checks the atlas against the run first. As in the
    /// live session, a volume whose realignment failed has no connectivity row (its ROI row is NaN), and under
    /// <see cref="Motion.CensorPolicy.Withhold"/> neither has a window holding a high-motion volume.
    /// </summary>
    public static NumericTable FromRun(BoldRun run, Atlas atlas, FeatureSettings settings, IProgress<double>? progress = null,
        Motion.VolumeRealignment? realignment = null, Action<Motion.MotionEstimate>? motion = null)
    {
        atlas.EnsureMatches(run.Nx, run.Ny, run.Nz, run.Affine, run.Name);
        realignment?.CheckGrid(run.Nx, run.Ny, run.Nz, run.Affine, run.Name);
        var extractor = new FeatureExtractor(atlas, settings, realignment);
        if (settings.Kind == FeatureKind.Dfc && settings.Window.FramesToReady > run.VolumeCount)
            throw new InputDataException(run.Path, $"the run has {run.VolumeCount} volumes, fewer than the window of {settings.Window.FramesToReady}");
        var volumes = new List<int>();
        var values = new List<double>();
        int n = 0;
        foreach (var v in run.ReadVolumes())
        {
            var f = extractor.Push(v);
            if (extractor.LastMotion is { } m) motion?.Invoke(m);
            if (f is not null && extractor.LastCensor is not { Withheld: true }) { volumes.Add(v.Index); values.AddRange(f); }
            progress?.Report(++n / (double)run.VolumeCount);
        }
        var columns = settings.Kind == FeatureKind.Dfc ? EdgeLayout.Names(atlas.Names) : RoiColumns(atlas);
        return new NumericTable(columns, volumes.ToArray(), values.ToArray());
    }

    /// <summary>
    /// Features of a run from its preprocessed ROI series (rows in the order they entered the window, as a recording's
    /// roi.tsv holds them): the series itself for ROI features, else the sliding-window connectivity of its rows by a
    /// fresh <see cref="SlidingWindowCorrelation"/>, as <see cref="FeatureExtractor"/> computes it from volumes; so the
    /// same series gives the same doubles. <c>volume</c> is the last volume of each window.
    /// </summary>
    public static NumericTable FromRoiSeries(NumericTable cleanRoi, FeatureSettings settings, string name)
    {
        ArgumentNullException.ThrowIfNull(cleanRoi);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Kind == FeatureKind.Roi) return cleanRoi;
        if (settings.Window.FramesToReady > cleanRoi.RowCount)
            throw new InputDataException(name, $"has {cleanRoi.RowCount} volumes, fewer than the window of {settings.Window.FramesToReady}");
        return Connectivity(cleanRoi, settings.Window, name);
    }

    /// <summary>ROI mean table of a run (no preprocessing), as <c>realtime-decode extract</c> writes it.</summary>
    public static NumericTable RoiTable(BoldRun run, Atlas atlas, IProgress<double>? progress = null,
        Motion.VolumeRealignment? realignment = null, Action<Motion.MotionEstimate>? motion = null) =>
        FromRun(run, atlas, new FeatureSettings { Kind = FeatureKind.Roi, Realign = realignment is not null }, progress, realignment, motion);

    /// <summary>Sliding-window connectivity of an ROI table, as <c>realtime-decode connectivity</c> writes it.</summary>
    public static NumericTable Connectivity(NumericTable roi, SlidingWindowOptions options, string name)
    {
        if (roi.ColumnCount < 2) throw new InputDataException(name, $"an ROI table needs at least 2 ROI columns, found {roi.ColumnCount}");
        if (options.FramesToReady > roi.RowCount)
            throw new InputDataException(name, $"window {options.FramesToReady} is longer than the table's {roi.RowCount} rows");
        return SlidingWindowCorrelation.ComputeAll(roi, options);
    }
}
