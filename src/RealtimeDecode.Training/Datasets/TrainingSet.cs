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
    /// Pairs every feature row with its targets by <see cref="TargetPairing"/> (duplicate volumes,
    /// missing or NaN targets and non-finite features are refused, naming the file and row).
    /// <paramref name="span"/> is the number of volumes a feature row summarises (the window for DFC, 1
    /// for ROI). Every run must have the same feature columns and the same target columns.
    /// </summary>
    public static TrainingSet Build(IReadOnlyList<RunData> runs, int span, TargetAlignment alignment)
    {
        ArgumentOutOfRangeException.ThrowIfZero(runs.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(span, 1);
        var features = runs[0].Features.Columns;
        var targets = runs[0].Targets.Columns;
        if (targets.Count == 0) throw new InputDataException(runs[0].TargetsSource, "no target columns");
        var paired = new PairedRows[runs.Count];
        for (int ri = 0; ri < runs.Count; ri++)
        {
            var run = runs[ri];
            if (!run.Features.Columns.SequenceEqual(features))
                throw new InputDataException(run.FeaturesSource, $"its {run.Features.ColumnCount} feature columns differ from those of {runs[0].FeaturesSource} ({features.Count})");
            if (!run.Targets.Columns.SequenceEqual(targets))
                throw new InputDataException(run.TargetsSource, $"target columns ({string.Join(", ", run.Targets.Columns)}) differ from those of {runs[0].TargetsSource} ({string.Join(", ", targets)})");
            paired[ri] = TargetPairing.Pair(run.Features, run.FeaturesSource, run.Targets, run.TargetsSource, targets, span, alignment);
        }

        int rows = paired.Sum(p => p.Rows);
        var x = new RowMajorMatrix(rows, features.Count);
        var y = new RowMajorMatrix(rows, targets.Count);
        var samples = new SampleWindow[rows];
        int row = 0;
        for (int ri = 0; ri < runs.Count; ri++)
        {
            var p = paired[ri];
            p.X.CopyTo(x.Data, (long)row * features.Count);
            p.Y.CopyTo(y.Data, (long)row * targets.Count);
            for (int i = 0; i < p.Rows; i++) samples[row + i] = new SampleWindow(ri, p.Volumes[i]);
            row += p.Rows;
        }
        return new TrainingSet(x, y, samples, features, targets, runs.Select(r => r.Name).ToArray());
    }
}
