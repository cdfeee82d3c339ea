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
    /// Pairs <paramref name="features"/> rows with <paramref name="targets"/> by
    /// <see cref="TargetPairing"/>, the rule training uses: with <see cref="TargetAlignment.Window"/>,
    /// the mean of the targets over the <paramref name="span"/> volumes a row summarises
    /// (v − span + 1 … v); with <see cref="TargetAlignment.Last"/>, the row's own volume. A duplicate
    /// volume, a missing or NaN target and a non-finite feature are refused, naming the file and row.
    /// </summary>
    /// <exception cref="InputDataException">Wrong feature count, a model target missing from the targets table, a refusal of the pairing rule, or fewer than 3 rows.</exception>
    public static ExplainData Match(NumericTable features, string featuresName, NumericTable targets, string targetsName, int featureCount, IReadOnlyList<string> targetNames,
        int span = 1, TargetAlignment alignment = TargetAlignment.Window)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.ColumnCount != featureCount)
            throw new InputDataException(featuresName, $"{features.ColumnCount} feature columns but the model expects {featureCount}");
        var paired = TargetPairing.Pair(features, featuresName, targets, targetsName, targetNames, span, alignment);
        if (paired.Rows < 3)
            throw new InputDataException(featuresName, $"only {paired.Rows} feature rows; at least 3 are needed");
        return new ExplainData(paired.X, paired.Y, paired.Rows, paired.Volumes)
        {
            Pairing = alignment == TargetAlignment.Window && span > 1
                ? $"the targets averaged over the {span} volumes of each feature row's window, as in training"
                : "the targets of each feature row's volume, as in training",
        };
    }
}
