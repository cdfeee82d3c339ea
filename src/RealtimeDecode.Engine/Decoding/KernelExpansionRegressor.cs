using System.Numerics.Tensors;

namespace RealtimeDecode.Engine.Decoding;

/// <summary>In-memory precision of the rows of a <see cref="KernelExpansionRegressor"/>.</summary>
public enum RowPrecision
{
    /// <summary>IEEE double: kernel values agree with scikit-learn to ~1e-13.</summary>
    Float64,

    /// <summary>IEEE single: half the memory traffic; kernel values to ~1e-6 relative.</summary>
    Float32,

    /// <summary>
    /// IEEE half (memory only; packages store float32): half the memory of float32. Each element carries a
    /// relative rounding error ≤ 4.9e-4, but for standardised features the errors average over the thousands
    /// of features of a DFC vector, so rbf kernel values stay within ~1e-5 relative. Widening to float32
    /// costs compute, so on the machines measured it is slower than float32: choose it to save memory, not
    /// time. Values beyond ±65504 overflow, so use it only for standardised features.
    /// </summary>
    Float16,
}

/// <summary>
/// A multi-target kernel expansion y_t = Σ_i c[t,i] k(x, s_i) + b_t over one shared set of rows s_i
/// (kernel ridge: all training rows, b = 0; SVR: the union of every target's support vectors, with a
/// zero coefficient where a row is not a support vector of that target). Each kernel value is computed
/// once per prediction and shared by all targets.
/// </summary>
/// <remarks>
/// Rows are stored in float64, float32 or float16 (<see cref="Precision"/>). With float32/float16 rows the
/// feature vector is rounded to float32 and inner products accumulate in float32 SIMD lanes (per chunk of
/// 4,096 features, chunks summed in float64). rbf uses ‖x‖² + ‖s‖² − 2⟨x,s⟩ with ‖s‖² precomputed
/// (clipped at 0); laplacian uses Σ|x − s|. The instance owns scratch buffers: <see cref="Predict"/>
/// allocates nothing and is NOT thread-safe (use <see cref="Clone"/> per thread); it can itself use several
/// threads (<see cref="Parallelism"/>).
/// </remarks>
public sealed class KernelExpansionRegressor : IRegressor
{
    private const int Chunk = 4096;
    private readonly float[]? _rows32;
    private readonly double[]? _rows64;
    private readonly Half[]? _rows16;
    private readonly double[] _coef;
    private readonly double[] _b;
    private readonly double[] _rowSq;
    private readonly double[] _k;
    private readonly float[] _x32;
    private readonly double[] _x64;
    private double _xx;
    private Part[] _parts;

    /// <summary>Creates the expansion from float64 rows (row-major [rows × features]).</summary>
    public KernelExpansionRegressor(IReadOnlyList<string> targets, int featureCount, KernelFunction kernel, double[] rows, double[] coefficients, double[] intercept)
        : this(targets, featureCount, kernel, null, rows, null, coefficients, intercept, null)
    {
    }

    /// <summary>Creates the expansion from float32 rows (row-major [rows × features]).</summary>
    public KernelExpansionRegressor(IReadOnlyList<string> targets, int featureCount, KernelFunction kernel, float[] rows, double[] coefficients, double[] intercept)
        : this(targets, featureCount, kernel, rows, null, null, coefficients, intercept, null)
    {
    }

    /// <summary>Creates the expansion from float16 rows (row-major [rows × features]).</summary>
    public KernelExpansionRegressor(IReadOnlyList<string> targets, int featureCount, KernelFunction kernel, Half[] rows, double[] coefficients, double[] intercept)
        : this(targets, featureCount, kernel, null, null, rows, coefficients, intercept, null)
    {
    }

    private KernelExpansionRegressor(IReadOnlyList<string> targets, int featureCount, KernelFunction kernel, float[]? rows32, double[]? rows64, Half[]? rows16,
        double[] coefficients, double[] intercept, double[]? rowSq)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        long len = rows32?.LongLength ?? rows64?.LongLength ?? rows16!.LongLength;
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
        _rows16 = rows16;
        _coef = coefficients;
        _b = intercept;
        _k = new double[n];
        _x32 = rows64 is null ? new float[featureCount] : [];
        _x64 = rows64 is not null ? new double[featureCount] : [];

        if (rowSq is null)
        {
            rowSq = new double[n];
            var buf = rows16 is null ? null : new float[featureCount];
            for (int i = 0; i < n; i++)
            {
                if (rows64 is not null)
                {
                    var r = new ReadOnlySpan<double>(rows64, i * featureCount, featureCount);
                    rowSq[i] = TensorPrimitives.Dot(r, r);
                }
                else
                {
                    ReadOnlySpan<float> r = rows32 is not null ? new ReadOnlySpan<float>(rows32, i * featureCount, featureCount) : Widen(rows16!, i, featureCount, buf!);
                    rowSq[i] = DotChunked(r, r);
                }
            }
        }

        _rowSq = rowSq;
        _parts = [new Part(this, 0, n)];
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

    /// <summary>In-memory precision of the rows.</summary>
    public RowPrecision Precision => _rows64 is not null ? RowPrecision.Float64 : _rows32 is not null ? RowPrecision.Float32 : RowPrecision.Float16;

    /// <summary>True when rows are stored as float32.</summary>
    public bool RowsAreFloat32 => _rows32 is not null;

    /// <summary>Rows as float32 (null unless <see cref="Precision"/> is Float32). Shared, do not modify.</summary>
    public float[]? Rows32 => _rows32;

    /// <summary>Rows as float64 (null unless <see cref="Precision"/> is Float64). Shared, do not modify.</summary>
    public double[]? Rows64 => _rows64;

    /// <summary>Rows as float16 (null unless <see cref="Precision"/> is Float16). Shared, do not modify.</summary>
    public Half[]? Rows16 => _rows16;

    /// <summary>Coefficients, row-major [targets × rows]. Shared, do not modify.</summary>
    public double[] Coefficients => _coef;

    /// <summary>Intercept per target. Shared, do not modify.</summary>
    public double[] Intercept => _b;

    /// <summary>A new instance sharing the fitted arrays, with its own scratch buffers (for another thread).</summary>
    public KernelExpansionRegressor Clone() => new(Targets, FeatureCount, Kernel, _rows32, _rows64, _rows16, _coef, _b, _rowSq) { Parallelism = Parallelism };

    /// <summary>The rows as float32 (a copy unless already float32), e.g. to write a package.</summary>
    public float[] RowsAsFloat32()
    {
        if (_rows32 is not null)
        {
            return _rows32;
        }

        var f = new float[(long)RowCount * FeatureCount];
        if (_rows16 is not null)
        {
            TensorPrimitives.ConvertToSingle(_rows16, f);
        }
        else
        {
            TensorPrimitives.ConvertTruncating<double, float>(_rows64, f);
        }

        return f;
    }

    /// <summary>The same model with rows converted to <paramref name="precision"/> (arrays shared when unchanged).</summary>
    public KernelExpansionRegressor WithPrecision(RowPrecision precision)
    {
        if (precision == Precision)
        {
            return Clone();
        }

        switch (precision)
        {
            case RowPrecision.Float32:
                return new KernelExpansionRegressor(Targets, FeatureCount, Kernel, RowsAsFloat32(), _coef, _b);
            case RowPrecision.Float16:
                {
                    var h = new Half[(long)RowCount * FeatureCount];
                    if (_rows32 is not null)
                    {
                        TensorPrimitives.ConvertToHalf(_rows32, h);
                    }
                    else
                    {
                        TensorPrimitives.ConvertToHalf(RowsAsFloat32(), h);
                    }

                    return new KernelExpansionRegressor(Targets, FeatureCount, Kernel, h, _coef, _b);
                }

            default:
                {
                    var d = new double[(long)RowCount * FeatureCount];
                    var f = RowsAsFloat32();
                    for (long i = 0; i < d.LongLength; i++)
                    {
                        d[i] = f[i];
                    }

                    return new KernelExpansionRegressor(Targets, FeatureCount, Kernel, d, _coef, _b);
                }
        }
    }

    /// <summary>
    /// Number of threads a prediction uses (default 1: the caller's thread only). With more, rows are split
    /// into equal parts; parts other than the first run as preallocated thread-pool work items while the
    /// caller computes the first, so a prediction allocates no buffers (the thread pool's queue may
    /// occasionally grow by a few bytes). Kernel prediction is bound by
    /// memory bandwidth, which a second core roughly doubles on most machines. Set before use.
    /// </summary>
    public int Parallelism
    {
        get => _parts.Length;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            int parts = Math.Min(value, Math.Max(1, RowCount));
            var list = new Part[parts];
            for (int k = 0; k < parts; k++)
            {
                list[k] = new Part(this, (int)((long)k * RowCount / parts), (int)((long)(k + 1) * RowCount / parts));
            }

            _parts = list;
        }
    }

    /// <inheritdoc/>
    public void Predict(ReadOnlySpan<double> features, Span<double> output)
    {
        int p = FeatureCount;
        if (features.Length != p)
        {
            throw new ArgumentException($"expected {p} features, got {features.Length}", nameof(features));
        }

        if (_rows64 is not null)
        {
            features.CopyTo(_x64);
            _xx = TensorPrimitives.Dot<double>(_x64, _x64);
        }
        else
        {
            TensorPrimitives.ConvertTruncating<double, float>(features, _x32);
            _xx = DotChunked(_x32, _x32);
        }

        var parts = _parts;
        if (parts.Length == 1)
        {
            ComputeRows(parts[0]);
        }
        else
        {
            for (int k = 1; k < parts.Length; k++)
            {
                parts[k].Done.Reset();
                ThreadPool.UnsafeQueueUserWorkItem(parts[k], preferLocal: false);
            }

            ComputeRows(parts[0]);
            for (int k = 1; k < parts.Length; k++)
            {
                parts[k].Done.Wait();
                if (parts[k].Error is { } e)
                {
                    parts[k].Error = null;
                    throw new InvalidOperationException("kernel evaluation failed on a worker thread", e);
                }
            }
        }

        int n = RowCount;
        for (int t = 0; t < _b.Length; t++)
        {
            output[t] = TensorPrimitives.Dot(new ReadOnlySpan<double>(_coef, t * n, n), _k) + _b[t];
        }
    }

    // Kernel values of rows [part.Start, part.End) into _k, with the part's own scratch.
    private void ComputeRows(Part part)
    {
        int p = FeatureCount;
        bool laplacian = Kernel.Kind == KernelKind.Laplacian;
        double xx = _xx;
        for (int i = part.Start; i < part.End; i++)
        {
            if (_rows64 is not null)
            {
                var s = new ReadOnlySpan<double>(_rows64, i * p, p);
                if (laplacian)
                {
                    TensorPrimitives.Subtract(_x64, s, part.Diff64);
                    _k[i] = Math.Exp(-Kernel.Gamma * TensorPrimitives.SumOfMagnitudes<double>(part.Diff64));
                }
                else
                {
                    _k[i] = Kernel.FromDot(TensorPrimitives.Dot(_x64, s), xx, _rowSq[i]);
                }
            }
            else if (_rows32 is not null)
            {
                var s = new ReadOnlySpan<float>(_rows32, i * p, p);
                _k[i] = laplacian ? Laplacian(_x32, s, part.Diff32!) : Kernel.FromDot(DotChunked(_x32, s), xx, _rowSq[i]);
            }
            else
            {
                _k[i] = laplacian ? Laplacian(_x32, Widen(_rows16!, i, p, part.Diff32!), part.Diff32!) : Kernel.FromDot(DotHalf(_x32, i, part.ChunkBuffer!), xx, _rowSq[i]);
            }
        }
    }

    /// <summary>A slice of rows with its own scratch; a reusable thread-pool work item.</summary>
    private sealed class Part : IThreadPoolWorkItem
    {
        private readonly KernelExpansionRegressor _owner;

        public Part(KernelExpansionRegressor owner, int start, int end)
        {
            _owner = owner;
            Start = start;
            End = end;
            int p = owner.FeatureCount;
            bool lap = owner.Kernel.Kind == KernelKind.Laplacian;
            Diff64 = lap && owner._rows64 is not null ? new double[p] : null;
            Diff32 = lap && owner._rows64 is null ? new float[p] : null;
            ChunkBuffer = owner._rows16 is not null ? new float[Chunk] : null;
        }

        public int Start { get; }

        public int End { get; }

        public double[]? Diff64 { get; }

        public float[]? Diff32 { get; }

        public float[]? ChunkBuffer { get; }

        public ManualResetEventSlim Done { get; } = new(false);

        public Exception? Error { get; set; }

        public void Execute()
        {
            try
            {
                _owner.ComputeRows(this);
            }
            catch (Exception e)
            {
                Error = e;
            }
            finally
            {
                Done.Set();
            }
        }
    }

    private double Laplacian(ReadOnlySpan<float> x, ReadOnlySpan<float> s, float[] diff)
    {
        // diff may hold s itself (float16 rows): Subtract reads each element before writing it.
        TensorPrimitives.Subtract(x, s, diff);
        return Math.Exp(-Kernel.Gamma * TensorPrimitives.SumOfMagnitudes<float>(diff));
    }

    private double DotHalf(ReadOnlySpan<float> x, int row, float[] chunk)
    {
        int p = FeatureCount;
        double sum = 0;
        for (int c = 0; c < p; c += Chunk)
        {
            int len = Math.Min(Chunk, p - c);
            var buf = chunk.AsSpan(0, len);
            TensorPrimitives.ConvertToSingle(new ReadOnlySpan<Half>(_rows16, (row * p) + c, len), buf);
            sum += TensorPrimitives.Dot(x.Slice(c, len), buf);
        }

        return sum;
    }

    private static float[] Widen(Half[] rows, int row, int p, float[] buffer)
    {
        TensorPrimitives.ConvertToSingle(new ReadOnlySpan<Half>(rows, row * p, p), buffer);
        return buffer;
    }

    private static double DotChunked(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int c = 0; c < a.Length; c += Chunk)
        {
            int len = Math.Min(Chunk, a.Length - c);
            sum += TensorPrimitives.Dot(a.Slice(c, len), b.Slice(c, len));
        }

        return sum;
    }
}
