using System.Globalization;
using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Training.Datasets;

/// <summary>
/// The one rule that pairs the rows of a features table with the rows of a targets table by
/// <c>volume</c>; <c>train</c>, <c>evaluate</c> and <c>explain</c> all pair through it, so an
/// explanation "paired as in training" uses exactly the targets training used.
/// <list type="bullet">
/// <item>A feature row whose last volume is v takes the mean of the targets of volumes
/// v − span + 1 … v (<see cref="TargetAlignment.Window"/>) or of v alone (<see cref="TargetAlignment.Last"/>).</item>
/// <item>A volume listed twice in either table is refused: which of the two rows is meant is unknowable.</item>
/// <item>A volume a feature row needs that is absent from the targets table, or a target value of it
/// that is missing (n/a, NaN), is refused; rows no feature row needs may hold n/a.</item>
/// <item>A feature value that is not finite is refused.</item>
/// </list>
/// Every refusal is an <see cref="InputDataException"/> naming the file, the row (1-based, after the
/// header) and the volume. Nothing is dropped silently.
/// </summary>
internal static class TargetPairing
{
    /// <summary>Pairs every row of <paramref name="features"/> with its targets.</summary>
    /// <param name="features">Feature rows, one per window (or volume), <c>volume</c> = the last volume.</param>
    /// <param name="featuresSource">The features file, for messages.</param>
    /// <param name="targets">The targets table.</param>
    /// <param name="targetsSource">The targets file, for messages.</param>
    /// <param name="targetNames">The target columns to take, in this order (the model's order).</param>
    /// <param name="span">Volumes a feature row summarises: the window for DFC, 1 for ROI amplitudes.</param>
    /// <param name="alignment">Which of those volumes' targets a row takes.</param>
    /// <exception cref="InputDataException">A refusal of the rule above, or a target column missing.</exception>
    public static PairedRows Pair(NumericTable features, string featuresSource, NumericTable targets, string targetsSource,
        IReadOnlyList<string> targetNames, int span, TargetAlignment alignment)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(targetNames);
        ArgumentOutOfRangeException.ThrowIfLessThan(span, 1);
        var columns = new int[targetNames.Count];
        for (int t = 0; t < columns.Length; t++)
        {
            columns[t] = targets.IndexOf(targetNames[t]);
            if (columns[t] < 0)
                throw new InputDataException(targetsSource, $"no column '{targetNames[t]}' (the targets needed are {string.Join(", ", targetNames)})");
        }

        RowOfVolume(features, featuresSource);
        var targetRow = RowOfVolume(targets, targetsSource);
        int p = features.ColumnCount, k = columns.Length, rows = features.RowCount;
        var x = new double[(long)rows * p];
        var y = new double[(long)rows * k];
        var volumes = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            int last = features.Volumes[i];
            var f = features.Row(i);
            for (int c = 0; c < p; c++)
                if (!double.IsFinite(f[c]))
                    throw new InputDataException(featuresSource, $"row {i + 1} (volume {last}), column '{features.Columns[c]}': a feature that is not a number");
            f.CopyTo(x.AsSpan(i * p, p));
            volumes[i] = last;

            int first = alignment == TargetAlignment.Window ? last - span + 1 : last;
            var yr = y.AsSpan(i * k, k);
            for (int v = first; v <= last; v++)
            {
                if (!targetRow.TryGetValue(v, out int ti))
                {
                    int maxTarget = targets.RowCount == 0 ? -1 : targets.Volumes.Max();
                    throw new InputDataException(targetsSource,
                        $"no row for volume {v}, which the feature row of volume {last} ({featuresSource} row {i + 1}) needs (targets go to volume {maxTarget}): targets shorter than features?");
                }
                var tr = targets.Row(ti);
                for (int t = 0; t < k; t++)
                {
                    double value = tr[columns[t]];
                    if (!double.IsFinite(value))
                        throw new InputDataException(targetsSource,
                            $"row {ti + 1} (volume {v}), column '{targetNames[t]}': no target value ({value.ToString(CultureInfo.InvariantCulture)}), but the feature row of volume {last} needs it");
                    yr[t] += value;
                }
            }
            int count = last - first + 1;
            for (int t = 0; t < k; t++) yr[t] /= count;
        }
        return new PairedRows(x, y, volumes, p, k);
    }

    // The row of each volume; a volume listed twice is refused.
    private static Dictionary<int, int> RowOfVolume(NumericTable table, string source)
    {
        var rowOf = new Dictionary<int, int>(table.RowCount);
        for (int i = 0; i < table.RowCount; i++)
        {
            if (!rowOf.TryAdd(table.Volumes[i], i))
                throw new InputDataException(source, $"row {i + 1}: volume {table.Volumes[i]} is listed twice (also row {rowOf[table.Volumes[i]] + 1})");
        }
        return rowOf;
    }
}

/// <summary>Feature rows paired with their targets by <see cref="TargetPairing.Pair"/>.</summary>
/// <param name="X">Features, row-major [Rows × FeatureCount].</param>
/// <param name="Y">Targets, row-major [Rows × TargetCount], in the requested order.</param>
/// <param name="Volumes">The last volume of each row.</param>
/// <param name="FeatureCount">Columns of X.</param>
/// <param name="TargetCount">Columns of Y.</param>
internal sealed record PairedRows(double[] X, double[] Y, int[] Volumes, int FeatureCount, int TargetCount)
{
    /// <summary>Number of paired rows.</summary>
    public int Rows => Volumes.Length;
}
