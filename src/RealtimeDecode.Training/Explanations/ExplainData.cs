using RealtimeDecode.Engine.Tables;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Datasets;

namespace RealtimeDecode.Training.Explanations;

/// <summary>
/// Data for data-dependent explanations: the rows of a features table and a targets table that share
/// a <c>volume</c>, in the features table's order, with the targets' columns in the model's order.
/// </summary>
/// <param name="X">Features, row-major [Rows × features].</param>
/// <param name="Y">Targets, row-major [Rows × targets], model order.</param>
/// <param name="Rows">Number of matched rows.</param>
/// <param name="Volumes">The matched volumes.</param>
public sealed record ExplainData(double[] X, double[] Y, int Rows, int[] Volumes)
{
    /// <summary>How the targets were paired with the feature rows, in words, or null.</summary>
    public string? Pairing { get; init; }

    /// <summary>
    /// Pairs <paramref name="features"/> rows with <paramref name="targets"/> by volume as training
    /// did: with <see cref="TargetAlignment.Window"/>, the mean of the targets over the
    /// <paramref name="span"/> volumes a row summarises (v − span + 1 … v); with
    /// <see cref="TargetAlignment.Last"/>, the row's own volume. Rows with a missing (NaN) feature or a
    /// target volume absent or NaN are dropped.
    /// </summary>
    /// <exception cref="InputDataException">Wrong feature count, a model target missing from the targets table, or fewer than 3 matched rows.</exception>
    public static ExplainData Match(NumericTable features, string featuresName, NumericTable targets, string targetsName, int featureCount, IReadOnlyList<string> targetNames,
        int span = 1, TargetAlignment alignment = TargetAlignment.Window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(span, 1);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(targetNames);
        if (features.ColumnCount != featureCount)
            throw new InputDataException(featuresName, $"{features.ColumnCount} feature columns but the model expects {featureCount}");
        var targetColumns = new int[targetNames.Count];
        for (int t = 0; t < targetNames.Count; t++)
        {
            targetColumns[t] = targets.IndexOf(targetNames[t]);
            if (targetColumns[t] < 0)
                throw new InputDataException(targetsName, $"no column '{targetNames[t]}' (the model's targets are {string.Join(", ", targetNames)})");
        }

        var rowOfVolume = new Dictionary<int, int>();
        for (int i = 0; i < targets.RowCount; i++) rowOfVolume.TryAdd(targets.Volumes[i], i);
        var x = new List<double>();
        var y = new List<double>();
        var volumes = new List<int>();
        var yRow = new double[targetNames.Count];
        for (int i = 0; i < features.RowCount; i++)
        {
            int last = features.Volumes[i], first = alignment == TargetAlignment.Window ? last - span + 1 : last;
            var f = features.Row(i);
            bool finite = true;
            Array.Clear(yRow);
            for (int v = first; v <= last && finite; v++)
            {
                if (!rowOfVolume.TryGetValue(v, out int ti)) { finite = false; break; }
                var tr = targets.Row(ti);
                for (int t = 0; t < yRow.Length; t++)
                {
                    double value = tr[targetColumns[t]];
                    finite &= double.IsFinite(value);
                    yRow[t] += value / (last - first + 1);
                }
            }

            if (!finite) continue;

            foreach (double v in f) finite &= double.IsFinite(v);
            if (!finite) continue;
            x.AddRange(f.ToArray());
            y.AddRange(yRow);
            volumes.Add(features.Volumes[i]);
        }

        if (volumes.Count < 3)
            throw new InputDataException(targetsName, $"only {volumes.Count} volumes with complete values are in both {featuresName} and this table; at least 3 are needed");
        return new ExplainData(x.ToArray(), y.ToArray(), volumes.Count, volumes.ToArray())
        {
            Pairing = alignment == TargetAlignment.Window && span > 1
                ? $"the targets averaged over the {span} volumes of each feature row's window, as in training"
                : "the targets of each feature row's volume, as in training",
        };
    }
}
