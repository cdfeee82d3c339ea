using System.Numerics.Tensors;

namespace RealtimeDecode.Engine.Decoding;

/// <summary>
/// A multi-target kernel expansion y_t = Σ_i c[t,i] k(x, s_i) + b_t over one shared set of rows s_i
/// (kernel ridge: all training rows, b = 0; SVR: the union of every target's support vectors, with a
/// zero coefficient where a row is not a support vector of that target). Each kernel value is computed
/// once per prediction and shared by all targets.
/// </summary>
/// <remarks>
/// Rows are stored as float32 or float64 (<see cref="RowsAreFloat32"/>). With float32 rows the feature
/// vector is rounded to float32 and inner products accumulate in float32 (SIMD lanes); kernel values
/// then carry a relative error of about 1e-6, far below the fitting tolerance of an SVR. With float64 rows
/// everything is float64. rbf uses ‖x‖² + ‖s‖² − 2⟨x,s⟩ with ‖s‖² precomputed (clipped at 0).
/// The instance owns scratch buffers: <see cref="Predict"/> allocates nothing and is NOT thread-safe.
/// </remarks>
public sealed class KernelExpansionRegressor : IRegressor
{
    private readonly float[]? _rows32;
    private readonly double[]? _rows64;
    private readonly double[] _coef;
    private readonly double[] _b;
    private readonly double[] _rowSq;
    private readonly double[] _k;
    private readonly float[]? _x32;
    private readonly float[]? _diff32;
    private readonly double[]? _diff64;

    /// <summary>Creates the expansion from float64 rows (row-major [rows × features]).</summary>
    public KernelExpansionRegressor(IReadOnlyList<string> targets, int featureCount, KernelFunction kernel, double[] rows, double[] coefficients, double[] intercept)
        : this(targets, featureCount, kernel, null, rows, coefficients, intercept)
    {
    }

    /// <summary>Creates the expansion from float32 rows (row-major [rows × features]).</summary>
    public KernelExpansionRegressor(IReadOnlyList<string> targets, int featureCount, KernelFunction kernel, float[] rows, double[] coefficients, double[] intercept)
        : this(targets, featureCount, kernel, rows, null, coefficients, intercept)
    {
    }

    private KernelExpansionRegressor(IReadOnlyList<string> targets, int featureCount, KernelFunction kernel, float[]? rows32, double[]? rows64, double[] coefficients, double[] intercept)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        long len = rows32?.LongLength ?? rows64!.LongLength;
        if (len % featureCount != 0)
        {
            throw new ArgumentException($"rows have {len} values, not a multiple of {featureCount} features", nameof(featureCount));
        }

        int n = (int)(len / featureCount);
        if (coefficients.LongLength != (long)targets.Count * n)
        {
            throw new ArgumentException($"coefficients have {coefficients.Length} values, expected {targets.Count} targets × {n} rows", nameof(coefficients));
        }

        if (intercept.Length != targets.Count)
        {
            throw new ArgumentException($"intercept has {intercept.Length} values, expected {targets.Count}", nameof(intercept));
        }

        Targets = targets;
        FeatureCount = featureCount;
        Kernel = kernel;
        RowCount = n;
        _rows32 = rows32;
        _rows64 = rows64;
        _coef = coefficients;
        _b = intercept;
        _k = new double[n];
        _rowSq = new double[n];
        for (int i = 0; i < n; i++)
        {
            _rowSq[i] = rows32 is not null
                ? TensorPrimitives.Dot(new ReadOnlySpan<float>(rows32, i * featureCount, featureCount), new ReadOnlySpan<float>(rows32, i * featureCount, featureCount))
                : TensorPrimitives.Dot(new ReadOnlySpan<double>(rows64, i * featureCount, featureCount), new ReadOnlySpan<double>(rows64, i * featureCount, featureCount));
        }

        if (rows32 is not null)
        {
            _x32 = new float[featureCount];
            if (kernel.Kind == KernelKind.Laplacian)
            {
                _diff32 = new float[featureCount];
            }
        }
        else if (kernel.Kind == KernelKind.Laplacian)
        {
            _diff64 = new double[featureCount];
        }
    }

    /// <inheritdoc/>
    public int FeatureCount { get; }

    /// <inheritdoc/>
    public int TargetCount => Targets.Count;

    /// <inheritdoc/>
    public IReadOnlyList<string> Targets { get; }

    /// <summary>The kernel.</summary>
    public KernelFunction Kernel { get; }

    /// <summary>Number of expansion rows (training rows or union of support vectors).</summary>
    public int RowCount { get; }

    /// <summary>True when rows are stored as float32.</summary>
    public bool RowsAreFloat32 => _rows32 is not null;

    /// <summary>Rows as float32 (null when stored as float64). Shared, do not modify.</summary>
    public float[]? Rows32 => _rows32;

    /// <summary>Rows as float64 (null when stored as float32). Shared, do not modify.</summary>
    public double[]? Rows64 => _rows64;

    /// <summary>Coefficients, row-major [targets × rows]. Shared, do not modify.</summary>
    public double[] Coefficients => _coef;

    /// <summary>Intercept per target. Shared, do not modify.</summary>
    public double[] Intercept => _b;

    /// <summary>A new instance sharing the fitted arrays, with its own scratch buffers (for another thread).</summary>
    public KernelExpansionRegressor Clone() => new(Targets, FeatureCount, Kernel, _rows32, _rows64, _coef, _b);

    /// <inheritdoc/>
    public void Predict(ReadOnlySpan<double> features, Span<double> output)
    {
        int p = FeatureCount;
        if (features.Length != p)
        {
            throw new ArgumentException($"expected {p} features, got {features.Length}", nameof(features));
        }

        var k = _k.AsSpan();
        if (_rows32 is not null)
        {
            var x = _x32.AsSpan();
            TensorPrimitives.ConvertTruncating<double, float>(features, x);
            double xx = TensorPrimitives.Dot<float>(x, x);
            for (int i = 0; i < k.Length; i++)
            {
                var s = new ReadOnlySpan<float>(_rows32, i * p, p);
                if (Kernel.Kind == KernelKind.Laplacian)
                {
                    TensorPrimitives.Subtract(x, s, _diff32);
                    k[i] = Math.Exp(-Kernel.Gamma * TensorPrimitives.SumOfMagnitudes<float>(_diff32));
                }
                else
                {
                    k[i] = Kernel.FromDot(TensorPrimitives.Dot(x, s), xx, _rowSq[i]);
                }
            }
        }
        else
        {
            double xx = TensorPrimitives.Dot(features, features);
            for (int i = 0; i < k.Length; i++)
            {
                var s = new ReadOnlySpan<double>(_rows64, i * p, p);
                if (Kernel.Kind == KernelKind.Laplacian)
                {
                    TensorPrimitives.Subtract(features, s, _diff64);
                    k[i] = Math.Exp(-Kernel.Gamma * TensorPrimitives.SumOfMagnitudes<double>(_diff64));
                }
                else
                {
                    k[i] = Kernel.FromDot(TensorPrimitives.Dot(features, s), xx, _rowSq[i]);
                }
            }
        }

        int n = RowCount;
        for (int t = 0; t < _b.Length; t++)
        {
            output[t] = TensorPrimitives.Dot(new ReadOnlySpan<double>(_coef, t * n, n), k) + _b[t];
        }
    }
}
