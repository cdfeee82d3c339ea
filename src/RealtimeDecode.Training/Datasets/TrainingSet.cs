using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Fitting;

namespace RealtimeDecode.Training.Datasets;

/// <summary>How a feature row is paired with the targets.</summary>
public enum TargetAlignment
{
    /// <summary>
    /// The mean of the targets over the volumes the feature row summarises: for a DFC window ending
    /// at volume v, volumes v − W + 1 … v (what a window of connectivity can carry); for ROI
    /// amplitudes, volume v itself.
    /// </summary>
    Window,

    /// <summary>The targets of the feature row's last volume only.</summary>
    Last,
}

/// <summary>One run's features and targets, as read from tables or computed from its volumes.</summary>
public sealed record RunData(string Name, NumericTable Features, NumericTable Targets, string FeaturesSource, string TargetsSource);

/// <summary>
/// Feature rows of one or more runs paired with their targets, ready for fitting: X (samples ×
/// features), Y (samples × targets) and, per sample, its run and last volume for leakage-free splits.
/// </summary>
public sealed class TrainingSet
{
    private TrainingSet(RowMajorMatrix x, RowMajorMatrix y, SampleWindow[] samples, IReadOnlyList<string> features, IReadOnlyList<string> targets, IReadOnlyList<string> runs)
    {
        X = x; Y = y; Samples = samples; FeatureNames = features; Targets = targets; Runs = runs;
    }

    public RowMajorMatrix X { get; }
    public RowMajorMatrix Y { get; }
    public IReadOnlyList<SampleWindow> Samples { get; }
    public IReadOnlyList<string> FeatureNames { get; }
    public IReadOnlyList<string> Targets { get; }
    public IReadOnlyList<string> Runs { get; }

    /// <summary>
    /// Pairs every feature row with its targets. <paramref name="span"/> is the number of volumes a
    /// feature row summarises (the window for DFC, 1 for ROI). Every run must have the same feature
    /// columns and the same target columns; a feature row whose target volumes are missing or not
    /// finite is an error naming the targets file.
    /// </summary>
    public static TrainingSet Build(IReadOnlyList<RunData> runs, int span, TargetAlignment alignment)
    {
        ArgumentOutOfRangeException.ThrowIfZero(runs.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(span, 1);
        var features = runs[0].Features.Columns;
        var targets = runs[0].Targets.Columns;
        if (targets.Count == 0) throw new InputDataException(runs[0].TargetsSource, "no target columns");
        int rows = runs.Sum(r => r.Features.RowCount);
        var x = new RowMajorMatrix(rows, features.Count);
        var y = new RowMajorMatrix(rows, targets.Count);
        var samples = new SampleWindow[rows];
        int row = 0;
        for (int ri = 0; ri < runs.Count; ri++)
        {
            var run = runs[ri];
            if (!run.Features.Columns.SequenceEqual(features))
                throw new InputDataException(run.FeaturesSource, $"its {run.Features.ColumnCount} feature columns differ from those of {runs[0].FeaturesSource} ({features.Count})");
            if (!run.Targets.Columns.SequenceEqual(targets))
                throw new InputDataException(run.TargetsSource, $"target columns ({string.Join(", ", run.Targets.Columns)}) differ from those of {runs[0].TargetsSource} ({string.Join(", ", targets)})");
            var byVolume = new Dictionary<int, int>();
            for (int i = 0; i < run.Targets.RowCount; i++) byVolume[run.Targets.Volumes[i]] = i;
            int maxTarget = run.Targets.RowCount == 0 ? -1 : run.Targets.Volumes.Max();
            for (int i = 0; i < run.Features.RowCount; i++, row++)
            {
                int v = run.Features.Volumes[i];
                run.Features.Row(i).CopyTo(x.Row(row));
                samples[row] = new SampleWindow(ri, v);
                int from = alignment == TargetAlignment.Window ? v - span + 1 : v;
                var yr = y.Row(row);
                yr.Clear();
                for (int u = from; u <= v; u++)
                {
                    if (!byVolume.TryGetValue(u, out int ti))
                        throw new InputDataException(run.TargetsSource, $"no targets for volume {u} (features go to volume {run.Features.Volumes[^1]}, targets to {maxTarget}): targets shorter than features?");
                    var t = run.Targets.Row(ti);
                    for (int k = 0; k < t.Length; k++)
                    {
                        if (!double.IsFinite(t[k])) throw new InputDataException(run.TargetsSource, $"target '{targets[k]}' of volume {u} is not a number");
                        yr[k] += t[k];
                    }
                }
                int count = v - from + 1;
                for (int k = 0; k < yr.Length; k++) yr[k] /= count;
                foreach (var f in x.Row(row))
                    if (!double.IsFinite(f)) throw new InputDataException(run.FeaturesSource, $"a feature of volume {v} is not a number");
            }
        }
        return new TrainingSet(x, y, samples, features, targets, runs.Select(r => r.Name).ToArray());
    }
}
