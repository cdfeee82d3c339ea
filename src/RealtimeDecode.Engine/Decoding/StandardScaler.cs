using System.Numerics.Tensors;

namespace RealtimeDecode.Engine.Decoding;

/// <summary>
/// scikit-learn's StandardScaler transform: z = (x − mean) / scale. <see cref="Scale"/> is the standard
/// deviation with the N normaliser, with 0 replaced by 1 (a constant feature maps to x − mean).
/// NaN propagates.
/// </summary>
public sealed class StandardScaler
{
    /// <summary>Creates a scaler from per-feature mean and scale (same length, scale non-zero).</summary>
    public StandardScaler(double[] mean, double[] scale)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(scale);
        if (mean.Length != scale.Length)
        {
            throw new ArgumentException($"mean has {mean.Length} values but scale has {scale.Length}", nameof(scale));
        }

        Mean = mean;
        Scale = scale;
    }

    /// <summary>Per-feature mean subtracted first.</summary>
    public double[] Mean { get; }

    /// <summary>Per-feature divisor (population standard deviation, 0 replaced by 1).</summary>
    public double[] Scale { get; }

    /// <summary>Number of features.</summary>
    public int FeatureCount => Mean.Length;

    /// <summary>Fits mean and population standard deviation of the rows of a row-major matrix (rows = samples).</summary>
    public static StandardScaler Fit(ReadOnlySpan<double> x, int rows, int cols)
    {
        var mean = new double[cols];
        var m2 = new double[cols];
        for (int i = 0; i < rows; i++)
        {
            TensorPrimitives.Add(mean, x.Slice(i * cols, cols), mean);
        }

        TensorPrimitives.Divide(mean, rows, mean);
        var d = new double[cols];
        for (int i = 0; i < rows; i++)
        {
            TensorPrimitives.Subtract(x.Slice(i * cols, cols), mean, d);
            TensorPrimitives.FusedMultiplyAdd(d, d, m2, m2);
        }

        var scale = new double[cols];
        for (int j = 0; j < cols; j++)
        {
            // scikit-learn's _is_constant_feature: var ≤ n·eps·var + (n·mean·eps)² counts as constant.
            double var = m2[j] / rows;
            const double eps = 2.220446049250313e-16;
            double bound = (rows * eps * var) + Math.Pow(rows * mean[j] * eps, 2);
            scale[j] = var <= bound ? 1.0 : Math.Sqrt(var);
        }

        return new StandardScaler(mean, scale);
    }

    /// <summary>Writes (x − mean) / scale into <paramref name="destination"/> (allocates nothing).</summary>
    public void Transform(ReadOnlySpan<double> x, Span<double> destination)
    {
        TensorPrimitives.Subtract(x, Mean, destination);
        TensorPrimitives.Divide(destination, Scale, destination);
    }
}
